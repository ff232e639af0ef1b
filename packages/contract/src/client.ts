// The one browser client of the API, for the site's islands and the admin app: same origin, the
// session cookie, JSON, the error envelope read without trusting its shape, Retry-After. Type-only
// imports: it costs no zod in a bundle.

import type { AdminStats, AuditList, BulkRequest, BulkResult, RecountResult } from './admin.js';
import type { AdminComment, AdminCommentList } from './admin-content.js';
import type { AdminUserDetail, AdminUserList, UpdateAdminUserInput } from './admin-users.js';
import type {
  AccountExport,
  ChangeEmailInput,
  ChangePasswordInput,
  EmailChangeSentOut,
  LoginResponse,
  Me,
  OtpSentOut,
  SessionListOut,
  SignupInput,
} from './auth.js';
import type { AuthorProfile, UpdateAuthorProfileInput } from './authors.js';
import type { CategoryList, CategoryOut, CreateCategoryInput, UpdateCategoryInput } from './categories.js';
import type {
  CommentCountsOut,
  CommentLikeState,
  CommentOut,
  CommentPageOut,
  CommentPreviewOut,
  CommentViewerOut,
  CreateCommentInput,
} from './comments.js';
import type { ErrorCode, ErrorDetail } from './errors.js';
import type { MediaList, MediaOut, UpdateMediaInput } from './media.js';
import type {
  BanList,
  BanOut,
  CreateBanInput,
  ModerationLog,
  ModerationSettings,
  PurgeRequest,
  UpdateModerationSettings,
} from './moderation.js';
import type { ProviderListOut } from './oidc.js';
import type {
  CreatePostInput,
  PostDetail,
  PostList,
  PreviewLink,
  PreviewOut,
  PreviewRequest,
  UpdatePostInput,
} from './posts.js';
import type { BuildList, RebuildQueuedOut } from './publishing.js';
import type { RevisionList, RevisionOut } from './revisions.js';
import type {
  AdminNewsletter,
  NewsletterSubscribeAccepted,
  NewsletterSubscribeInput,
  SubscriptionList,
  SubscriptionState,
} from './subscriptions.js';
import type { MergeTagInput, TagList, TagOut, UpdateTagInput } from './tags.js';
import type { ImportEvent, ImportFormat, ImportReport } from './transfer.js';

/**
 * Every route a browser calls: `METHOD /path` (under /api, `:name` for a path parameter) → its
 * request body and its 2xx answer. `api/src/features/client-routes.test.ts` checks each entry
 * against the API's own route types, so a renamed route or a changed schema fails there.
 */
export interface Routes {
  'GET /auth/session': { response: { user: Me | null } };
  'POST /auth/login': { body: { email: string; password: string }; response: LoginResponse };
  'POST /auth/signup': { body: SignupInput; response: { user: Me; verification: OtpSentOut } };
  'POST /auth/logout': { response: undefined };
  'POST /auth/otp/send': { response: OtpSentOut };
  'POST /auth/otp/verify': { body: { code: string }; response: { user: Me } };
  'GET /auth/providers': { response: ProviderListOut };
  'POST /auth/password/forgot': { body: { email: string }; response: { status: 'accepted'; message: string } };
  'POST /auth/password/reset': { body: { email: string; code: string; password: string }; response: undefined };
  'POST /auth/password/change': { body: ChangePasswordInput; response: { revoked: number } };
  'PATCH /auth/me': { body: { name: string }; response: { user: Me } };
  'DELETE /auth/me': { body: { password?: string }; response: undefined };
  'POST /auth/email/change': { body: ChangeEmailInput; response: EmailChangeSentOut };
  'POST /auth/email/confirm': { body: { code: string }; response: { user: Me } };
  'GET /auth/sessions': { response: SessionListOut };
  'DELETE /auth/sessions/others': { response: { revoked: number } };
  'DELETE /auth/sessions/:id': { response: undefined };
  'GET /auth/me/export': { response: AccountExport };

  'GET /posts/:idOrSlug/comments': { response: CommentPageOut };
  'POST /posts/:idOrSlug/comments': { body: CreateCommentInput; response: CommentOut };
  'PATCH /comments/:id': { body: { body: string }; response: CommentOut };
  'DELETE /comments/:id': { response: undefined };
  'GET /posts/:idOrSlug/comments/viewer': { response: CommentViewerOut };
  'PUT /comments/:id/like': { response: CommentLikeState };
  'DELETE /comments/:id/like': { response: CommentLikeState };
  'PUT /comments/:id/pin': { response: CommentOut };
  'DELETE /comments/:id/pin': { response: CommentOut };
  'POST /comments/preview': { body: { body: string }; response: CommentPreviewOut };
  'GET /comments/counts': { response: CommentCountsOut };

