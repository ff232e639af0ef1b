// The site's search index: Pagefind (https://pagefind.app) over the post pages, written into the
// release at /pagefind/ for the search dialog (src/islands/blog-search.ts) to query in the
// browser. The post layout marks what is indexed (data-pagefind-body, -meta, -filter).
//
// Pagefind cannot update an index: it is built whole, and at 10,000 posts that is ~6 s of CPU and
// 13 s on a busy 2-core machine (the CLI and the Node API alike; `npx tsx bench/search.ts`), more
// than a publish may take. So a full build writes the whole index (the base) and a publish writes
// a small second index (the delta) of the posts changed since, beside a sample of unchanged ones
// (DELTA_SAMPLE), plus a manifest the dialog reads first:
//   /pagefind/search.json  { delta: "/pagefind/delta-…/" | null, hidden: [base page ids] }
// The dialog merges the delta into the base (Pagefind's mergeIndex: the same WebAssembly, a few
// more small files) and drops the base's results for the pages the delta replaces or that are gone.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as pagefind from 'pagefind';
import { postPath, slugOfPostPath } from '../src/lib/routes.js';
import { precompressFile } from './precompress.js';

/** The search bundle's folder in a release: pagefind.js's own default (/pagefind/). */
export const SEARCH_DIR = 'pagefind';
/** The manifest's name in SEARCH_DIR. */
export const SEARCH_MANIFEST = 'search.json';

/** What the dialog reads before it searches (SEARCH_MANIFEST). */
export interface SearchManifest {
  /** The URL path of the delta bundle to merge into the base, or null when nothing changed since the base. */
  delta: string | null;
  /** Ids (Pagefind's page hashes) of the base's pages that are gone or that the delta replaces. */
  hidden: string[];
}

/** A post page of a built site: the URL it is indexed under and its file. */
export interface PostPage {
  url: string;
  file: string;
}

/** Pages read and sent to Pagefind at once: enough to keep its threads busy, few enough to keep memory flat. */
const CONCURRENCY = 16;

/** The UI bundles Pagefind writes that the site does not use (the dialog is our own): not published. */
const UNUSED = /^(pagefind-(ui|modular-ui|component-ui|highlight)\.|playground\/)/;
/** What a merged index needs: its entry, metadata and chunks (the WebAssembly and the JS are the base's). */
const INDEX_DATA = /^(pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|(fragment|index|filter)\/[^/]+)$/;

/** A post's page in `outDir`, by slug. */
const pageOf = (outDir: string, slug: string): PostPage => ({
  url: postPath(slug),
  file: join(outDir, 'posts', slug, 'index.html'),
});

const isFile = (path: string) =>
  stat(path).then(
    (info) => info.isFile(),
    () => false,
  );

/** The post pages in `outDir` (posts/<slug>/index.html), under their URLs as the site links them. */
export async function postPages(outDir: string): Promise<PostPage[]> {
  const entries = await readdir(join(outDir, 'posts'), { withFileTypes: true }).catch(() => []);
  const pages = entries.filter((entry) => entry.isDirectory()).map((entry) => pageOf(outDir, entry.name));
  const exists = await Promise.all(pages.map((page) => isFile(page.file)));
  return pages.filter((_, index) => exists[index]);
}

/** Runs `work` over `items`, CONCURRENCY at a time. */
async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, run));
}

const fail = (what: string, errors: string[]) => {
  if (errors.length > 0) throw new Error(`pagefind: ${what}: ${errors.join('; ')}`);
};

/** A Pagefind index of `pages` (each file read as it is sent), its files in memory. */
async function indexFiles(pages: readonly PostPage[]): Promise<pagefind.IndexFile[]> {
  const { index, errors } = await pagefind.createIndex();
  fail('createIndex', errors);
  if (!index) throw new Error('pagefind: createIndex returned no index');
  try {
    await eachLimited(pages, async ({ url, file }) => {
      const added = await index.addHTMLFile({ url, content: await readFile(file, 'utf8') });
      fail(`indexing ${url}`, added.errors);
    });
    const { files, errors: fileErrors } = await index.getFiles();
    fail('getFiles', fileErrors);
    return files;
  } finally {
    await index.deleteIndex();
  }
}

