import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PreviewLinkSchema } from '@blog/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../../api/src/db/seed.js';
import { createTestContext, type TestContext } from '../../../api/test/app.js';
import { type Builder, createBuilder } from '../../builder/src/builder.js';
import { consoleLogger } from '../../builder/src/reporter.js';
import { type RunningApi, serveApi } from '../api-server.js';

// The on-demand pages of the real site: a real API over HTTP with the demo blog, a real
// `astro build` in the render worker, and @astrojs/node's handler from that build answering
// what the static site cannot hold (a draft's preview link, a post published a moment ago).

const SECRET = 'on-demand-test-secret-0123456789abcdefgh';
const PUBLIC_URL = 'https://blog.example';
const quiet = { ...consoleLogger, info() {} };

let t: TestContext;
let api: RunningApi;
let builder: Builder;
let siteDist: string;

beforeAll(async () => {
  t = await createTestContext({ WEBHOOK_SECRET: SECRET, PUBLIC_URL, PREVIEW_LINK_TTL_SECONDS: '3600' });
  await seedDemo(t.db, () => new Date(Date.now() - 60_000));
  api = await serveApi(t);
  siteDist = join(await mkdtemp(join(tmpdir(), 'on-demand-')), 'dist');
  // No webhook reaches this builder: what the API publishes stays unbuilt, as in the seconds
  // before a fast path lands.
  builder = createBuilder({
    secret: SECRET,
    siteDist,
    apiUrl: api.apiUrl,
    publicUrl: PUBLIC_URL,
    followUpDelayMs: null,
    logger: quiet,
    quietBuilds: true,
  });
  builder.rebuild('initial');
  await builder.idle();
  expect(builder.outcomes.at(-1)).toMatchObject({ kind: 'full', ok: true });
}, 180_000);

afterAll(async () => {
  await builder?.stop();
  await api?.close();
  await t?.destroy();
});

const get = (path: string, method = 'GET') => builder.app.request(new Request(`http://builder${path}`, { method }));
const stylesheets = (html: string) => [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);

async function author() {
  const user = await t.db.models.User.findOne({ where: { email: 'grace@example.com' } });
  if (!user) throw new Error('seed missing');
  return user;
}

describe('on-demand pages', () => {
  it("render a draft's preview link with the post page's layout and assets, private, until it expires", async () => {
    const grace = await author();
    const draft = await t.factories.post(grace, {
      status: 'draft',
      title: 'A draft with a table',
      body: 'Before.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nAfter.',
    });
    const made = await t.request('POST', `/api/posts/${draft.id}/preview-link`, { as: grace });
    expect(made.status).toBe(201);
    const link = PreviewLinkSchema.parse(await made.json());
    expect(link.url.startsWith(`${PUBLIC_URL}/preview/`)).toBe(true);

    const res = await get(link.path);
    const html = await res.text();
    expect(res.status, html).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-robots-tag')).toBe('noindex');
    expect(html).toContain('<h1 data-pagefind-meta="title">A draft with a table</h1>');
    expect(html).toContain('<table>');
    expect(html).toContain('Preview of a draft.');
    expect(html).toContain('Only people with this link can see it, until <time');
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    expect(html).not.toContain('<blog-comments');
    // The same hashed stylesheet as the live release's pages: one build, one set of assets.
    const home = await readFile(join(siteDist, 'index.html'), 'utf8');
    expect(stylesheets(html)).toEqual(stylesheets(home));
    expect(stylesheets(html).length).toBeGreaterThan(0);

    // HEAD: the headers, no body.
    const head = await get(link.path, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');

    // A forged token is a 404 page; an expired link says so.
    const [id, expires] = link.path.split('/')[2]?.split('.') ?? [];
    const forged = await get(`/preview/${id}.${expires}.${'A'.repeat(43)}/`);
    expect(forged.status).toBe(404);
    expect(await forged.text()).toContain('Page not found');
    t.setNow(new Date(Date.now() + 3601_000));
    try {
      const expired = await get(link.path);
      expect(expired.status).toBe(410);
      const text = await expired.text();
      expect(text).toContain('This preview link has expired');
      expect(text).not.toContain('A draft with a table');
    } finally {
      t.setNow(new Date());
    }
  }, 60_000);

  it('render a post published a moment ago, before its static page exists; drafts and unknown paths are 404', async () => {
    const grace = await author();
    const post = await t.factories.post(grace, { title: 'Published a moment ago', body: 'Fresh **news**.' });
    const hidden = await t.factories.post(grace, { status: 'draft', title: 'Secret draft' });

    const res = await get(`/posts/${post.slug}/`);
    const html = await res.text();
    expect(res.status, html).toBe(200);
    expect(html).toContain('<h1 data-pagefind-meta="title">Published a moment ago</h1>');
    expect(html).toContain('<strong>news</strong>');
    expect(html).toContain(`<link rel="canonical" href="${PUBLIC_URL}/posts/${post.slug}/">`);
    expect(html).toContain('<blog-comments');

    for (const path of [`/posts/${hidden.slug}/`, '/posts/no-such-post/', '/no/such/page/', '/posts/%E0%A4%A/']) {
      const missing = await get(path);
      expect(missing.status, path).toBe(404);
      const text = await missing.text();
      expect(text, path).toContain('Page not found');
      expect(text, path).not.toContain('Secret draft');
    }
  }, 60_000);

  it('answer 503 once the builder has stopped its worker, never a hang', async () => {
    const other = createBuilder({
      secret: SECRET,
      siteDist: join(await mkdtemp(join(tmpdir(), 'on-demand-none-')), 'dist'),
      apiUrl: api.apiUrl,
      publicUrl: PUBLIC_URL,
      followUpDelayMs: null,
      logger: quiet,
      quietBuilds: true,
    });
    const res = await other.app.request(new Request('http://builder/preview/1.1.x/'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    await other.stop();
  });
});
