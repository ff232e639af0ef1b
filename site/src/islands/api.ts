// How the islands reach the API: the contract's one browser client (same origin, the session
// cookie, JSON; no tokens anywhere but the HttpOnly cookie the API sets).
import { ApiRequestError, createClient } from '@blog/contract/client';
import { BROWSER_API_BASE } from '../consts';

export { ApiRequestError };

/** The API, route by route (see @blog/contract/client's Routes). */
export const api = createClient({ base: BROWSER_API_BASE });

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
