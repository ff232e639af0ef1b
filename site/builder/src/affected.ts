import { PAGE_SIZE } from '../../src/consts.js';
import {
  authorPagePath,
  categoryPagePath,
  FEED_PATH,
  homePagePath,
  pageCount,
  postPath,
  tagPagePath,
} from '../../src/lib/routes.js';
import type { PostChange } from './events.js';

/** What the fast path needs of a post: where it sorts and where it is listed. */
export interface ListedPost {
  id: number;
  slug: string;
  publishedAt: string;
  category: { slug: string } | null;
  tags: { slug: string }[];
  /** The author's page slug (null: no page). */
  author: { slug: string | null };
}

/** The site's order (src/lib/content.ts): newest first, then higher id first. */
export const newestFirst = (a: ListedPost, b: ListedPost) => b.publishedAt.localeCompare(a.publishedAt) || b.id - a.id;

export const SITEMAP_PATH = '/sitemap.xml';

export interface AffectedPages {
  /** Site paths to render, in the order to write them (the changed posts' own pages first). */
  render: string[];
  /** Site paths whose pages must go. */
  remove: string[];
}

const pageOf = (index: number) => Math.floor(index / PAGE_SIZE) + 1;

/**
 * The pages one batch of post changes touches, from the published posts
 * before and after (both newest first): the posts' pages and their old and
 * new neighbours (older/newer links), page 1 and the pages that list each
 * post before and after on the home listing, on its old and new category, on each tag it
 * had or has and on its old and new author's page,
 * pages added or dropped when a listing's page count changes, the feed and
 * the sitemap. Listing pages between those (shifted by one post) are left to
 * the full rebuild that follows.
 */
export function affectedPages(before: ListedPost[], after: ListedPost[], changes: PostChange[]): AffectedPages {
  const render = new Set<string>();
  const remove = new Set<string>();
  const afterIds = new Map(after.map((post, index) => [post.id, index]));
  const beforeIds = new Map(before.map((post, index) => [post.id, index]));
  // A listing's key: '/' for the home listing, 'c<slug>' for a category's, 't<slug>' for a tag's,
  // 'a<slug>' for an author's.
  const listings = new Map<string, { before: ListedPost[]; after: ListedPost[]; pages: Set<number> }>();
  const listing = (key: string) => {
    let entry = listings.get(key);
    if (!entry) {
      const slug = key.slice(1);
      const inListing = (post: ListedPost) =>
        key === '/' ||
        (key[0] === 'c' && post.category?.slug === slug) ||
        (key[0] === 't' && post.tags.some((tag) => tag.slug === slug)) ||
        (key[0] === 'a' && post.author.slug === slug);
      entry = { before: before.filter(inListing), after: after.filter(inListing), pages: new Set([1]) };
      listings.set(key, entry);
    }
    return entry;
  };
  const listIn = (key: string, id: number) => {
    const entry = listing(key);
    for (const list of [entry.before, entry.after]) {
      const index = list.findIndex((post) => post.id === id);
      if (index >= 0) entry.pages.add(pageOf(index));
    }
  };

  const own: string[] = [];
  const neighbours: string[] = [];
  for (const change of changes) {
    const oldIndex = beforeIds.get(change.postId);
    const newIndex = afterIds.get(change.postId);
    const old = oldIndex === undefined ? undefined : before[oldIndex];
    const now = newIndex === undefined ? undefined : after[newIndex];
    if (now) own.push(postPath(now.slug));
    for (const slug of new Set([change.slug, ...change.staleSlugs, ...(old ? [old.slug] : [])])) {
      if (slug !== now?.slug) remove.add(postPath(slug));
    }
    if (oldIndex !== undefined) {
      for (const near of [before[oldIndex - 1], before[oldIndex + 1]]) if (near) neighbours.push(near.slug);
    }
    if (newIndex !== undefined) {
      for (const near of [after[newIndex - 1], after[newIndex + 1]]) if (near) neighbours.push(near.slug);
    }
    listIn('/', change.postId);
    for (const category of new Set([old?.category?.slug, now?.category?.slug])) {
      if (category) listIn(`c${category}`, change.postId);
    }
    for (const tag of new Set([...(old?.tags ?? []), ...(now?.tags ?? [])].map((t) => t.slug))) {
      listIn(`t${tag}`, change.postId);
    }
    for (const author of new Set([old?.author.slug, now?.author.slug])) {
      if (author) listIn(`a${author}`, change.postId);
    }
  }
  const published = new Set(after.map((post) => post.slug));
  for (const path of own) render.add(path);
  for (const slug of neighbours) if (published.has(slug)) render.add(postPath(slug));

  for (const [key, entry] of listings) {
    const pathOf = (n: number) =>
      key === '/'
        ? homePagePath(n)
        : (key[0] === 'c' ? categoryPagePath : key[0] === 't' ? tagPagePath : authorPagePath)(key.slice(1), n);
    // The home page and a category's first page exist when empty; a tag's or an author's pages only
    // while they have a published post.
    const count = (posts: ListedPost[]) =>
      key !== '/' && key[0] !== 'c' && posts.length === 0 ? 0 : pageCount(posts.length, PAGE_SIZE);
    const oldCount = count(entry.before);
    const newCount = count(entry.after);
    for (let n = newCount + 1; n <= oldCount; n++) entry.pages.add(n);
    for (let n = oldCount + 1; n <= newCount; n++) entry.pages.add(n);
    for (const n of [...entry.pages].sort((a, b) => a - b)) {
      if (n > newCount) remove.add(pathOf(n));
      else render.add(pathOf(n));
    }
  }
  render.add(FEED_PATH);
  render.add(SITEMAP_PATH);
  for (const path of render) remove.delete(path);
  return { render: [...render], remove: [...remove] };
}
