import { JobError } from '../../jobs/queue.js';
import type { PublishDelivery } from './delivery.js';

/** The outbox job kind that carries publish events to GitHub's repository_dispatch. */
export const GITHUB_DISPATCH_JOB = 'github_dispatch';

/** The `event_type` of the dispatch: `.github/workflows/rebuild.yml` runs on `repository_dispatch: types: [publish]`. */
export const GITHUB_EVENT_TYPE = 'publish';

/** A refusal GitHub will repeat (bad token, unknown repository, invalid body) is tried this many times, then dead. */
export const GITHUB_REFUSED_ATTEMPTS = 3;

export interface GithubDispatchOptions {
  /** GitHub's REST API root, e.g. https://api.github.com (GITHUB_API_URL). */
  apiUrl: string;
  /** owner/repo (GITHUB_DISPATCH_REPO). */
  repo: string;
  /** GITHUB_DISPATCH_TOKEN: fine-grained, Contents read and write on the repository. */
  token: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Now, for Retry-After dates. */
  now?: () => Date;
}

/** Milliseconds a Retry-After (seconds or an HTTP date) or a rate-limit reset (unix seconds) asks for. */
function retryAfterMs(headers: Headers, now: Date): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now.getTime());
  }
  const reset = headers.get('x-ratelimit-reset');
  if (headers.get('x-ratelimit-remaining') === '0' && reset && /^\d+$/.test(reset)) {
    return Math.max(0, Number(reset) * 1000 - now.getTime());
  }
  return undefined;
}

/**
 * Sends a publish event to GitHub as `POST {apiUrl}/repos/{owner}/{repo}/dispatches` with
 * `{ event_type: "publish", client_payload: <the event> }` (the same fields the builder's webhook
 * gets: event, postId, slug, previousSlug?, at; or event "rebuild", reason?, at).
 *
 * A 2xx (GitHub answers 204) is delivered. A 429, or a 403 that is a rate limit (Retry-After or
 * no requests left), is retried after the wait GitHub asks for; a network error, a timeout or a 5xx
 * is retried with the outbox's backoff; any other 4xx (401 bad token, 404 unknown repository or a
 * token without access, 422 invalid body) is retried GITHUB_REFUSED_ATTEMPTS times in all, then
 * left dead with GitHub's message. The token never appears in an error.
 */
export function githubDispatchDelivery(options: GithubDispatchOptions): PublishDelivery {
  const { token, timeoutMs = 10_000, now = () => new Date() } = options;
  const [owner = '', name = ''] = options.repo.split('/');
  const url = `${options.apiUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/dispatches`;
  return async (event) => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': 'blog-platform-api',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ event_type: GITHUB_EVENT_TYPE, client_payload: event }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new Error(
        `GitHub unreachable at ${url} (${error instanceof Error ? error.message : String(error)}${cause})`,
      );
    }
    if (response.ok) {
      await response.body?.cancel();
      return;
    }
    const text = (await response.text().catch(() => '')).slice(0, 300);
    let detail = text;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && 'message' in parsed && typeof parsed.message === 'string') {
        detail = parsed.message;
      }
    } catch {
      // Not JSON: keep the text.
    }
    const message = `GitHub answered ${response.status} to the dispatch for ${options.repo}: ${detail}`.trim();
    const wait = retryAfterMs(response.headers, now());
    if (response.status === 429 || (response.status === 403 && wait !== undefined)) {
      throw new JobError(message, { retryAfterMs: wait });
    }
    if (response.status >= 400 && response.status < 500) {
      throw new JobError(message, { maxAttempts: GITHUB_REFUSED_ATTEMPTS });
    }
    throw new Error(message);
  };
}
