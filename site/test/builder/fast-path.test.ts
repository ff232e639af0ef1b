import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { seedDemo } from '../../../api/src/db/seed.js';
import { createTestContext, type TestContext } from '../../../api/test/app.js';
import { type Builder, type BuildOutcome, createBuilder } from '../../builder/src/builder.js';
import { consoleLogger } from '../../builder/src/reporter.js';
import { type RunningApi, serveApi } from '../api-server.js';

// The fast path against the real site: a real API over HTTP with the demo blog, a real
// `astro build` in the render worker, then single-post changes rendered into the live release.

const SECRET = 'fast-path-test-secret-0123456789abcdefgh';
const quiet = { ...consoleLogger, info() {} };

let t: TestContext;
let api: RunningApi;
let builder: Builder;
let siteDist: string;
const outcomes: BuildOutcome[] = [];

beforeAll(async () => {
  t = await createTestContext({ WEBHOOK_SECRET: SECRET });
  await seedDemo(t.db, () => new Date(Date.now() - 60_000), false);
  api = await serveApi(t);
  siteDist = join(await mkdtemp(join(tmpdir(), 'fast-path-')), 'dist');
  builder = createBuilder({
    secret: SECRET,
    siteDist,
    apiUrl: api.apiUrl,
    publicUrl: 'https://blog.example',
    followUpDelayMs: null,
    logger: quiet,
    quietBuilds: true,
  });
  builder.onBuild((outcome) => outcomes.push(outcome));
  builder.rebuild('initial');
  await builder.idle();
  expect(outcomes.at(-1)).toMatchObject({ kind: 'full', ok: true });
}, 180_000);

afterAll(async () => {
  await builder?.stop();
  await api?.close();
  await t?.destroy();
});

async function files(dir: string): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    result.set(relative(dir, path), (await stat(path)).mtimeMs);
  }
  return result;
}

const html = (path: string) => readFile(join(siteDist, path), 'utf8');
const Created = z.object({ id: z.number(), slug: z.string() });

