// The wire schemas of this feature live in the contract package, shared with the admin app and the site.
export * from '@blog/contract/media';
