// The wire contract: everything that crosses a process boundary, defined once (DESIGN §1).
// Signatures need node:crypto and live apart: '@blog/contract/signature'.

export * from './admin.js';
export * from './admin-content.js';
export * from './admin-users.js';
export * from './auth.js';
export * from './authors.js';
export * from './categories.js';
export * from './comments.js';
export * from './common.js';
export * from './errors.js';
export * from './media.js';
export * from './moderation.js';
export * from './names.js';
export * from './oidc.js';
export * from './paths.js';
export * from './posts.js';
export * from './publishing.js';
export * from './revisions.js';
export * from './site.js';
export * from './subscriptions.js';
export * from './tags.js';
export * from './transfer.js';
export * from './users.js';
