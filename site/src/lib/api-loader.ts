import type { Loader, LoaderContext } from 'astro/loaders';

/** Largest page the API's /site/posts serves. */
const SITE_PAGE_LIMIT = 500;

/** GETs JSON from the blog API, failing with a message that says which URL and what to do. */
async function getJson(url: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' } });
  } catch (error) {
    throw new Error(
      `Cannot reach the blog API at ${url}: ${error instanceof Error ? error.message : String(error)}. ` +
        'Start it (npm start) or point BLOG_API_URL at a running API.',
      { cause: error },
    );
  }
  if (!res.ok) {
    throw new Error(`The blog API answered ${res.status} for ${url}: ${(await res.text()).slice(0, 300)}`);
  }
  return res.json();
}

/** An object with an `items` array (and maybe a `nextCursor`), or a clear error. */
function readPage(body: unknown, url: string): { items: unknown[]; nextCursor: string | null } {
  if (typeof body !== 'object' || body === null || !('items' in body) || !Array.isArray(body.items)) {
    throw new Error(`The blog API sent no items list from ${url}`);
  }
  const nextCursor = 'nextCursor' in body && typeof body.nextCursor === 'string' ? body.nextCursor : null;
  return { items: body.items, nextCursor };
}

/** An entry's id: the slug both collections are addressed by in URLs. */
function slugOf(item: unknown, url: string): string {
  if (typeof item === 'object' && item !== null && 'slug' in item && typeof item.slug === 'string' && item.slug) {
    return item.slug;
  }
  throw new Error(`The blog API sent an item without a slug from ${url}`);
}

/** Replaces the collection with `items`, each validated against the collection's schema. */
async function replaceAll(context: LoaderContext, items: unknown[], url: string): Promise<void> {
  const { store, parseData, generateDigest } = context;
  const entries = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) throw new Error(`The blog API sent a non-object item from ${url}`);
    const id = slugOf(item, url);
    // Spread into a plain record so parseData gets the Record it asks for, without a cast.
    const data = await parseData({ id, data: { ...item } });
    entries.push({ id, data, digest: generateDigest(data) });
  }
  // Swap only after every page arrived and parsed, so a failed fetch never leaves half a collection.
  store.clear();
  for (const entry of entries) store.set(entry);
}

export interface LoaderOptions {
  apiUrl: string;
  /** Read nothing: `astro sync` for type checks, with no API running. */
  typesOnly?: boolean;
}

/** Every published post with its body, paged through GET {apiUrl}/site/posts by cursor. */
export function postsLoader({ apiUrl, typesOnly }: LoaderOptions): Loader {
  return {
    name: 'blog-api-posts',
    async load(context) {
      if (typesOnly) return;
      const items: unknown[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `${apiUrl}/site/posts?limit=${SITE_PAGE_LIMIT}${cursor ? `&cursor=${cursor}` : ''}`;
        const page = readPage(await getJson(url), url);
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      await replaceAll(context, items, `${apiUrl}/site/posts`);
      context.logger.info(`Loaded ${items.length} published posts from ${apiUrl}`);
    },
  };
}

/** Comments the API's site list serves per page. */
const SITE_COMMENT_PAGE_LIMIT = 2000;

/**
 * Every shown comment of the published posts, one entry per post that has any (id: the post's
 * id; data: its comments, flat, oldest first), paged through GET {apiUrl}/site/comments by cursor.
 */
export function commentsLoader({ apiUrl, typesOnly }: LoaderOptions): Loader {
  return {
    name: 'blog-api-comments',
    async load(context) {
      if (typesOnly) return;
      const byPost = new Map<number, unknown[]>();
      let count = 0;
      let cursor: string | null = null;
      do {
        const url: string = `${apiUrl}/site/comments?limit=${SITE_COMMENT_PAGE_LIMIT}${cursor ? `&cursor=${cursor}` : ''}`;
        const page = readPage(await getJson(url), url);
        for (const item of page.items) {
          const postId =
            typeof item === 'object' && item !== null && 'postId' in item ? Number(item.postId) : Number.NaN;
          if (!Number.isInteger(postId)) throw new Error(`The blog API sent a comment without a post id from ${url}`);
          const list = byPost.get(postId) ?? [];
          list.push(item);
          byPost.set(postId, list);
        }
        count += page.items.length;
        cursor = page.nextCursor;
      } while (cursor !== null);
      const { store, parseData, generateDigest } = context;
      const entries = [];
      for (const [postId, comments] of byPost) {
        const id = String(postId);
        const data = await parseData({ id, data: { postId, comments } });
        entries.push({ id, data, digest: generateDigest(data) });
      }
      store.clear();
      for (const entry of entries) store.set(entry);
      context.logger.info(`Loaded ${count} comments on ${byPost.size} posts from ${apiUrl}`);
    },
  };
}

/** Every author with published posts (their bios), from GET {apiUrl}/authors. */
export function authorsLoader({ apiUrl, typesOnly }: LoaderOptions): Loader {
  return {
    name: 'blog-api-authors',
    async load(context) {
      if (typesOnly) return;
      const url = `${apiUrl}/authors`;
      const { items } = readPage(await getJson(url), url);
      await replaceAll(context, items, url);
      context.logger.info(`Loaded ${items.length} authors from ${apiUrl}`);
    },
  };
}

/** Every category, from GET {apiUrl}/categories. */
export function categoriesLoader({ apiUrl, typesOnly }: LoaderOptions): Loader {
  return {
    name: 'blog-api-categories',
    async load(context) {
      if (typesOnly) return;
      const url = `${apiUrl}/categories`;
      const { items } = readPage(await getJson(url), url);
      await replaceAll(context, items, url);
      context.logger.info(`Loaded ${items.length} categories from ${apiUrl}`);
    },
  };
}

/** The blog's name, description and profile links (entry id `info`), from GET {apiUrl}/site/info. */
export function siteInfoLoader({ apiUrl, typesOnly }: LoaderOptions): Loader {
  return {
    name: 'blog-api-site-info',
    async load(context) {
      if (typesOnly) return;
      const url = `${apiUrl}/site/info`;
      const body = await getJson(url);
      if (typeof body !== 'object' || body === null) throw new Error(`The blog API sent no site info from ${url}`);
      const data = await context.parseData({ id: 'info', data: { ...body } });
      context.store.clear();
      context.store.set({ id: 'info', data, digest: context.generateDigest(data) });
    },
  };
}
