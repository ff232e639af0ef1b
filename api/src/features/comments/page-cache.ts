export type CommentPageCache = ReturnType<typeof createCommentPageCache>;

/** What makes two anonymous pages of one post differ. */
export interface PageKey {
  cursor?: string | undefined;
  limit: number;
  sort: string;
}

/**
 * A micro-cache of the comment pages anonymous readers get: a hot post's page is
 * read from the database at most once per `ttlMs` per process, instead of three
 * queries per request, and kept as the encoded bytes of its JSON (a hit sends them
 * as they are: no object to serialise again). Changes made through this process drop the post's pages at
 * once; changes made elsewhere (another API process, moderation) show within
 * `ttlMs`. Signed-in readers always get a fresh page (it carries their own
 * Markdown). `ttlMs` 0 turns it off.
 */
export function createCommentPageCache(ttlMs: number, now: () => number = Date.now, maxEntries = 2000) {
  // The promise is cached, not the page: concurrent misses share one load (no stampede at expiry).
  const entries = new Map<string, { postId: number | null; expires: number; page: Promise<Uint8Array> }>();
  const keyOf = (idOrSlug: string, { cursor, limit, sort }: PageKey) => `${idOrSlug}|${sort}|${cursor ?? ''}|${limit}`;

  return {
    /** The cached page, or `load()`'s, shared by every caller until it expires. */
    async getOrLoad(
      idOrSlug: string,
      query: PageKey,
      load: () => Promise<{ postId: number; page: Uint8Array }>,
    ): Promise<Uint8Array> {
      if (ttlMs <= 0) return (await load()).page;
      const key = keyOf(idOrSlug, query);
      const entry = entries.get(key);
      if (entry && entry.expires > now()) return entry.page;
      if (entries.size >= maxEntries) {
        // Maps iterate in insertion order: drop the oldest.
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      const fresh: { postId: number | null; expires: number; page: Promise<Uint8Array> } = {
        postId: null,
        expires: now() + ttlMs,
        page: load().then(
          (loaded) => {
            fresh.postId = loaded.postId;
            return loaded.page;
          },
          (error: unknown) => {
            if (entries.get(key) === fresh) entries.delete(key);
            throw error;
          },
        ),
      };
      entries.set(key, fresh);
      return fresh.page;
    },

    /** Drops every cached page of a post (after a comment on it changed in this process). */
    forgetPost(postId: number): void {
      for (const [key, entry] of entries) if (entry.postId === postId || entry.postId === null) entries.delete(key);
    },
  };
}
