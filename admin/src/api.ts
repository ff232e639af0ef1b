// How the admin app reaches the API: same origin, the session cookie, JSON. The response types
// come from the API's zod schemas (`@blog/api`, type-only: no bytes in the bundle).
import type {
  AdminComment,
  AdminCommentList,
  AdminStats,
  AdminUserDetail,
  AdminUserList,
  AuditList,
  BuildList,
  BulkRequest,
  BulkResult,
  CategoryList,
  CategoryOut,
  CreateCategoryInput,
  CreatePostInput,
  Me,
  PostDetail,
  PostList,
  RebuildQueued,
  RecountResult,
  UpdateAdminUserInput,
  UpdateCategoryInput,
  UpdatePostInput,
} from '@blog/api';

/** One problem with one field of a request body (422). */
export interface ErrorDetail {
  path?: string;
  message: string;
}

/** An API answer that was not 2xx (status 0: the API could not be reached). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The API's snake_case error code, e.g. `own_account`. */
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Fired on window when the API answers 401: the session ended, the app shows the sign-in form. */
export const UNAUTHORIZED_EVENT = 'admin-unauthorized';

declare global {
  interface WindowEventMap {
    [UNAUTHORIZED_EVENT]: Event;
  }
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value)) : {};

/** Reads `{ error: { code, message, details } }` without trusting its shape. */
function toError(res: Response, body: unknown): ApiError {
  const error = record(record(body).error);
  const details = Array.isArray(error.details)
    ? error.details.map((item) => {
        const detail = record(item);
        return {
          path: typeof detail.path === 'string' ? detail.path : undefined,
          message: String(detail.message ?? ''),
        };
      })
    : [];
  return new ApiError(
    res.status,
    typeof error.code === 'string' ? error.code : `http_${res.status}`,
    typeof error.message === 'string' ? error.message : `The server answered ${res.status}.`,
    details,
  );
}

/**
 * Sends `method /api{path}` with the session cookie and a JSON body; resolves with the JSON
 * answer (undefined for 204). `T` is the route's declared response type: the API's presenters
 * produce exactly the zod schema's shape, as Hono's typed client would also assume.
 */
async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  const data: unknown = res.status === 204 ? undefined : await res.json().catch(() => null);
  if (!res.ok) {
    const error = toError(res, data);
    if (res.status === 401 && path !== '/auth/login') window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    throw error;
  }
  return data as T;
}

/** `?a=1&b=x` from the defined, non-empty values (empty string when none). */
export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** What to tell the admin about a failed request, in a sentence or two. */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : 'Something went wrong.';
  if (error.status === 422 && error.details.length > 0) {
    return error.details.map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}.`).join(' ');
  }
  return error.message;
}

type Params = Record<string, string | number | undefined>;

/** Every API call the admin app makes, typed by the API's schemas. */
export const api = {
  session: () => call<{ user: Me | null }>('GET', '/auth/session'),
  login: (email: string, password: string) => call<{ user: Me }>('POST', '/auth/login', { email, password }),
  logout: () => call<undefined>('POST', '/auth/logout'),

  stats: () => call<AdminStats>('GET', '/admin/stats'),
  recount: () => call<RecountResult>('POST', '/admin/recount'),
  bulk: (request: BulkRequest) => call<BulkResult>('POST', '/admin/bulk', request),
  audit: (params: Params) => call<AuditList>('GET', `/admin/audit${queryString(params)}`),

  users: (params: Params) => call<AdminUserList>('GET', `/admin/users${queryString(params)}`),
  user: (id: number) => call<AdminUserDetail>('GET', `/admin/users/${id}`),
  updateUser: (id: number, input: UpdateAdminUserInput) => call<AdminUserDetail>('PATCH', `/admin/users/${id}`, input),
  banUser: (id: number, ban: boolean) => call<AdminUserDetail>('POST', `/admin/users/${id}/${ban ? 'ban' : 'unban'}`),
  deleteUser: (id: number) => call<undefined>('DELETE', `/admin/users/${id}`),

  posts: (params: Params) => call<PostList>('GET', `/admin/posts${queryString(params)}`),
  post: (id: number) => call<PostDetail>('GET', `/posts/${id}`),
  createPost: (input: CreatePostInput) => call<PostDetail>('POST', '/posts', input),
  updatePost: (id: number, input: UpdatePostInput) => call<PostDetail>('PATCH', `/posts/${id}`, input),
  publishPost: (id: number, publish: boolean) =>
    call<PostDetail>('POST', `/posts/${id}/${publish ? 'publish' : 'unpublish'}`),
  deletePost: (id: number) => call<undefined>('DELETE', `/posts/${id}`),

  categories: () => call<CategoryList>('GET', '/categories'),
  createCategory: (input: CreateCategoryInput) => call<CategoryOut>('POST', '/categories', input),
  updateCategory: (id: number, input: UpdateCategoryInput) => call<CategoryOut>('PATCH', `/categories/${id}`, input),
  deleteCategory: (id: number) => call<undefined>('DELETE', `/categories/${id}`),

  comments: (params: Params) => call<AdminCommentList>('GET', `/admin/comments${queryString(params)}`),
  hideComment: (id: number, hide: boolean) =>
    call<AdminComment>('POST', `/admin/comments/${id}/${hide ? 'hide' : 'unhide'}`),
  deleteComment: (id: number) => call<undefined>('DELETE', `/admin/comments/${id}`),

  rebuilds: (params: Params) => call<BuildList>('GET', `/admin/rebuilds${queryString(params)}`),
  requestRebuild: (reason?: string) => call<RebuildQueued>('POST', '/admin/rebuilds', reason ? { reason } : undefined),
};
