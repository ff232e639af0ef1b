// Every URL the site links to is made here, so pages, feed and sitemap agree.

/** A slug as one path segment (slugs may hold Hangul and other letters). */
const segment = (slug: string) => encodeURIComponent(slug);

export const postPath = (slug: string) => `/posts/${segment(slug)}/`;

/** The slug of a post page's path (the inverse of postPath), or null for any other path. */
export function slugOfPostPath(path: string): string | null {
  const encoded = /^\/posts\/([^/]+)\/$/.exec(path)?.[1];
  if (!encoded) return null;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

/** Page `n` (1-based) of the home listing: / then /page/2/, … */
export const homePagePath = (n: number) => (n <= 1 ? '/' : `/page/${n}/`);

/** Page `n` (1-based) of a category: /categories/<slug>/ then /categories/<slug>/page/2/, … */
export const categoryPagePath = (slug: string, n: number) =>
  n <= 1 ? `/categories/${segment(slug)}/` : `/categories/${segment(slug)}/page/${n}/`;

/** Page `n` (1-based) of a tag: /tags/<slug>/ then /tags/<slug>/page/2/, … */
export const tagPagePath = (slug: string, n: number) =>
  n <= 1 ? `/tags/${segment(slug)}/` : `/tags/${segment(slug)}/page/${n}/`;

/** Page `n` (1-based) of an author's posts: /authors/<slug>/ then /authors/<slug>/page/2/, … */
export const authorPagePath = (slug: string, n: number) =>
  n <= 1 ? `/authors/${segment(slug)}/` : `/authors/${segment(slug)}/page/${n}/`;

export const ABOUT_PATH = '/about/';
export const ACCOUNT_PATH = '/account/';
export const FEED_PATH = '/rss.xml';
export const NEWSLETTER_PATH = '/newsletter/';
/** The search page: where the header's Search link goes without JavaScript (the dialog opens there too). */
export const SEARCH_PATH = '/search/';
/** Where the newsletter form posts (a plain form: the API answers 303 back to NEWSLETTER_PATH). */
export const NEWSLETTER_SUBSCRIBE_ACTION = '/api/newsletter/subscribe';

/** How many listing pages `total` items fill (at least one, so an empty blog still has a home page). */
export const pageCount = (total: number, size: number) => Math.max(1, Math.ceil(total / size));

/** The items on page `n` (1-based). */
export const pageSlice = <T>(items: readonly T[], n: number, size: number): T[] =>
  items.slice((n - 1) * size, n * size);
