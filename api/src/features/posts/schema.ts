// The wire schemas of this feature live in the contract package, shared with the site and the admin app.
export * from '@blog/contract/posts';
export type { TagRef } from '@blog/contract/tags';
