// What the site's islands and the admin app may import from the API: types only.
import type { z } from '@hono/zod-openapi';
import type { RecountResultSchema } from './features/admin/schema.js';
import type { CategoryListSchema } from './features/categories/schema.js';
import type { BuildListSchema, BuildSchema, RebuildQueuedSchema } from './features/publishing/schema.js';

export type { AppType } from './app.js';
export type { Me } from './auth/schema.js';
export type { AdminComment, AdminCommentList } from './features/admin/content.schema.js';
export type {
  AdminStats,
  AuditEntry,
  AuditList,
  BulkItemResult,
  BulkRequest,
  BulkResult,
} from './features/admin/schema.js';
export type {
  AdminUser,
  AdminUserDetail,
  AdminUserList,
  UpdateAdminUserInput,
} from './features/admin/users.schema.js';
export type { CategoryOut, CreateCategoryInput, UpdateCategoryInput } from './features/categories/schema.js';
export type { CommentOut, CommentThreadOut } from './features/comments/schema.js';
export type {
  CreatePostInput,
  PostDetail,
  PostList,
  PostSummary,
  UpdatePostInput,
} from './features/posts/schema.js';
export type { SitePost, SitePostPage } from './features/site/schema.js';
export type { PublicUser } from './features/users/schema.js';

// Schema-derived types that their feature does not name (the admin app's rebuild views and recount).
export type Build = z.infer<typeof BuildSchema>;
export type BuildList = z.infer<typeof BuildListSchema>;
export type RebuildQueued = z.infer<typeof RebuildQueuedSchema>;
export type CategoryList = z.infer<typeof CategoryListSchema>;
export type RecountResult = z.infer<typeof RecountResultSchema>;
