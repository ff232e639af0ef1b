// The wire schemas of this feature live in the contract package, shared with the admin app.
export * from '@blog/contract/revisions';
