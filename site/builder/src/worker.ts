// The render worker: a child process that runs one full `astro build` of the
// site in-process and then stays alive as the fast path's renderer for that
// build's release. It keeps Astro's prerender app (the same bundle that wrote
// the release, so the same hashed /_astro assets), swaps fresh post data from
// the API into the content store, and renders only the affected pages.
//
// The prerenderer is captured through the public `astro:build:start` →
// `setPrerenderer` hook; the one reach into Astro internals (the content
// layer's data store and the route caches) is astro-internals.ts, version-
// checked and self-tested after every full build.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CommentOut, SiteCommentListSchema } from '@blog/contract';
import { COMMENT_SORTS } from '@blog/contract/comment-order';
import type { AstroIntegration, AstroPrerenderer } from 'astro';
import { build } from 'astro';
import { readBaseIds, writeSearchDelta } from '../../scripts/search-index.js';
import { readSiteEnv } from '../../src/env.js';
import {
  type CommentPageFile,
  commentFeedPath,
  commentPageFiles,
  commentPagePath,
  SITE_COMMENT_FEED_PATH,
} from '../../src/lib/comments.js';
import { postPath, slugOfPostPath } from '../../src/lib/routes.js';
import { type AffectedPages, affectedPages, type ListedPost, newestFirst } from './affected.js';
import {
  type Collections,
  exposedInternals,
  exposeInternals,
  internalsProblem,
  type StoreEntry,
} from './astro-internals.js';
import { compressPage, countPages, fileForPath, filesIn, removePage, removeTree, writePage } from './files.js';
import type { BuildReply, RenderReply, WorkerReply, WorkerRequest } from './protocol.js';

type PathWithRoute = Awaited<ReturnType<AstroPrerenderer['getStaticPaths']>>[number];
type RouteData = PathWithRoute['route'];

let prerenderer: AstroPrerenderer | null = null;
let builtPaths: PathWithRoute[] = [];
/** builtPaths by pathname (a fast path looks up every page it renders among 12,000). */
let builtRoutes = new Map<string, RouteData>();
let routes: RouteData[] = [];

/**
 * Wrapping the prerenderer (below) counts, for Astro with an adapter, as a custom prerenderer that
 * brings its own entry; ours still runs Astro's default one, so its public entry is put back.
 */
const defaultPrerenderEntry = {
  name: 'blog-default-prerender-entry',
  configEnvironment(name: string) {
    if (name === 'prerender') return { build: { rolldownOptions: { input: 'astro/entrypoints/prerender' } } };
    return undefined;
  },
};

const capture: AstroIntegration = {
  name: 'blog-builder-capture',
  hooks: {
    'astro:config:setup': ({ updateConfig }) => {
      updateConfig({ vite: { plugins: [exposeInternals, defaultPrerenderEntry] } });
    },
    'astro:build:start': ({ setPrerenderer }) => {
      setPrerenderer((defaults: AstroPrerenderer) => {
        const wrapped: AstroPrerenderer = {
          ...defaults,
          name: 'blog-builder',
          setup: async () => {
            await defaults.setup?.();
          },
          getStaticPaths: async () => {
            builtPaths = await defaults.getStaticPaths();
            builtRoutes = new Map(builtPaths.map((path) => [path.pathname, path.route]));
            return builtPaths;
          },
          render: (request, options) => defaults.render(request, options),
          teardown: async () => {
            await defaults.teardown?.();
          },
        };
        prerenderer = defaults;
        return wrapped;
      });
    },
  },
};

