// DESIGN §5 "Publish-to-live: search index updated ≤ 5 s" (issue 15, item 2): an N-post site built
// by the builder (whose full build writes the Pagefind index), then posts published through the
// real path (API → outbox job → signed webhook → builder → fast path), each timed until the live
// release's search manifest names a delta index holding it, and one unpublished, timed until the
// manifest hides it; each checked by searching the live release with the site's own pagefind.js.
// Baseline, same run: building the whole index of the same pages (what a publish would cost if
// Pagefind's index were rebuilt each time). Also the index's size on disk and what a first query
// downloads.
// Run: npx tsx bench/search.ts [N]   (default 10000)
import { mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { z } from 'zod';
import { seedDemo } from '../api/src/db/seed.js';
import { createTestContext } from '../api/test/app.js';
import { createBuilder } from '../site/builder/src/builder.js';
import { buildSearchIndex, SEARCH_DIR, SEARCH_MANIFEST } from '../site/scripts/search-index.js';
import { serveApi } from '../site/test/api-server.js';
import { searchSite } from '../site/test/search.js';
import { figure, median, QUICK, report } from './support/report.js';

const N = Number(process.argv[2] ?? '10000');
const Created = z.object({ id: z.number(), slug: z.string() });
const SECRET = 'bench-search-secret-0123456789abcdefghijk';
const say = (line: string) => process.stdout.write(`${line}\n`);
const quiet = {
  info() {},
  warn() {},
  error: (fields: object, message: string) => say(`builder error: ${message} ${JSON.stringify(fields)}`),
};

const PARAGRAPHS = [
  'Most of what a blog does is the same for every reader, so we do that work once, ahead of time, and let the web server hand out files.',
  'Every shortcut here was measured first. A number on a 2-core machine tells you more than an opinion on a laptop.',
  'The trick is not cleverness but boring discipline: one place that decides what counts, one transaction per change.',
  'We left early, before the city woke up, and the light on the water made the whole plan feel worth it.',
  'Cook it low and slow. The first attempt was too salty, the second too timid; the third one was the one we will make again.',
];
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'su',
  'ta',
  'vo',
  'zen',
  'pri',
  'dal',
  'ok',
  'ne',
  'bra',
  'fi',
  'gu',
  'hol',
];

/** A made-up word, one of ~65,000: real posts bring words of their own, and the index grows with them. */
function word(seed: number): string {
  let text = '';
  for (let n = seed % 65_536, k = 0; k < 4; k++, n = Math.floor(n / 16)) text += SYLLABLES[n % 16];
  return text;
}

/** A Markdown body of about 1.5 KB: shared paragraphs and a sentence of words of its own. */
function body(i: number): string {
  const p = (k: number) => PARAGRAPHS[(i + k) % PARAGRAPHS.length] ?? '';
  const own = Array.from({ length: 12 }, (_, k) => word(i * 7919 + k * 104_729)).join(' ');
  return [p(0), '## What we learned', p(1), `Words of this post: ${own}.`, p(2), p(3), p(4)].join('\n\n');
}

function listen(fetch: (request: Request) => Response | Promise<Response>) {
  return new Promise<{ url: string; close: () => void }>((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, close: () => server.close() }),
    );
  });
}

/** Bytes and files of a folder (its .gz/.br siblings left out: Pagefind's own files are gzip already). */
async function sizeOf(dir: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || /\.(gz|br)$/.test(entry.name)) continue;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
    files++;
  }
  return { bytes, files };
}