  'GET /admin/stats': { response: AdminStats };
  'POST /admin/recount': { response: RecountResult };
  'POST /admin/bulk': { body: BulkRequest; response: BulkResult };
  'GET /admin/audit': { response: AuditList };
  'GET /admin/users': { response: AdminUserList };
  'GET /admin/users/:id': { response: AdminUserDetail };
  'PATCH /admin/users/:id': { body: UpdateAdminUserInput; response: AdminUserDetail };
  'POST /admin/users/:id/ban': { response: AdminUserDetail };
  'POST /admin/users/:id/unban': { response: AdminUserDetail };
  'DELETE /admin/users/:id': { response: undefined };
  'GET /admin/posts': { response: PostList };
  'GET /posts/:idOrSlug': { response: PostDetail };
  'POST /posts': { body: CreatePostInput; response: PostDetail };
  'POST /preview': { body: PreviewRequest; response: PreviewOut };
  'PATCH /posts/:idOrSlug': { body: UpdatePostInput; response: PostDetail };
  'POST /posts/:idOrSlug/publish': { response: PostDetail };
  'POST /posts/:idOrSlug/unpublish': { response: PostDetail };
  'POST /posts/:idOrSlug/preview-link': { response: PreviewLink };
  'GET /posts/:idOrSlug/revisions': { response: RevisionList };
  'GET /posts/:idOrSlug/revisions/:version': { response: RevisionOut };
  'POST /posts/:idOrSlug/revisions/:version/restore': { response: PostDetail };
  'DELETE /posts/:idOrSlug': { response: undefined };
  'GET /categories': { response: CategoryList };
  'POST /categories': { body: CreateCategoryInput; response: CategoryOut };
  'PATCH /categories/:idOrSlug': { body: UpdateCategoryInput; response: CategoryOut };
  'DELETE /categories/:idOrSlug': { response: undefined };
  'GET /tags': { response: TagList };
  'GET /admin/tags': { response: TagList };
  'PATCH /admin/tags/:id': { body: UpdateTagInput; response: TagOut };
  'POST /admin/tags/:id/merge': { body: MergeTagInput; response: TagOut };
  'DELETE /admin/tags/:id': { response: undefined };
  'GET /media': { response: MediaList };
  'GET /media/:id': { response: MediaOut };
  'PATCH /media/:id': { body: UpdateMediaInput; response: MediaOut };
  'DELETE /media/:id': { response: undefined };
  'GET /authors/me': { response: AuthorProfile };
  'PATCH /authors/me': { body: UpdateAuthorProfileInput; response: AuthorProfile };
  'GET /admin/comments': { response: AdminCommentList };
  'POST /admin/comments/:id/hide': { response: AdminComment };
  'POST /admin/comments/:id/unhide': { response: AdminComment };
  'DELETE /admin/comments/:id': { response: undefined };
  'POST /admin/comments/:id/approve': { response: AdminComment };
  'POST /admin/comments/:id/reject': { response: AdminComment };
  'POST /admin/comments/purge': { body: PurgeRequest; response: BulkResult };
  'GET /admin/moderation/settings': { response: ModerationSettings };
  'PUT /admin/moderation/settings': { body: UpdateModerationSettings; response: ModerationSettings };
  'GET /admin/moderation/log': { response: ModerationLog };
  'GET /admin/bans': { response: BanList };
  'POST /admin/bans': { body: CreateBanInput; response: BanOut };
  'DELETE /admin/bans/:id': { response: undefined };
  'GET /admin/rebuilds': { response: BuildList };
  'POST /admin/rebuilds': { body: { reason?: string }; response: RebuildQueuedOut };

  // Subscriptions (features/subscriptions)
  'GET /posts/:idOrSlug/subscription': { response: SubscriptionState };
  'PUT /posts/:idOrSlug/subscription': { response: SubscriptionState };
  'DELETE /posts/:idOrSlug/subscription': { response: SubscriptionState };
  'GET /subscriptions': { response: SubscriptionList };
  'DELETE /subscriptions/:id': { response: undefined };
  'POST /newsletter/subscribe': { body: NewsletterSubscribeInput; response: NewsletterSubscribeAccepted };
  'GET /newsletter/subscription': { response: SubscriptionState };
  'PUT /newsletter/subscription': { response: SubscriptionState };
  'DELETE /newsletter/subscription': { response: SubscriptionState };
  'GET /admin/newsletter': { response: AdminNewsletter };
}

export type Route = keyof Routes;
export type ResponseOf<R extends Route> = Routes[R]['response'];
export type BodyOf<R extends Route> = Routes[R] extends { body: infer B } ? B : undefined;

/** `{ id: … }` for 'PATCH /comments/:id'; `{}` for a route without parameters. */
type ParamsOf<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string | number } & ParamsOf<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? { [K in Name]: string | number }
    : Record<never, never>;
type PathOf<R extends Route> = R extends `${string} ${infer Path}` ? Path : never;
export type ParamsFor<R extends Route> = ParamsOf<PathOf<R>>;

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions<R extends Route> {
  params?: ParamsFor<R>;
  query?: Query;
  body?: BodyOf<R>;
}

/** A code the API sent, or the client's own: `network` (no answer), `http_<status>` (no envelope). */
export type ClientErrorCode = ErrorCode | 'network' | `http_${number}`;

