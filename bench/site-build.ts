// DESIGN §5 "Full build": pages/second and peak memory of `astro build` (with its precompression)
// for the demo blog and for N posts, each read over HTTP from a real API on a fresh SQLite file.
// Run: npx tsx bench/site-build.ts [N ...]   (default: the demo blog and 1000 posts)
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemo } from '../api/src/db/seed.js';
import { createTestContext, type TestContext } from '../api/test/app.js';
import { runAstroBuild } from '../site/scripts/build-site.js';
import { serveApi } from '../site/test/api-server.js';
import { figure, QUICK, report } from './support/report.js';

const PARAGRAPHS = [
  'Most of what a blog does is the same for every reader, so we do that work once, ahead of time, and let the web server hand out files.',
  'Every shortcut here was measured first. A number on a 2-core machine tells you more than an opinion on a laptop.',
  'The trick is not cleverness but boring discipline: one place that decides what counts, one transaction per change.',
  'We left early, before the city woke up, and the light on the water made the whole plan feel worth it.',
  'Cook it low and slow. The first attempt was too salty, the second too timid; the third one was the one we will make again.',
];

/** A Markdown body of about 1.5 KB, a little different for each post. */
function body(i: number): string {
  const p = (k: number) => PARAGRAPHS[(i + k) % PARAGRAPHS.length] ?? '';
  return [
    p(0),
    '## What we learned',
    p(1),
    `- measure\n- change one thing\n- measure again (post ${i})`,
    p(2),
    '```ts\nconst pages = await build(site);\n```',
    p(3),
    p(4),
  ].join('\n\n');
}

/** Published posts, in transactions of 250, on top of the demo blog's users and categories. */
async function addPosts(t: TestContext, count: number): Promise<void> {
  const { User, Category, Post } = t.db.models;
  const authors = await User.findAll({ where: { role: ['author', 'admin'] } });
  const categories = await Category.findAll();
  const start = Date.now() - count * 3_600_000;
  for (let done = 0; done < count; ) {
    const batch = Math.min(250, count - done);
    await t.db.transaction(async (transaction) => {
      for (let i = done; i < done + batch; i++) {
        await Post.create(
          {
            authorId: authors[i % authors.length]?.id ?? 1,
            categoryId: categories[i % categories.length]?.id ?? null,
            title: `Bench post number ${i}`,
            subtitle: `A subtitle for post ${i}`,
            slug: `bench-post-${i}`,
            bodyMarkdown: body(i),
            status: 'published',
            publishedAt: new Date(start + i * 3_600_000),
          },
          { transaction },
        );
      }
    });
    done += batch;
  }
}

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

interface Run {
  label: string;
  posts: number;
  pages: number;
  seconds: number;
  pagesPerSecond: number;
  peakRssMb: number;
  precompressSeconds: number;
  /** Files whose .gz/.br came from the previous build. */
  reused: number;
  postPageGzipBytes: number;
}

async function countPages(dir: string): Promise<number> {
  let pages = 0;
  for await (const file of files(dir)) if (file.endsWith('.html')) pages++;
  return pages;
}

/** First paint of a post page: its HTML and its one stylesheet, gzipped as nginx serves them. */
async function postPageGzip(out: string): Promise<number> {
  const html = join(out, 'posts', 'why-our-pages-are-static', 'index.html');
  const css = /href="(\/_astro\/[^"]+\.css)"/.exec(await readFile(html, 'utf8'))?.[1];
  const gz = async (file: string) => (await stat(`${file}.gz`)).size;
  return (await gz(html)) + (css ? await gz(join(out, css)) : 0);
}

