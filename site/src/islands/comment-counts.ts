import { createClient } from '@blog/contract/client';
// One request for every comment count on a page, however many <comment-count> elements ask.
import { BROWSER_API_BASE } from '../consts';

/** The API's limit on ids per counts request. */
const MAX_IDS = 100;

export type FetchCounts = (ids: number[]) => Promise<Map<number, number>>;

/**
 * Collects the post ids asked for within one task and fetches them together
 * (in chunks of the API's limit); every id is fetched at most once per page.
 */
export class CountBatcher {
  readonly #fetchCounts: FetchCounts;
  readonly #results = new Map<number, Promise<number | undefined>>();
  #pending = new Map<number, (count: number | undefined) => void>();
  #scheduled = false;

  constructor(fetchCounts: FetchCounts) {
    this.#fetchCounts = fetchCounts;
  }

  /** The post's visible-comment count, or undefined when the API does not know the post or cannot be reached. */
  count(postId: number): Promise<number | undefined> {
    const known = this.#results.get(postId);
    if (known) return known;
    const result = new Promise<number | undefined>((resolve) => this.#pending.set(postId, resolve));
    this.#results.set(postId, result);
    if (!this.#scheduled) {
      this.#scheduled = true;
      // Elements upgrade one after another in the same task; ask once they all have.
      queueMicrotask(() => this.#flush());
    }
    return result;
  }

  #flush(): void {
    const batch = this.#pending;
    this.#pending = new Map();
    this.#scheduled = false;
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += MAX_IDS) {
      const chunk = ids.slice(i, i + MAX_IDS);
      this.#fetchCounts(chunk).then(
        (counts) => {
          for (const id of chunk) batch.get(id)?.(counts.get(id));
        },
        () => {
          // Offline or API down: the build-time counts stay, which is the right fallback.
          for (const id of chunk) batch.get(id)?.(undefined);
        },
      );
    }
  }
}

/** Reads `{ counts: { "<id>": n } }` without trusting its shape. */
export function parseCounts(body: unknown): Map<number, number> {
  const counts = new Map<number, number>();
  if (typeof body !== 'object' || body === null || !('counts' in body)) return counts;
  const record = body.counts;
  if (typeof record !== 'object' || record === null) return counts;
  for (const [id, value] of Object.entries(record)) {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) counts.set(Number(id), value);
  }
  return counts;
}

/** Counts from GET {base}/comments/counts, with the reader's cookies. */
export function countsFromApi(base: string = BROWSER_API_BASE): FetchCounts {
  const api = createClient({ base });
  return async (ids) => parseCounts(await api.call('GET /comments/counts', { query: { posts: ids.join(',') } }));
}