async function main() {
  const workDir = await mkdtemp(join(tmpdir(), 'bench-search-'));
  const siteDist = join(workDir, 'dist');
  let builderFetch: ((request: Request) => Response | Promise<Response>) | null = null;
  const builderServer = await listen((request) =>
    builderFetch ? builderFetch(request) : new Response(null, { status: 503 }),
  );
  const t = await createTestContext({ WEBHOOK_SECRET: SECRET, BUILDER_URL: builderServer.url });
  const api = await serveApi(t);
  const builder = createBuilder({
    secret: SECRET,
    siteDist,
    apiUrl: api.apiUrl,
    publicUrl: 'https://blog.example',
    followUpDelayMs: null,
    logger: quiet,
    quietBuilds: true,
  });
  builderFetch = builder.app.fetch;

  let started = performance.now();
  await seedDemo(t.db, () => new Date(Date.now() - 3_600_000), { production: false });
  const { User, Category, Post } = t.db.models;
  const authors = await User.findAll({ where: { role: ['author', 'admin'] } });
  const categories = await Category.findAll();
  const base = Date.now() - (N + 10) * 60_000;
  for (let done = 0; done < N; done += 500) {
    await t.db.transaction(async (transaction) => {
      for (let i = done; i < Math.min(N, done + 500); i++) {
        await Post.create(
          {
            authorId: authors[i % authors.length]?.id ?? 1,
            categoryId: categories[i % categories.length]?.id ?? null,
            title: `Bench post number ${i}`,
            subtitle: `A subtitle for post ${i}`,
            slug: `bench-post-${i}`,
            bodyMarkdown: body(i),
            status: 'published',
            publishedAt: new Date(base + i * 60_000),
          },
          { transaction },
        );
      }
    });
  }
  const total = await Post.count({ where: { status: 'published' } });
  say(`seeded ${total} published posts in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  builder.rebuild('bench: full build');
  await builder.idle();
  const full = builder.outcomes.at(-1);
  if (!full?.ok) throw new Error(`full build failed: ${full?.error}`);
  say(`full build (pages and index): ${(full.durationMs / 1000).toFixed(1)} s, ${full.pages} pages`);
  const index = await sizeOf(join(siteDist, SEARCH_DIR));
  say(`index: ${(index.bytes / 2 ** 20).toFixed(2)} MiB in ${index.files} files`);

  // The baseline: the whole index of the same post pages, built again (into a scratch folder).
  const scratch = await mkdtemp(join(workDir, 'index-'));
  await symlink(join(siteDist, 'posts'), join(scratch, 'posts'));
  const whole = await buildSearchIndex(scratch);
  say(`whole index alone: ${(whole.ms / 1000).toFixed(2)} s for ${whole.pages} posts`);
  const baseline = { name: 'whole index rebuilt, same run', value: whole.ms };

  // What a reader's first query downloads (the WebAssembly, entry, metadata, chunks, fragments).
  let firstQueryBytes = 0;
  const hits = await searchSite(siteDist, word(7 * 7919), { onServe: (_, bytes) => (firstQueryBytes += bytes) });
  say(`first query: ${hits.length} hits, ${(firstQueryBytes / 1024).toFixed(0)} KiB fetched`);

  await t.jobs.start();
  const admin = authors.find((a) => a.role === 'admin') ?? authors[0];
  if (!admin) throw new Error('no admin');
  const manifestFile = join(siteDist, SEARCH_DIR, SEARCH_MANIFEST);
  const manifest = async () => readFile(manifestFile, 'utf8').catch(() => '');
  /** Waits until the manifest differs from `before`; the milliseconds since `from`. */
  const changedAfter = async (before: string, from: number) => {
    while ((await manifest()) === before) {
      if (performance.now() - from > 60_000) throw new Error('the search manifest did not change within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return performance.now() - from;
  };
  const updates: number[] = [];
  const steps: number[] = [];
  let last = { id: 0, slug: '', term: '' };
  for (let run = 1; run <= 3; run++) {
    const term = word(900_000 + run);
    const created = await t.request('POST', '/api/posts', {
      as: admin,
      json: { title: `Breaking news ${run}`, bodyMarkdown: `Fresh, with ${term} in it.` },
    });
    const { id, slug } = Created.parse(await created.json());
    await builder.idle();
    const before = await manifest();
    started = performance.now();
    const res = await t.request('POST', `/api/posts/${id}/publish`, { as: admin });
    if (res.status !== 200) throw new Error(`publish answered ${res.status}`);
    const updated = await changedAfter(before, started);
    await builder.idle();
    const found = await searchSite(siteDist, term);
    if (found[0]?.url !== `/posts/${slug}/`)
      throw new Error(
        `search for ${term} found ${found.map((hit) => `${hit.url} ${hit.score.toFixed(3)}`).join(', ') || 'nothing'}`,
      );
    const step = builder.outcomes.at(-1)?.search?.ms ?? Number.NaN;
    say(
      `publish ${run}: in the index after ${updated.toFixed(0)} ms (the fast path's index step ${step.toFixed(0)} ms)`,
    );
    updates.push(updated);
    steps.push(step);
    last = { id, slug, term };
  }
  const before = await manifest();
  started = performance.now();
  const res = await t.request('POST', `/api/posts/${last.id}/unpublish`, { as: admin });
  if (res.status !== 200) throw new Error(`unpublish answered ${res.status}`);
  const gone = await changedAfter(before, started);
  await builder.idle();
  const stillFound = (await searchSite(siteDist, last.term)).some((hit) => hit.url === `/posts/${last.slug}/`);
  if (stillFound) throw new Error('the unpublished post is still found');
  say(`unpublish: gone from the index after ${gone.toFixed(0)} ms`);

  const update = median(updates);
  const judge = (ok: boolean) => (QUICK ? null : ok);
  report([
    figure('search', `index updated after a publish (${total} posts)`, update, 'ms', {
      baseline,
      target: '≤ 5000 ms',
      met: judge(update <= 5000),
    }),
    figure('search', `the fast path's index step (${total} posts)`, median(steps), 'ms', {
      baseline,
      target: 'reported',
      met: null,
    }),
    figure('search', `unpublished post gone from the index (${total} posts)`, gone, 'ms', {
      baseline,
      target: '≤ 5000 ms',
      met: judge(gone <= 5000),
    }),
    figure('search', `index size (${total} posts, ${index.files} files)`, index.bytes / 2 ** 20, 'MiB', {
      target: 'reported',
      met: null,
    }),
    figure('search', `first query downloads (${total} posts)`, firstQueryBytes / 1024, 'KiB', {
      target: 'reported',
      met: null,
    }),
  ]);

  await t.jobs.stop();
  await builder.stop();
  builderServer.close();
  await api.close();
  await t.destroy();
  await rm(workDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
