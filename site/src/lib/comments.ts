// A post's comments as the static site holds them: threads, pages per sort, paths. The build's
// pages and endpoints, the builder's fast path and the island all come here, so the HTML, the
// JSON next to it and the island's view agree.
import type { CommentOut, CommentThreadOut, StaticCommentPage } from '@blog/contract';
import { COMMENT_PAGE_SIZE, COMMENT_SORTS, type CommentSort, compareThreads } from '@blog/contract/comment-order';
import { postPath } from './routes.js';

/** `/posts/<slug>/comments/<sort>/<n>.json`: page `n` of a post's threads in `sort`'s order. */
export const commentPagePath = (slug: string, sort: CommentSort, n: number) =>
  `${postPath(slug)}comments/${sort}/${n}.json`;

/** The paths of comment pages (nginx's template has the same pattern and header). */
export const COMMENT_PAGE_PATTERN = /^\/posts\/[^/]+\/comments\/[a-z]+\/[0-9]+\.json$/;
/** Comment pages change within a second of each comment: caches may keep one a few seconds. */
export const COMMENT_PAGE_CACHE_CONTROL = 'public, max-age=5';

/** A post's comment feed (RSS). */
export const commentFeedPath = (slug: string) => `${postPath(slug)}comments.xml`;

/** The whole site's latest comments (RSS). */
export const SITE_COMMENT_FEED_PATH = '/comments.xml';

/** Comments a feed carries. */
export const COMMENT_FEED_SIZE = 50;

/** How the sort control names each order. */
export const SORT_LABELS: Record<CommentSort, string> = { oldest: 'Oldest', newest: 'Newest', top: 'Most liked' };

/** A comment's permalink: its anchor on the post page. */
export const commentAnchor = (id: number) => `comment-${id}`;
export const commentLink = (slug: string, id: number) => `${postPath(slug)}#${commentAnchor(id)}`;

/** A post's comments as the API's site list gives them (flat, oldest first), made into threads. */
export function threadsOf(comments: readonly CommentOut[]): CommentThreadOut[] {
  const threads = new Map<number, CommentThreadOut>();
  for (const comment of comments) if (comment.parentId === null) threads.set(comment.id, { ...comment, replies: [] });
  for (const comment of comments) {
    if (comment.parentId === null) continue;
    threads.get(comment.parentId)?.replies.push(comment);
  }
  for (const thread of threads.values()) thread.replies.sort((a, b) => a.id - b.id);
  return [...threads.values()];
}

/** Visible comments, replies included: the count a post shows. */
export const visibleTotal = (comments: readonly CommentOut[]) =>
  comments.reduce((n, comment) => n + (comment.status === 'visible' ? 1 : 0), 0);

/**
 * Every page of `threads` in `sort`'s order: the pinned threads and the first COMMENT_PAGE_SIZE
 * others on page 1, then COMMENT_PAGE_SIZE a page (the API's pages hold the same threads).
 * Always at least one page, so a post without comments still has its (empty) first page.
 */
export function commentPages(
  postId: number,
  slug: string,
  threads: readonly CommentThreadOut[],
  total: number,
  sort: CommentSort,
): StaticCommentPage[] {
  const ordered = [...threads].sort(compareThreads(sort));
  const pinned = ordered.filter((thread) => thread.pinnedAt !== null);
  const rest = ordered.filter((thread) => thread.pinnedAt === null);
  const pages = Math.max(1, Math.ceil(rest.length / COMMENT_PAGE_SIZE));
  const out: StaticCommentPage[] = [];
  for (let n = 1; n <= pages; n++) {
    const slice = rest.slice((n - 1) * COMMENT_PAGE_SIZE, n * COMMENT_PAGE_SIZE);
    out.push({
      postId,
      sort,
      page: n,
      pages,
      total,
      items: n === 1 ? [...pinned, ...slice] : slice,
      next: n < pages ? commentPagePath(slug, sort, n + 1) : null,
    });
  }
  return out;
}

/** One file of a post's comment pages: which order and page it is, and its JSON text. */
export interface CommentPageFile {
  sort: CommentSort;
  page: number;
  json: string;
}

/** The files a post's comments become: every page of every sort, by path. */
export function commentPageFiles(
  postId: number,
  slug: string,
  comments: readonly CommentOut[],
): Map<string, CommentPageFile> {
  const threads = threadsOf(comments);
  const total = visibleTotal(comments);
  const files = new Map<string, CommentPageFile>();
  for (const sort of COMMENT_SORTS) {
    for (const page of commentPages(postId, slug, threads, total, sort)) {
      files.set(commentPagePath(slug, sort, page.page), { sort, page: page.page, json: JSON.stringify(page) });
    }
  }
  return files;
}

/** The newest visible comments of `comments`, newest first (a feed's items). */
export function latestComments<T extends CommentOut>(comments: Iterable<T>, size = COMMENT_FEED_SIZE): T[] {
  const visible: T[] = [];
  for (const comment of comments) if (comment.status === 'visible') visible.push(comment);
  return visible.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id).slice(0, size);
}

/**
 * JSON inside `<script type="application/json">`: `<` escaped so no `</script>` or `<!--` in
 * a comment's HTML can end the element early. JSON.parse reads it back unchanged.
 */
export const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