/** Writes `files` under `dir` (a folder no reader sees yet). Returns the bytes written. */
async function writeBundle(dir: string, files: readonly pagefind.IndexFile[]): Promise<number> {
  const dirs = new Set(files.map((file) => dirname(join(dir, file.path))));
  for (const folder of dirs) await mkdir(folder, { recursive: true });
  let bytes = 0;
  await eachLimited(files, async (file) => {
    await writeFile(join(dir, file.path), file.content);
    bytes += file.content.length;
  });
  return bytes;
}

/** Writes the manifest through a temporary name and a rename, with its .gz/.br (when big enough). */
async function writeManifest(searchDir: string, manifest: SearchManifest): Promise<void> {
  const path = join(searchDir, SEARCH_MANIFEST);
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await Promise.all([rm(`${path}.gz`, { force: true }), rm(`${path}.br`, { force: true })]);
  await writeFile(temp, `${JSON.stringify(manifest)}\n`);
  await rename(temp, path);
  await precompressFile(path);
}

/** Page id (Pagefind's hash, the name of its fragment file) → URL, from a bundle's files in memory. */
function pageIds(files: readonly pagefind.IndexFile[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const file of files) {
    const id = /^fragment\/([^/]+)\.pf_fragment$/.exec(file.path)?.[1];
    if (id) ids.set(fragmentUrl(file.content), id);
  }
  return ids;
}

/** The URL a fragment file (gzip, "pagefind_dcd" and the page's JSON) is for. */
function fragmentUrl(content: Uint8Array): string {
  const json: unknown = JSON.parse(gunzipSync(content).subarray('pagefind_dcd'.length).toString('utf8'));
  if (typeof json !== 'object' || json === null || !('url' in json) || typeof json.url !== 'string') {
    throw new Error('pagefind: a fragment without a url');
  }
  return json.url;
}

export interface SearchIndexResult {
  pages: number;
  /** Bytes of the bundle as written (Pagefind's data files are gzip already). */
  bytes: number;
  files: number;
  ms: number;
}

/**
 * Indexes every post page of a built site into `<outDir>/pagefind/` (the base) with an empty
 * manifest. Run before precompression, so pagefind.js gets its .gz and .br like every script.
 * Stops the Pagefind process afterwards (it holds the whole index in memory while it builds).
 */
export async function buildSearchIndex(outDir: string): Promise<SearchIndexResult> {
  const started = performance.now();
  const pages = await postPages(outDir);
  const searchDir = join(outDir, SEARCH_DIR);
  try {
    const files = (await indexFiles(pages)).filter((file) => !UNUSED.test(file.path));
    await rm(searchDir, { recursive: true, force: true });
    const bytes = await writeBundle(searchDir, files);
    await writeManifest(searchDir, { delta: null, hidden: [] });
    return { pages: pages.length, bytes, files: files.length, ms: performance.now() - started };
  } finally {
    await pagefind.close();
  }
}

/** URL → page id of the base index written by buildSearchIndex, read back from its fragment files. */
export async function readBaseIds(outDir: string): Promise<Map<string, string>> {
  const dir = join(outDir, SEARCH_DIR, 'fragment');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.pf_fragment'));
  const ids = new Map<string, string>();
  await eachLimited(names, async (name) => {
    ids.set(fragmentUrl(await readFile(join(dir, name))), name.slice(0, -'.pf_fragment'.length));
  });
  return ids;
}

export interface SearchDeltaOptions {
  /** The base's URL → page id (readBaseIds). */
  baseIds: ReadonlyMap<string, string>;
  /** Every post URL changed since the base was built: added, edited, moved or gone. */
  changed: ReadonlySet<string>;
  /** Unchanged posts indexed with them (DELTA_SAMPLE). */
  sample?: number;
}

