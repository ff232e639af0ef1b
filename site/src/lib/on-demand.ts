// What the on-demand pages (draft previews, a post not built yet) share: reading the API at
// request time, with a deadline, and answering with the right status and headers.
import type { AstroGlobal } from 'astro';
import { readSiteEnv } from '../env';

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** GET `${BLOG_API_URL}${path}`: the status and the JSON body (null when there is none). */
export async function readApi(path: string): Promise<ApiAnswer> {
  const { apiUrl } = readSiteEnv();
  const res = await fetch(`${apiUrl}${path}`, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, body };
}

/** Headers of a page that must stay private: not cached anywhere, not indexed (its head also says noindex and no-referrer). */
export function markPrivate(astro: Pick<AstroGlobal, 'response'>): void {
  astro.response.headers.set('Cache-Control', 'no-store');
  astro.response.headers.set('X-Robots-Tag', 'noindex');
}
