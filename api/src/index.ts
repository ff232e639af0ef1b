// What the site's islands and the admin app may import from the API: types only.
export type { AppType } from './app.js';
export type { Me } from './auth/schema.js';
export type { AdminComment, AdminCommentList } from './features/admin/content.schema.js';
export type { AdminStats, AuditEntry, AuditList, BulkRequest, BulkResult } from './features/admin/schema.js';
export type { AdminUser, AdminUserDetail, AdminUserList } from './features/admin/users.schema.js';
export type { CategoryOut } from './features/categories/schema.js';
export type { CommentOut, CommentThreadOut } from './features/comments/schema.js';
export type { PostDetail, PostList, PostSummary } from './features/posts/schema.js';
export type { SitePost, SitePostPage } from './features/site/schema.js';
export type { PublicUser } from './features/users/schema.js';
