// How a post's comments are ordered and paged: plain values and one function, no zod, so the
// site's islands can import it (`@blog/contract/comment-order`) without the schemas' weight.

/** How a post's threads are ordered: pinned ones first, then oldest, newest, or most liked first. */
export const COMMENT_SORTS = ['oldest', 'newest', 'top'] as const;
export type CommentSort = (typeof COMMENT_SORTS)[number];
export const DEFAULT_COMMENT_SORT: CommentSort = 'oldest';

/** Top-level comments per page, on the static pages and the island's API reads alike. */
export const COMMENT_PAGE_SIZE = 20;
/** Pinned threads a post may have at once. */
export const MAX_PINS_PER_POST = 3;
/** Longest comment body (characters). */
export const MAX_COMMENT_LENGTH = 10_000;

/** What the order reads of a thread. */
export interface Ordered {
  id: number;
  likesCount: number;
  pinnedAt: string | null;
}

/**
 * The site's order of a post's threads, the one rule the API's queries and the static pages
 * follow: pinned threads first (most recently pinned first), then by `sort` — oldest: id
 * ascending; newest: id descending; top: likes descending, then oldest. Replies are always
 * oldest first.
 */
export function compareThreads(sort: CommentSort) {
  return (a: Ordered, b: Ordered): number => {
    if (a.pinnedAt !== null || b.pinnedAt !== null) {
      if (a.pinnedAt === null) return 1;
      if (b.pinnedAt === null) return -1;
      return b.pinnedAt.localeCompare(a.pinnedAt) || a.id - b.id;
    }
    if (sort === 'newest') return b.id - a.id;
    if (sort === 'top') return b.likesCount - a.likesCount || a.id - b.id;
    return a.id - b.id;
  };
}