export interface SearchDeltaResult {
  manifest: SearchManifest;
  /** Pages in the delta: the changed posts still published, and the sample. */
  pages: number;
  /** Of those, the changed posts. */
  changed: number;
  ms: number;
}

/**
 * Unchanged posts a delta also indexes, spread evenly over the site. Pagefind ranks each index by
 * its own statistics (how rare a word is among its pages): alone, a delta of one post makes every
 * word in it common, and a new post matching a query exactly ranked below loose matches in the
 * base (seen in bench/search.ts). Beside a sample of the site its figures match the base's.
 * The sample's pages are in both indexes under the same id (the dialog shows one of the two).
 */
export const DELTA_SAMPLE = 500;

/**
 * Brings the live search index of release `outDir` up to date after a publish: a new delta of the
 * changed posts that still have a page (read from the release, where the fast path just wrote
 * them) and the sample, then the manifest pointing at it and hiding the base's copies of what it
 * replaces and of what is gone, then the deltas before the previous one go (a reader who opened
 * the dialog a moment ago may still be reading the previous one's files).
 */
export async function writeSearchDelta(outDir: string, options: SearchDeltaOptions): Promise<SearchDeltaResult> {
  const started = performance.now();
  const searchDir = join(outDir, SEARCH_DIR);
  const existing = async (slugs: string[]) => {
    // One path segment: never a way out of the posts folder.
    const pages = slugs
      .filter((slug) => !slug.includes('/') && slug !== '.' && slug !== '..')
      .map((slug) => pageOf(outDir, slug));
    const exists = await Promise.all(pages.map((page) => isFile(page.file)));
    return pages.filter((_, index) => exists[index]);
  };
  const changed = await existing([...options.changed].flatMap((url) => slugOfPostPath(url) ?? []));
  let manifest: SearchManifest = { delta: null, hidden: [] };
  let previous: string | null = null;
  try {
    const current: unknown = JSON.parse(await readFile(join(searchDir, SEARCH_MANIFEST), 'utf8'));
    if (typeof current === 'object' && current !== null && 'delta' in current && typeof current.delta === 'string')
      previous = current.delta;
  } catch {
    // No manifest yet: nothing to keep.
  }
  let delta: PostPage[] = [];
  let deltaIds = new Set<string>();
  if (changed.length > 0) {
    const others = (await readdir(join(outDir, 'posts'))).filter((slug) => !options.changed.has(postPath(slug))).sort();
    const step = Math.max(1, others.length / (options.sample ?? DELTA_SAMPLE));
    const picked = Array.from(
      { length: Math.min(others.length, options.sample ?? DELTA_SAMPLE) },
      (_, k) => others[Math.floor(k * step)] ?? '',
    );
    delta = [...changed, ...(await existing(picked))];
    try {
      const files = (await indexFiles(delta)).filter((file) => INDEX_DATA.test(file.path));
      const name = `delta-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
      await writeBundle(join(searchDir, name), files);
      deltaIds = new Set(pageIds(files).values());
      manifest = { delta: `/${SEARCH_DIR}/${name}/`, hidden: [] };
    } finally {
      await pagefind.close();
    }
  }
  // The base's copy of every page the delta has (or that is gone), unless it is the same page.
  const urls = new Set([...options.changed, ...delta.map((page) => page.url)]);
  manifest.hidden = [...urls].flatMap((url) => {
    const id = options.baseIds.get(url);
    return id && !deltaIds.has(id) ? [id] : [];
  });
  await writeManifest(searchDir, manifest);
  const keep = new Set([manifest.delta, previous].filter((path) => path !== null).map((path) => path.split('/')[2]));
  for (const entry of await readdir(searchDir, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name.startsWith('delta-') && !keep.has(entry.name)) {
      await rm(join(searchDir, entry.name), { recursive: true, force: true });
    }
  }
  return { manifest, pages: delta.length, changed: changed.length, ms: performance.now() - started };
}
