// How the islands reach the API: same origin, cookies, JSON.
import { BROWSER_API_BASE } from '../consts';

/** An API answer that was not 2xx, with the API's error code when it sent one. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** GET `path` (under /api) as JSON with the reader's cookies. */
export async function getJson(path: string, init: { signal?: AbortSignal } = {}): Promise<unknown> {
  const res = await fetch(`${BROWSER_API_BASE}${path}`, {
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
    signal: init.signal,
  });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = typeof body === 'object' && body !== null && 'error' in body ? body.error : null;
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'http_error';
    throw new ApiRequestError(res.status, code, `GET ${path} answered ${res.status}`);
  }
  return body;
}