function appRoutes(): RouteData[] {
  const app = (prerenderer as unknown as { app?: { manifest?: { routes?: Array<{ routeData: RouteData }> } } }).app;
  return app?.manifest?.routes?.map((info) => info.routeData) ?? [];
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => Promise<void>;
let onDemand: Server | null = null;

/**
 * Serves the build's on-demand pages on 127.0.0.1 (an ephemeral port the builder proxies to):
 * @astrojs/node's handler from the server bundle this build wrote, so its pages link the same
 * hashed assets as the release. Whatever it does not render is a plain 404.
 */
async function startOnDemand(serverDir: string): Promise<string> {
  const entry = (await import(pathToFileURL(join(serverDir, 'entry.mjs')).href)) as { handler: NodeHandler };
  const server = createServer((req, res) => {
    void entry.handler(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  onDemand = server;
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the on-demand server has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * The search index of this worker's release (scripts/search-index.ts): the page ids of the base
 * the full build wrote (read back once, while no publish waits for them) and every post URL
 * changed since, which the next delta indexes or hides.
 */
let search: { baseIds: Promise<Map<string, string>>; changed: Set<string> } | null = null;

async function fullBuild(outDir: string): Promise<BuildReply> {
  await build({ root: process.env.BLOG_SITE_ROOT ?? process.cwd(), outDir, logLevel: 'warn', integrations: [capture] });
  if (!prerenderer) throw new Error('the build rendered no pages (no prerenderer captured)');
  const baseIds = readBaseIds(outDir);
  // Awaited by the first publish; a failure there fails that fast path (and a full build follows).
  baseIds.catch(() => undefined);
  search = { baseIds, changed: new Set() };
  routes = appRoutes();
  // The fast path's one reach into Astro internals: checked now, so a mismatch is a loud
  // "full builds only" at start rather than a wrong page later.
  const problem = internalsProblem();
  if (problem) process.stderr.write(`builder: the fast path is off (${problem}); every change is a full build\n`);
  const { serverDir } = readSiteEnv();
  let onDemandUrl: string | null = null;
  if (serverDir) {
    try {
      onDemandUrl = await startOnDemand(serverDir);
    } catch (error) {
      // The static site is whole without it: previews and fallbacks answer 503 until the next build.
      process.stderr.write(
        `builder: the on-demand server did not start: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
    }
  }
  return { pages: await countPages(outDir), onDemandUrl };
}

// --- Fast path -----------------------------------------------------------

const { apiUrl, publicUrl } = readSiteEnv();

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
  if (res.status === 404) {
    await res.body?.cancel();
    return { status: 404, body: null };
  }
  if (!res.ok) throw new Error(`the API answered ${res.status} for ${url}`);
  return { status: res.status, body: await res.json() };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Keeps the fields the collection's entries hold (the site's schema strips the rest, e.g. `status`). */
function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of keys) if (key in source) data[key] = source[key];
  return data;
}

const entryOf = (id: string, data: Record<string, unknown>): StoreEntry => ({
  id,
  data,
  digest: createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16),
});

function listedOne({ data }: StoreEntry): ListedPost {
  const category =
    isRecord(data.category) && typeof data.category.slug === 'string' ? { slug: data.category.slug } : null;
  const tags = Array.isArray(data.tags)
    ? data.tags.flatMap((tag) => (isRecord(tag) && typeof tag.slug === 'string' ? [{ slug: tag.slug }] : []))
    : [];
  const author = { slug: isRecord(data.author) && typeof data.author.slug === 'string' ? data.author.slug : null };
  return {
    id: Number(data.id),
    slug: String(data.slug),
    publishedAt: String(data.publishedAt),
    category,
    tags,
    author,
  };
}

function listed(entries: Iterable<StoreEntry>): ListedPost[] {
  const posts: ListedPost[] = [];
  for (const entry of entries) posts.push(listedOne(entry));
  return posts.sort(newestFirst);
}

/**
 * The site's order of the posts the last fast path left in the store, kept with the map it was
 * computed from: the next fast path starts from it instead of listing and sorting 10,000 posts
 * again, and derives its new order from it (the few changed posts out, their new versions in;
 * an almost sorted array sorts in one pass).
 */
let lastListed: { posts: Map<string, StoreEntry>; list: ListedPost[] } | null = null;

/** A read-only store over `collections`, shaped like Astro's ImmutableDataStore. */
function storeOf(collections: Collections) {
  const of = (name: string) => collections.get(name) ?? new Map<string, StoreEntry>();
  return {
    hasCollection: (name: string) => collections.has(name),
    get: (name: string, key: string) => of(name).get(String(key)),
    entries: (name: string) => [...of(name).entries()],
    values: (name: string) => [...of(name).values()],
    keys: (name: string) => [...of(name).keys()],
    has: (name: string, key: string) => of(name).has(String(key)),
    collections: () => collections,
  };
}

/** A post's entry by id (its slug changed since the event was written). */
function findPost(posts: Map<string, StoreEntry>, postId: number): StoreEntry | undefined {
  for (const entry of posts.values()) if (Number(entry.data.id) === postId) return entry;
  return undefined;
}

function routeFor(pathname: string): RouteData {
  const known = builtRoutes.get(pathname);
  if (known) return known;
  const route = routes.find((candidate) => candidate.pattern.test(pathname));
  if (!route) throw new Error(`no route renders ${pathname}`);
  return route;
}

async function renderPath(pathname: string): Promise<string> {
  if (!prerenderer) throw new Error('no build in this worker');
  const result = await prerenderer.render(new Request(new URL(pathname, `${publicUrl}/`)), {
    routeData: routeFor(pathname),
  });
  const response = result instanceof Response ? result : result.response;
  if (response.status !== 200) throw new Error(`rendering ${pathname} answered ${response.status}`);
  return response.text();
}

/** A published post's shown comments (none for a post that is not published, or has none). */
async function fetchComments(postId: number): Promise<CommentOut[]> {
  const { status, body } = await getJson(`${apiUrl}/site/posts/${postId}/comments`);
  return status === 404 ? [] : SiteCommentListSchema.parse(body).items;
}

/** The folder of a post's comment pages in `releaseDir`. */
const commentDirOf = (releaseDir: string, slug: string) =>
  join(dirname(fileForPath(releaseDir, postPath(slug))), 'comments');

/**
 * Writes a post's comment pages (every page of every sort, the same files the full build's
 * endpoint writes) and removes the pages it no longer has. Returns the paths written.
 */
async function writeCommentPages(releaseDir: string, postId: number, slug: string, comments: CommentOut[]) {
  const files = comments.length > 0 ? commentPageFiles(postId, slug, comments) : new Map<string, CommentPageFile>();
  const written: string[] = [];
  for (const [path, { json }] of files) {
    await writePage(fileForPath(releaseDir, path), json);
    written.push(path);
  }
  const dir = commentDirOf(releaseDir, slug);
  for (const sort of COMMENT_SORTS) {
    for (const name of await filesIn(join(dir, sort))) {
      const page = /^(\d+)\.json$/.exec(name)?.[1];
      if (page && !files.has(commentPagePath(slug, sort, Number(page)))) await removePage(join(dir, sort, name));
    }
  }
  if (files.size === 0) await removeTree(dir);
  return written;
}

async function fastPath(releaseDir: string, request: Extract<WorkerRequest, { type: 'render' }>): Promise<RenderReply> {
  const { changes, comments: commentChanges } = request;
  const started = performance.now();
  const internals = exposedInternals();
  if (!prerenderer) throw new Error('no build in this worker');
  const singleton = internals.dataStore;
  const current = (await singleton.get()).collections();
  const stored = current.get('posts') ?? new Map<string, StoreEntry>();
  const posts = new Map(stored);
  const template = posts.values().next().value;
  const before = lastListed?.posts === stored ? lastListed.list : listed(stored.values());

  // Whose comments to read again: the posts whose comments changed, and the changed posts (a post
  // published again brings its comments back).
  const commentIds = [...new Set([...commentChanges.map((c) => c.postId), ...changes.map((c) => c.postId)])];
  const [categories, fetchedComments, ...fetched] = await Promise.all([
    changes.length > 0 ? getJson(`${apiUrl}/categories`) : Promise.resolve(null),
    Promise.all(commentIds.map(fetchComments)),
    ...changes.map((change) => getJson(`${apiUrl}/posts/${change.postId}`)),
  ]);
  const commentsOf = new Map(commentIds.map((id, index) => [id, fetchedComments[index] ?? []]));
  const storedComments = current.get('comments') ?? new Map<string, StoreEntry>();
  const comments = new Map(storedComments);
  for (const [postId, list] of commentsOf) {
    if (list.length > 0) comments.set(String(postId), entryOf(String(postId), { postId, comments: list }));
    else comments.delete(String(postId));
  }
  for (const [index, change] of changes.entries()) {
    for (const [key, entry] of posts) if (Number(entry.data.id) === change.postId) posts.delete(key);
    const body = fetched[index]?.body;
    if (isRecord(body) && body.status === 'published' && typeof body.slug === 'string') {
      const keys = template
        ? Object.keys(template.data)
        : Object.keys(body).filter((k) => k !== 'status' && k !== 'bodyMarkdown');
      posts.set(body.slug, entryOf(body.slug, pick(body, keys)));
    }
  }
  const next: Collections = new Map(current);
  next.set('posts', posts);
  next.set('comments', comments);
  if (categories && isRecord(categories.body) && Array.isArray(categories.body.items)) {
    const oldCategories = current.get('categories') ?? new Map<string, StoreEntry>();
    const keys = Object.keys(oldCategories.values().next().value?.data ?? {});
    const fresh = new Map<string, StoreEntry>();
    for (const item of categories.body.items) {
      if (isRecord(item) && typeof item.slug === 'string')
        fresh.set(item.slug, entryOf(item.slug, keys.length ? pick(item, keys) : item));
    }
    next.set('categories', fresh);
  }
  singleton.set(storeOf(next));
  for (const cache of internals.routeCaches) cache.clearAll();

  const written: string[] = [];
  let firstPageMs = 0;
  // The changed posts' own pages first, before the listings are worked out: live sooner.
  const changedIds = new Set(changes.map((change) => change.postId));
  const fresh = [...posts.values()].filter((entry) => changedIds.has(Number(entry.data.id))).map(listedOne);
  const renderOne = async (pathname: string) => {
    await writePage(fileForPath(releaseDir, pathname), await renderPath(pathname));
    written.push(pathname);
    firstPageMs ||= performance.now() - started;
  };
  for (const post of fresh) await renderOne(postPath(post.slug));
  // A comment change: the post's page (its first page of comments), then its comment pages.
  const commented = commentChanges
    .filter((change) => !changedIds.has(change.postId))
    .flatMap((change) => {
      const entry = posts.get(change.slug);
      const post = entry && Number(entry.data.id) === change.postId ? entry : findPost(posts, change.postId);
      return post ? [listedOne(post)] : [];
    });
  for (const post of commented) await renderOne(postPath(post.slug));
  for (const post of [...fresh, ...commented]) {
    written.push(...(await writeCommentPages(releaseDir, post.id, post.slug, commentsOf.get(post.id) ?? [])));
  }
  let pages: AffectedPages = { render: [], remove: [] };
  if (changes.length > 0) {
    const after = [...before.filter((post) => !changedIds.has(post.id)), ...fresh].sort(newestFirst);
    lastListed = { posts, list: after };
    pages = affectedPages(before, after, changes);
  } else if (lastListed?.posts === stored) {
    lastListed = { posts, list: before };
  }
  // A post's comment feed exists while it has comments (the full build writes it only then).
  const feedless: string[] = [];
  for (const post of [...fresh, ...commented]) {
    if ((commentsOf.get(post.id)?.length ?? 0) > 0) pages.render.push(commentFeedPath(post.slug));
    else feedless.push(commentFeedPath(post.slug));
  }
  pages.render.push(SITE_COMMENT_FEED_PATH);
  for (const pathname of pages.render) if (!written.includes(pathname)) await renderOne(pathname);
  // Every page is live; now their compressed siblings, side by side (zlib runs on the thread pool).
  // Before the reply: the next fast path, which may rewrite these pages, waits for it.
  await Promise.all(written.map((pathname) => compressPage(fileForPath(releaseDir, pathname))));
  const removed: string[] = [];
  for (const pathname of feedless) {
    if (await removePage(fileForPath(releaseDir, pathname))) removed.push(pathname);
  }
  for (const pathname of pages.remove) {
    // A post page that goes takes its comment pages and feed with it (then its folder can go).
    const slug = slugOfPostPath(pathname);
    if (slug !== null) {
      await removeTree(commentDirOf(releaseDir, slug));
      if (await removePage(fileForPath(releaseDir, commentFeedPath(slug)))) removed.push(commentFeedPath(slug));
    }
    if (await removePage(fileForPath(releaseDir, pathname))) removed.push(pathname);
  }
  // Last, once every page is written or gone: the index reads the changed posts' pages from the release.
  let searched: RenderReply['search'] = null;
  if (search && changes.length > 0) {
    for (const change of changes) {
      for (const slug of [change.slug, ...change.staleSlugs]) search.changed.add(postPath(slug));
    }
    for (const post of [...before.filter((p) => changedIds.has(p.id)), ...fresh])
      search.changed.add(postPath(post.slug));
    const delta = await writeSearchDelta(releaseDir, { baseIds: await search.baseIds, changed: search.changed });
    searched = { ms: delta.ms, pages: delta.pages, changed: delta.changed, hidden: delta.manifest.hidden.length };
  }
  return { written, removed, firstPageMs: firstPageMs || performance.now() - started, search: searched };
}

// --- IPC -----------------------------------------------------------------

let queue: Promise<void> = Promise.resolve();

process.on('message', (message: WorkerRequest) => {
  queue = queue.then(async () => {
    let reply: WorkerReply;
    try {
      const result =
        message.type === 'build' ? await fullBuild(message.outDir) : await fastPath(message.releaseDir, message);
      reply = { id: message.id, ok: true, result };
    } catch (error) {
      reply = {
        id: message.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
    }
    process.send?.(reply);
  });
});
// The builder closes this worker when a newer build goes live: requests in flight finish first.
const exit = () => {
  if (!onDemand) process.exit(0);
  onDemand.close(() => process.exit(0));
  onDemand.closeIdleConnections();
  setTimeout(() => process.exit(0), 5000).unref();
};
process.on('disconnect', exit);
process.on('SIGTERM', exit);
process.send?.({ id: 0, ok: true, result: { pages: 0, onDemandUrl: null } } satisfies WorkerReply);
