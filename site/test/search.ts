import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

/** A search result as the dialog reads it. */
export interface Hit {
  /** The page's URL path, e.g. /posts/hello/ */
  url: string;
  title: string;
  /** Pagefind's excerpt: escaped text with <mark> around the matches. */
  excerpt: string;
  meta: Record<string, string>;
  filters: Record<string, string[]>;
  /** Pagefind's score (results come best first). */
  score: number;
}

const Manifest = z.object({ delta: z.string().nullable(), hidden: z.array(z.string()) });
const Data = z.object({
  url: z.string(),
  excerpt: z.string(),
  meta: z.record(z.string(), z.string()),
  filters: z.record(z.string(), z.array(z.string())),
});
interface Instance {
  mergeIndex(path: string): Promise<void>;
  search(term: string): Promise<{ results: Array<{ id: string; score: number; data(): Promise<unknown> }> }>;
  destroy(): Promise<void>;
}
const isModule = (value: unknown): value is { createInstance(options: { basePath: string }): Instance } =>
  typeof value === 'object' &&
  value !== null &&
  'createInstance' in value &&
  typeof value.createInstance === 'function';

/**
 * Searches a built site's index the way the search dialog does (src/islands/blog-search.ts): the
 * manifest, its delta merged into the base, the hidden base pages and duplicates (by id, then by URL)
 * left out, with the
 * site's own /pagefind/pagefind.js (it runs in Node, on its main thread) over HTTP from `root`.
 * `onServe` hears of every file the search fetched (the bench counts a first query's bytes).
 */
export async function searchSite(
  root: string,
  term: string,
  options: { onServe?: (path: string, bytes: number) => void } = {},
): Promise<Hit[]> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep)) return void res.writeHead(404).end();
    readFile(file).then(
      (body) => {
        options.onServe?.(path, body.length);
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the index server has no TCP address');
  const origin = `http://127.0.0.1:${address.port}`;
  try {
    const module: unknown = await import(pathToFileURL(join(root, 'pagefind', 'pagefind.js')).href);
    if (!isModule(module)) throw new Error('pagefind.js has no createInstance');
    const manifest = Manifest.parse(JSON.parse(await readFile(join(root, 'pagefind', 'search.json'), 'utf8')));
    const pagefind = module.createInstance({ basePath: `${origin}/pagefind/` });
    try {
      if (manifest.delta) await pagefind.mergeIndex(`${origin}${manifest.delta}`);
      const { results } = await pagefind.search(term);
      const seen = new Set(manifest.hidden);
      const kept = results.filter((result) => !seen.has(result.id) && seen.add(result.id));
      const hits = await Promise.all(
        kept.map(async (result) => {
          const data = Data.parse(await result.data());
          return {
            url: new URL(data.url).pathname,
            title: data.meta.title ?? '',
            excerpt: data.excerpt,
            meta: data.meta,
            filters: data.filters,
            score: result.score,
          };
        }),
      );
      const urls = new Set<string>();
      return hits.filter((hit) => !urls.has(hit.url) && urls.add(hit.url));
    } finally {
      await pagefind.destroy();
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