/** An API answer that was not 2xx (status 0: the API could not be reached). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Seconds from a 429's or 503's Retry-After header (0 when absent). */
    readonly retryAfter = 0,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value)) : {};

/** `{ error: { code, message, details } }` read without trusting its shape. */
function toError(res: Response, body: unknown): ApiRequestError {
  const error = record(record(body).error);
  const details = Array.isArray(error.details)
    ? error.details.map((item) => {
        // The other fields are kept as unknowns (a wrong one-time code's `attemptsLeft`).
        const { path, code, ...detail } = record(item);
        return { ...detail, ...(typeof path === 'string' && { path }), message: String(detail.message ?? '') };
      })
    : [];
  const code: ClientErrorCode = typeof error.code === 'string' ? (error.code as ErrorCode) : `http_${res.status}`;
  return new ApiRequestError(
    res.status,
    code,
    typeof error.message === 'string' ? error.message : `The server answered ${res.status}.`,
    details,
    Number(res.headers.get('retry-after')) || 0,
  );
}

/** `/comments/:id` with `{ id: 3 }` → `/comments/3` (each value URL-encoded). */
export function pathFor(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${path}: no value for :${name}`);
    return encodeURIComponent(String(value));
  });
}

/** `?a=1&b=x` from the defined, non-empty values (empty string when none). */
export function queryString(query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface ClientOptions {
  /** Where the API is, e.g. '/api' (same origin). */
  base: string;
  /** Told of every 401 but the sign-in's own (the admin app then shows its sign-in form). */
  /** A 401 answer: the route asked (the two multipart uploads are functions of their own). */
  onUnauthorized?: (route: Route | 'POST /media' | 'POST /admin/import') => void;
}

/** The API, route by route: `api.call('PATCH /comments/:id', { params: { id }, body })`. */
export function createClient(options: ClientOptions) {
  return {
    async call<R extends Route>(route: R, call: CallOptions<R> = {}): Promise<ResponseOf<R>> {
      const space = route.indexOf(' ');
      const method = route.slice(0, space);
      const params: Record<string, string | number> = { ...call.params };
      const url = `${options.base}${pathFor(route.slice(space + 1), params)}${queryString(call.query)}`;
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          credentials: 'same-origin',
          headers: call.body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
        });
      } catch {
        throw new ApiRequestError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
      }
      const data: unknown = res.status === 204 ? undefined : await res.json().catch(() => null);
      if (!res.ok) {
        if (res.status === 401 && route !== 'POST /auth/login') options.onUnauthorized?.(route);
        throw toError(res, data);
      }
      // The one place the answer's type is taken on trust: the API's presenters produce exactly
      // the route's schema, and client-routes.test.ts keeps Routes equal to the API's route types.
      return data as ResponseOf<R>;
    },
  };
}

/**
 * POST /media: an image as multipart/form-data (field `file`, and its alt text). A function of
 * its own, not a client method, so the site's islands (which never upload) do not bundle it.
 */
export async function uploadMedia(options: ClientOptions, file: Blob, name: string, alt = ''): Promise<MediaOut> {
  const form = new FormData();
  form.append('file', file, name);
  if (alt) form.append('alt', alt);
  return (await postForm(options, 'POST /media', form)).json() as Promise<MediaOut>;
}

/** A multipart POST (the two uploads): the answer when it is a success, else the API's error thrown. */
async function postForm(
  options: ClientOptions,
  route: 'POST /media' | 'POST /admin/import',
  form: FormData,
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(`${options.base}${route.slice(5)}`, { method: 'POST', credentials: 'same-origin', body: form });
  } catch {
    throw new ApiRequestError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  if (!res.ok) {
    const data: unknown = await res.json().catch(() => null);
    if (res.status === 401) options.onUnauthorized?.(route);
    throw toError(res, data);
  }
  return res;
}

/**
 * POST /admin/import: an export as multipart/form-data (one `file`, or one per Markdown file,
 * named by its path), answered as JSON lines: `onEvent` sees every progress line, the report is
 * returned. A function of its own for the same reason as uploadMedia.
 */
export async function importSite(
  options: ClientOptions,
  files: { file: Blob; name: string }[],
  format: ImportFormat | undefined,
  onEvent: (event: ImportEvent) => void,
): Promise<ImportReport> {
  const form = new FormData();
  if (format) form.append('format', format);
  for (const { file, name } of files) form.append('file', file, name);
  const res = await postForm(options, 'POST /admin/import', form);
  if (!res.body)
    throw new ApiRequestError(0, 'network', 'The import’s answer ended early; see the audit log for what it wrote.');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  let report: ImportReport | null = null;
  const handle = (line: string) => {
    if (!line.trim()) return;
    const event = JSON.parse(line) as ImportEvent;
    if (event.type === 'error') throw new ApiRequestError(500, 'internal_error', event.error.message);
    if (event.type === 'report') report = event.report;
    onEvent(event);
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += value;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) handle(line);
  }
  handle(buffered);
  if (!report)
    throw new ApiRequestError(0, 'network', 'The import’s answer ended early; see the audit log for what it wrote.');
  return report;
}

export type ApiClient = ReturnType<typeof createClient>;