describe('fast path', () => {
  let post: z.infer<typeof Created>;
  let categorySlug: string;
  let fastHtml: string;

  it('renders a newly published post, its neighbours, home, category, feed and sitemap, and nothing else', async () => {
    const author = await t.db.models.User.findOne({ where: { email: 'grace@example.com' } });
    const category = await t.db.models.Category.findOne({ order: [['id', 'ASC']] });
    if (!author || !category) throw new Error('seed missing');
    categorySlug = category.slug;
    const previousNewest = await t.db.models.Post.findOne({
      where: { status: 'published' },
      order: [
        ['publishedAt', 'DESC'],
        ['id', 'DESC'],
      ],
    });
    const before = await files(siteDist);
    const res = await t.request('POST', '/api/posts', {
      as: author,
      json: {
        title: 'Fresh off the press',
        bodyMarkdown: 'Brand **new**.',
        categoryId: category.id,
        status: 'published',
      },
    });
    expect(res.status).toBe(201);
    post = Created.parse(await res.json());

    const started = performance.now();
    expect(builder.accept({ event: 'published', postId: post.id, slug: post.slug, at: new Date().toISOString() })).toBe(
      'fast',
    );
    await builder.idle();
    const elapsed = performance.now() - started;
    const outcome = outcomes.at(-1);
    expect(outcome).toMatchObject({ kind: 'fast', ok: true });
    expect(elapsed).toBeLessThan(3000);

    const page = await html(`posts/${post.slug}/index.html`);
    fastHtml = page;
    expect(page).toContain('Fresh off the press');
    expect(page).toContain('<strong>new</strong>');
    expect(gunzipSync(await readFile(join(siteDist, `posts/${post.slug}/index.html.gz`))).toString()).toBe(page);
    expect(brotliDecompressSync(await readFile(join(siteDist, `posts/${post.slug}/index.html.br`))).toString()).toBe(
      page,
    );
    expect(await html('index.html')).toContain('Fresh off the press');
    expect(await html(`categories/${categorySlug}/index.html`)).toContain('Fresh off the press');
    expect(await html('rss.xml')).toContain('Fresh off the press');
    expect(await html('sitemap.xml')).toContain(`https://blog.example/posts/${post.slug}/`);
    // The post that was newest now links to the new one.
    expect(await html(`posts/${previousNewest?.slug}/index.html`)).toContain(`/posts/${post.slug}/`);

    // Exactly the pages it reported, each with its compressed siblings where they apply.
    const after = await files(siteDist);
    const changed = [...after].filter(([path, mtime]) => before.get(path) !== mtime).map(([path]) => path);
    const reported = new Set(
      (outcome?.written ?? []).map((path) => {
        const decoded = decodeURIComponent(path).slice(1);
        return decoded === '' || decoded.endsWith('/') ? `${decoded}index.html` : decoded;
      }),
    );
    expect(new Set(changed.filter((path) => !/\.(gz|br)$/.test(path)))).toEqual(reported);
    expect(changed.length).toBeLessThan(after.size / 3);
    expect(outcome?.written).toEqual(
      expect.arrayContaining(['/', `/categories/${categorySlug}/`, '/rss.xml', '/sitemap.xml', `/posts/${post.slug}/`]),
    );
  });

  it('renders the same HTML as the full build of the same data', async () => {
    builder.rebuild('compare');
    await builder.idle();
    expect(await html(`posts/${post.slug}/index.html`)).toBe(fastHtml);
  }, 120_000);

  it('moves the page on a slug change and removes it on unpublish', async () => {
    const author = await t.db.models.User.findOne({ where: { email: 'grace@example.com' } });
    if (!author) throw new Error('seed missing');
    const renamed = await t.request('PATCH', `/api/posts/${post.id}`, { as: author, json: { slug: 'fresh-renamed' } });
    expect(renamed.status).toBe(200);
    builder.accept({
      event: 'updated',
      postId: post.id,
      slug: 'fresh-renamed',
      previousSlug: post.slug,
      at: new Date().toISOString(),
    });
    await builder.idle();
    expect(await html('posts/fresh-renamed/index.html')).toContain('Fresh off the press');
    await expect(stat(join(siteDist, `posts/${post.slug}/index.html`))).rejects.toThrow();
    await expect(stat(join(siteDist, `posts/${post.slug}/index.html.br`))).rejects.toThrow();

    expect((await t.request('POST', `/api/posts/${post.id}/unpublish`, { as: author })).status).toBe(200);
    builder.accept({ event: 'unpublished', postId: post.id, slug: 'fresh-renamed', at: new Date().toISOString() });
    await builder.idle();
    // The home listing shrank back by one post: its last page went too (20 published posts, 10 a page).
    expect(outcomes.at(-1)).toMatchObject({ kind: 'fast', ok: true, removed: ['/posts/fresh-renamed/', '/page/3/'] });
    await expect(stat(join(siteDist, 'page/3/index.html'))).rejects.toThrow();
    await expect(stat(join(siteDist, 'posts/fresh-renamed'))).rejects.toThrow();
    expect(await html('index.html')).not.toContain('Fresh off the press');
    expect(await html(`categories/${categorySlug}/index.html`)).not.toContain('Fresh off the press');
    expect(await html('sitemap.xml')).not.toContain('fresh-renamed');
  });

  it('recorded every build through the API', async () => {
    const builds = await t.db.models.BuildEvent.findAll({ order: [['id', 'ASC']] });
    expect(builds.map((b) => [b.reason.replace(/\d+/g, 'N'), b.status])).toEqual([
      ['initial', 'done'],
      ['fast path: post N published', 'done'],
      ['compare', 'done'],
      ['fast path: post N updated', 'done'],
      ['fast path: post N unpublished', 'done'],
    ]);
    for (const build of builds) {
      expect(build.durationMs).toBeGreaterThan(0);
      expect(build.pages).toBeGreaterThan(0);
      expect(build.finishedAt).not.toBeNull();
    }
  });
});
