// How the islands reach the API: same origin, the session cookie, JSON. No tokens anywhere
// but the HttpOnly cookie the API sets.
import { BROWSER_API_BASE } from '../consts';

/** One problem with one field of a request body (422). */
export interface ErrorDetail {
  path?: string;
  message: string;
}

/** An API answer that was not 2xx (status 0: the API could not be reached). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    /** The API's snake_case error code, e.g. `email_not_verified`. */
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Seconds from the Retry-After header of a 429 (0 when absent). */
    readonly retryAfter = 0,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value)) : {};

/** Reads `{ error: { code, message, details } }` without trusting its shape. */
function toError(res: Response, body: unknown): ApiRequestError {
  const error = record(record(body).error);
  const details = Array.isArray(error.details)
    ? error.details.map((item) => {
        const detail = record(item);
        return { path: typeof detail.path === 'string' ? detail.path : undefined, message: String(detail.message) };
      })
    : [];
  return new ApiRequestError(
    res.status,
    typeof error.code === 'string' ? error.code : `http_${res.status}`,
    typeof error.message === 'string' ? error.message : `The server answered ${res.status}.`,
    details,
    Number(res.headers.get('retry-after')) || 0,
  );
}

/**
 * Sends `method path` (under /api) with the reader's cookies and a JSON body, and resolves with
 * the JSON answer (undefined for 204). `T` is the route's declared response type (see
 * ./types.ts); the API's presenters guarantee that shape, as Hono's typed client would assume.
 * Rejects with an ApiRequestError.
 */
export async function callApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(BROWSER_API_BASE + path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiRequestError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  const data: unknown = res.status === 204 ? undefined : await res.json().catch(() => null);
  if (!res.ok) throw toError(res, data);
  return data as T;
}

const FIELD_NAMES: Record<string, string> = { body: 'Your comment', parentId: 'The reply' };

/** "password" → "Password": a field name as the start of a sentence. */
const fieldName = (path: string) => FIELD_NAMES[path] ?? path.charAt(0).toUpperCase() + path.slice(1);

/** What to tell the reader about a failed request, in one sentence or two. */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiRequestError)) return 'Something went wrong. Please try again.';
  if (error.code === 'otp_cooldown') {
    return `A code was just sent. You can ask for a new one in ${error.retryAfter || 60} seconds.`;
  }
  if (error.status === 429) {
    return `Too many attempts. Please wait ${error.retryAfter || 60} seconds and try again.`;
  }
  if (error.status === 422 && error.details.length > 0) {
    return error.details.map((d) => `${d.path ? `${fieldName(d.path)} ` : ''}${d.message}.`).join(' ');
  }
  return error.message;
}