/** A full build, then a rebuild of the same content that reuses the first build's .gz/.br. */
async function run(extraPosts: number | null): Promise<Run[]> {
  const t = await createTestContext({ PUBLIC_URL: 'https://blog.example' });
  const first = await mkdtemp(join(tmpdir(), 'bench-site-'));
  const second = await mkdtemp(join(tmpdir(), 'bench-site-'));
  const label = extraPosts === null ? 'demo' : `demo+${extraPosts}`;
  try {
    await seedDemo(t.db, () => new Date());
    if (extraPosts !== null) await addPosts(t, extraPosts);
    const posts = await t.db.models.Post.count({ where: { status: 'published' } });
    const api = await serveApi(t);
    try {
      const runs: Run[] = [];
      for (const [name, outDir, env] of [
        [label, first, {}],
        [`${label} again`, second, { PRECOMPRESS_REUSE_FROM: first }],
      ] as const) {
        const result = await runAstroBuild({ apiUrl: api.apiUrl, publicUrl: 'https://blog.example', outDir, env });
        const pages = await countPages(outDir);
        const seconds = result.durationMs / 1000;
        runs.push({
          label: name,
          posts,
          pages,
          seconds,
          pagesPerSecond: pages / seconds,
          peakRssMb: result.peakRssBytes / 1024 / 1024,
          precompressSeconds: Number(/precompressed .* in (\d+) ms/.exec(result.output)?.[1] ?? Number.NaN) / 1000,
          reused: Number(/\((\d+) reused/.exec(result.output)?.[1] ?? 0),
          postPageGzipBytes: await postPageGzip(outDir),
        });
      }
      return runs;
    } finally {
      await api.close();
    }
  } finally {
    await t.destroy();
    await rm(first, { recursive: true, force: true });
    await rm(second, { recursive: true, force: true });
  }
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => Number.isInteger(n) && n >= 0);
const plan: Array<number | null> = sizes.length ? sizes : [null, 1000];
const runs: Run[] = [];
for (const extra of plan) {
  for (const r of await run(extra)) {
    runs.push(r);
    process.stdout.write(
      `${r.label.padEnd(16)} ${String(r.posts).padStart(6)} posts ${String(r.pages).padStart(6)} pages  ` +
        `${r.seconds.toFixed(1).padStart(6)} s  ${r.pagesPerSecond.toFixed(0).padStart(5)} pages/s  ` +
        `(${(r.pages / (r.seconds - r.precompressSeconds)).toFixed(0)} without precompression)  ` +
        `peak RSS ${r.peakRssMb.toFixed(0)} MiB  of which precompress ${r.precompressSeconds.toFixed(1)} s` +
        `${r.reused ? ` (${r.reused} reused)` : ''}  ` +
        `post page HTML+CSS gzip ${(r.postPageGzipBytes / 1024).toFixed(1)} KiB\n`,
    );
  }
}
const full = runs.filter((r) => !r.label.endsWith('again'));
const firstRun = full[0];
const lastRun = full.at(-1);
if (firstRun && lastRun && firstRun !== lastRun) {
  process.stdout.write(
    `throughput ${lastRun.label} vs ${firstRun.label}: ${(lastRun.pagesPerSecond / firstRun.pagesPerSecond).toFixed(2)}× ` +
      '(DESIGN §5 reference, astro build alone: 453 pages/s and 853 MiB peak for 10k posts)\n',
  );
}
// The rebuild of the last size: what the builder runs on every full build once a release is live.
const again = runs.filter((r) => r.label.endsWith('again')).at(-1);
const againAlone = again ? again.pages / (again.seconds - again.precompressSeconds) : 0;
if (lastRun) {
  const alone = lastRun.pages / (lastRun.seconds - lastRun.precompressSeconds);
  const judge = (ok: boolean) => (QUICK ? null : ok);
  report([
    figure(
      'site-build',
      `full build, ${lastRun.posts} posts (${lastRun.pages} pages)`,
      lastRun.pagesPerSecond,
      'pages/s',
      {
        baseline: { name: 'astro build alone: same run minus its precompression', value: alone },
        target: '≥ 0.7×',
        met: judge(lastRun.pagesPerSecond / alone >= 0.7),
      },
    ),
    figure('site-build', `full build, ${lastRun.posts} posts: peak RSS`, lastRun.peakRssMb, 'MiB', {
      target: '≤ 1,024 MiB',
      met: judge(lastRun.peakRssMb <= 1024),
    }),
    ...(again
      ? [
          figure(
            'site-build',
            `full rebuild, ${again.posts} posts, reusing the live release's .gz/.br (every full build after the first)`,
            again.pagesPerSecond,
            'pages/s',
            {
              baseline: {
                name: 'astro build alone: same run minus its precompression',
                value: againAlone,
              },
              target: '≥ 0.7×',
              met: judge(again.pagesPerSecond / againAlone >= 0.7),
            },
          ),
          figure('site-build', `full rebuild, ${again.posts} posts: peak RSS`, again.peakRssMb, 'MiB', {
            target: '≤ 1,024 MiB',
            met: judge(again.peakRssMb <= 1024),
          }),
        ]
      : []),
  ]);
}
