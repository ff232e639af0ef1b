// How the admin app reaches the API: the contract's one browser client (same origin, the session
// cookie, JSON), its route types checked against the API's by api/src/features/client-routes.test.ts.
import type {
  BulkRequest,
  CreateBanInput,
  CreateCategoryInput,
  CreatePostInput,
  PurgeRequest,
  UpdateAdminUserInput,
  UpdateAuthorProfileInput,
  UpdateCategoryInput,
  UpdateModerationSettings,
  UpdatePostInput,
  UpdateTagInput,
} from '@blog/contract';
import { ApiRequestError, createClient, importSite, type Query, queryString, uploadMedia } from '@blog/contract/client';

export { ApiRequestError as ApiError, queryString };

/** Fired on window when the API answers 401: the session ended, the app shows the sign-in form. */
export const UNAUTHORIZED_EVENT = 'admin-unauthorized';

declare global {
  interface WindowEventMap {
    [UNAUTHORIZED_EVENT]: Event;
  }
}

const clientOptions = {
  base: '/api',
  onUnauthorized: () => window.dispatchEvent(new Event(UNAUTHORIZED_EVENT)),
};
const client = createClient(clientOptions);
const { call } = client;

/** What to tell the admin about a failed request, in a sentence or two. */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiRequestError)) return error instanceof Error ? error.message : 'Something went wrong.';
  if (error.status === 422 && error.details.length > 0) {
    return error.details.map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}.`).join(' ');
  }
  return error.message;
}

/** Every API call the admin app makes, by the contract's route map. */
export const api = {
  session: () => call('GET /auth/session'),
  login: (email: string, password: string) => call('POST /auth/login', { body: { email, password } }),
  logout: () => call('POST /auth/logout'),

  stats: () => call('GET /admin/stats'),
  recount: () => call('POST /admin/recount'),
  bulk: (request: BulkRequest) => call('POST /admin/bulk', { body: request }),
  audit: (query: Query) => call('GET /admin/audit', { query }),

  users: (query: Query) => call('GET /admin/users', { query }),
  user: (id: number) => call('GET /admin/users/:id', { params: { id } }),
  updateUser: (id: number, input: UpdateAdminUserInput) =>
    call('PATCH /admin/users/:id', { params: { id }, body: input }),
  banUser: (id: number, ban: boolean) =>
    ban
      ? call('POST /admin/users/:id/ban', { params: { id } })
      : call('POST /admin/users/:id/unban', { params: { id } }),
  deleteUser: (id: number) => call('DELETE /admin/users/:id', { params: { id } }),

  posts: (query: Query) => call('GET /admin/posts', { query }),
  post: (id: number) => call('GET /posts/:idOrSlug', { params: { idOrSlug: id } }),
  createPost: (input: CreatePostInput) => call('POST /posts', { body: input }),
  preview: (bodyMarkdown: string) => call('POST /preview', { body: { bodyMarkdown } }),
  previewLink: (id: number) => call('POST /posts/:idOrSlug/preview-link', { params: { idOrSlug: id } }),
  revisions: (id: number) => call('GET /posts/:idOrSlug/revisions', { params: { idOrSlug: id } }),
  restoreRevision: (id: number, version: number) =>
    call('POST /posts/:idOrSlug/revisions/:version/restore', { params: { idOrSlug: id, version } }),
  updatePost: (id: number, input: UpdatePostInput) =>
    call('PATCH /posts/:idOrSlug', { params: { idOrSlug: id }, body: input }),
  publishPost: (id: number, publish: boolean) =>
    publish
      ? call('POST /posts/:idOrSlug/publish', { params: { idOrSlug: id } })
      : call('POST /posts/:idOrSlug/unpublish', { params: { idOrSlug: id } }),
  deletePost: (id: number) => call('DELETE /posts/:idOrSlug', { params: { idOrSlug: id } }),

  categories: () => call('GET /categories'),
  createCategory: (input: CreateCategoryInput) => call('POST /categories', { body: input }),
  updateCategory: (id: number, input: UpdateCategoryInput) =>
    call('PATCH /categories/:idOrSlug', { params: { idOrSlug: id }, body: input }),
  deleteCategory: (id: number) => call('DELETE /categories/:idOrSlug', { params: { idOrSlug: id } }),
  ownAuthorPage: () => call('GET /authors/me'),
  updateOwnAuthorPage: (input: UpdateAuthorProfileInput) => call('PATCH /authors/me', { body: input }),
  media: (query: Query) => call('GET /media', { query }),
  mediaItem: (id: number) => call('GET /media/:id', { params: { id } }),
  updateMedia: (id: number, alt: string) => call('PATCH /media/:id', { params: { id }, body: { alt } }),
  deleteMedia: (id: number) => call('DELETE /media/:id', { params: { id } }),
  uploadMedia: (file: Blob, name: string, alt = '') => uploadMedia(clientOptions, file, name, alt),
  importSite: (...args: Parameters<typeof importSite> extends [unknown, ...infer Rest] ? Rest : never) =>
    importSite(clientOptions, ...args),
  tags: () => call('GET /admin/tags'),
  updateTag: (id: number, input: UpdateTagInput) => call('PATCH /admin/tags/:id', { params: { id }, body: input }),
  mergeTag: (id: number, into: number) => call('POST /admin/tags/:id/merge', { params: { id }, body: { into } }),
  deleteTag: (id: number) => call('DELETE /admin/tags/:id', { params: { id } }),

  comments: (query: Query) => call('GET /admin/comments', { query }),
  hideComment: (id: number, hide: boolean) =>
    hide
      ? call('POST /admin/comments/:id/hide', { params: { id } })
      : call('POST /admin/comments/:id/unhide', { params: { id } }),
  deleteComment: (id: number) => call('DELETE /admin/comments/:id', { params: { id } }),
  reviewComment: (id: number, decision: 'approve' | 'reject') =>
    decision === 'approve'
      ? call('POST /admin/comments/:id/approve', { params: { id } })
      : call('POST /admin/comments/:id/reject', { params: { id } }),
  purgeComments: (request: PurgeRequest) => call('POST /admin/comments/purge', { body: request }),

  moderationSettings: () => call('GET /admin/moderation/settings'),
  updateModerationSettings: (input: UpdateModerationSettings) =>
    call('PUT /admin/moderation/settings', { body: input }),
  moderationLog: (query: Query) => call('GET /admin/moderation/log', { query }),
  bans: (query: Query) => call('GET /admin/bans', { query }),
  createBan: (input: CreateBanInput) => call('POST /admin/bans', { body: input }),
  deleteBan: (id: number) => call('DELETE /admin/bans/:id', { params: { id } }),

  rebuilds: (query: Query) => call('GET /admin/rebuilds', { query }),
  requestRebuild: (reason?: string) => call('POST /admin/rebuilds', { body: reason ? { reason } : {} }),

  newsletter: () => call('GET /admin/newsletter'),
};
