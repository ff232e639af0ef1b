import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type ServerType, serve } from '@hono/node-server';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/src/app.js';
import { MediaSchema } from '../api/src/features/media/schema.js';
import { createLogger } from '../api/src/lib/logger.js';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../api/src/lib/security-headers.js';
import { createTestContext, type TestContext } from '../api/test/app.js';
import { wxrOf } from '../api/test/wxr.js';
import { createOneProcess } from '../packages/one-process/src/one-process.js';
import { COMMENT_PAGE_CACHE_CONTROL } from '../site/src/lib/comments.js';
import { type RawResponse, rawRequest } from './support/http.js';
import { NGINX_BIN, nginxAvailable, type RunningNginx, startNginx } from './support/nginx.js';

// Runs wherever nginx is installed; in CI (.ci/run installs it) a missing nginx fails the run.
const skip = !nginxAvailable() && !process.env.CI;
if (skip) console.warn(`nginx tests skipped: ${NGINX_BIN} is not installed (apt-get install -y nginx)`);

const pad = (text: string, bytes: number) => `${text}\n<!--${'x'.repeat(Math.max(0, bytes - text.length))}-->\n`;

/** A static site as the builder lays it out: releases, a `live` symlink, precompressed .gz siblings. */
function makeSite(root: string) {
  const write = (release: string, path: string, content: string, precompress = true) => {
    const file = join(root, release, path);
    mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    writeFileSync(file, content);
    // Level 9 with a filename-free header: different bytes from nginx's on-the-fly level 5.
    if (precompress) writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
  };
  write('release-a', 'index.html', pad('<!doctype html><title>Home</title><h1>Release A home</h1>', 4000));
  write('release-a', 'posts/hello/index.html', pad('<!doctype html><title>Hello</title><h1>Hello post</h1>', 9000));
  write('release-a', 'posts/hello/comments/oldest/1.json', JSON.stringify({ items: [], pad: 'x'.repeat(600) }));
  write('release-a', 'about.html', '<!doctype html><title>About</title><h1>About page</h1>');
  write('release-a', '404.html', '<!doctype html><title>Not found</title><h1>Custom 404 page</h1>');
  write('release-a', '_astro/x.abc123.js', `export const answer = 42;\n${'// padding\n'.repeat(200)}`);
  // Text without a .gz sibling: gzipped on the fly.
  write('release-a', 'feed.xml', `<?xml version="1.0"?><rss>${'<item>entry</item>'.repeat(200)}</rss>`, false);
  write('release-a', '.env', 'SESSION_SECRET=must-never-be-served', false);
  write('release-b', 'index.html', '<!doctype html><title>Home</title><h1>Release B home</h1>');
  write('release-b', '404.html', '<!doctype html><title>Not found</title><h1>Custom 404 page</h1>');
  symlinkSync('release-a', join(root, 'live'));
  return join(root, 'live');
}

function makeAdmin(root: string) {
  mkdirSync(join(root, 'assets'), { recursive: true, mode: 0o755 });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Admin</title><blog-admin></blog-admin>');
  writeFileSync(join(root, 'assets', 'app.abc123.js'), 'console.log("admin");');
  return root;
}

describe.skipIf(skip)('nginx in front of the site and the API (real nginx)', () => {
  let work: string;
  let ctx: TestContext;
  let api: ServerType;
  let nginx: RunningNginx;
  let siteRoot: string;
  let adminRoot: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'blog-nginx-e2e-'));
    // nginx workers run unprivileged when the test runs as root: everything they serve must be readable.
    rmSync(work, { recursive: true });
    mkdirSync(work, { mode: 0o755 });
    siteRoot = makeSite(join(work, 'site'));
    adminRoot = makeAdmin(join(work, 'admin'));
    ctx = await createTestContext({ TRUST_PROXY: 'true' });
    const listening = new Promise<AddressInfo>((resolve) => {
      api = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info));
    });
    const { port } = await listening;
    // The API's MEDIA_DIR, served by nginx at /media/ (readable by its unprivileged workers).
    chmodSync(ctx.config.media.dir, 0o755);
    nginx = await startNginx({
      siteRoot,
      adminRoot,
      apiUpstream: `127.0.0.1:${port}`,
      mediaRoot: ctx.config.media.dir,
    });
  });

  afterAll(async () => {
    await nginx?.stop();
    await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
    await ctx?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) => rawRequest(`${nginx.url}${path}`, { headers });
  const onDisk = (path: string) => readFileSync(join(siteRoot, path));

  it('passes nginx -t on the rendered configuration', () => {
    expect(nginx.testOutput).toMatch(/syntax is ok/);
    expect(nginx.testOutput).toMatch(/test is successful/);
  });

  it('serves pretty URLs from index.html and .html files', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Release A home');
    expect(home.headers['content-type']).toMatch(/^text\/html/);
    for (const path of ['/posts/hello', '/posts/hello/', '/posts/hello/index.html']) {
      const post = await get(path);
      expect(post.status, path).toBe(200);
      expect(post.text, path).toContain('Hello post');
    }
    const about = await get('/about');
    expect(about.status).toBe(200);
    expect(about.text).toContain('About page');
  });

  it("answers unknown paths with the site's 404 page and status 404", async () => {
    const missing = await get('/no/such/page');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('Custom 404 page');
    expect(missing.headers['content-type']).toMatch(/^text\/html/);
    expect((await get('/.env')).status).toBe(404);
    expect((await get('/.env')).text).not.toContain('SESSION_SECRET');
  });

  it('revalidates HTML and caches hashed assets for a year', async () => {
    expect((await get('/posts/hello/')).headers['cache-control']).toBe('no-cache');
    expect((await get('/')).headers['cache-control']).toBe('no-cache');
    expect((await get('/no/such/page')).headers['cache-control']).toBe('no-cache');
    const asset = await get('/_astro/x.abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.all.get('cache-control')).toHaveLength(1);
    // A missing asset's 404 must not be cached for a year.
    const missing = await get('/_astro/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-cache');
  });

  it("serves a post's comment pages as static JSON, cached a few seconds, and a missing one as a plain 404", async () => {
    const page = await get('/posts/hello/comments/oldest/1.json', { 'accept-encoding': 'gzip' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^application\/json/);
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(page.body.equals(onDisk('posts/hello/comments/oldest/1.json.gz'))).toBe(true);
    // The one definition one-process mode sends too (site/src/lib/comments.ts).
    expect(page.headers['cache-control']).toBe(COMMENT_PAGE_CACHE_CONTROL);
    expect(page.all.get('cache-control')).toHaveLength(1);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // Not the on-demand renderer's (there is no builder here: that would be a 502/503).
    const missing = await get('/posts/hello/comments/oldest/2.json');
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-cache');
  });

  it('serves the precompressed .gz file as it is on disk (gzip_static)', async () => {
    for (const [path, file] of [
      ['/posts/hello/', 'posts/hello/index.html'],
      ['/', 'index.html'],
      ['/_astro/x.abc123.js', '_astro/x.abc123.js'],
    ] as const) {
      const zipped = await get(path, { 'accept-encoding': 'gzip' });
      expect(zipped.status, path).toBe(200);
      expect(zipped.headers['content-encoding'], path).toBe('gzip');
      expect(zipped.headers.vary, path).toMatch(/Accept-Encoding/i);
      expect(zipped.body.equals(onDisk(`${file}.gz`)), `${path}: bytes of ${file}.gz`).toBe(true);
      expect(Number(zipped.headers['content-length']), path).toBe(onDisk(`${file}.gz`).length);
      const plain = await get(path);
      expect(plain.headers['content-encoding'], path).toBeUndefined();
      expect(plain.body.equals(onDisk(file)), `${path}: bytes of ${file}`).toBe(true);
    }
  });

  it('gzips other text on the fly', async () => {
    const feed = await get('/feed.xml', { 'accept-encoding': 'gzip' });
    expect(feed.status).toBe(200);
    expect(feed.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(feed.body).equals(onDisk('feed.xml'))).toBe(true);
  });

  it('sends the security headers on pages, errors and API answers, once each', async () => {
    for (const response of [await get('/'), await get('/no/such/page'), await get('/api/health')]) {
      const csp = response.headers['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("img-src 'self' https: data:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      for (const [name, value] of [
        ['x-content-type-options', 'nosniff'],
        ['referrer-policy', 'strict-origin-when-cross-origin'],
      ]) {
        expect(response.all.get(name ?? '')).toEqual([value]);
      }
      // HSTS only with NGINX_HSTS=on (see below); the API's own copy is hidden.
      expect(response.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('sends exactly the same security headers as one-process mode, from the one definition', async () => {
    // One-process mode over the same site and admin folders: the API also serves them.
    const config = { ...ctx.config, siteDist: siteRoot, adminDist: adminRoot };
    const single = createApp({ config, db: ctx.db, logger: createLogger('silent'), jobs: ctx.jobs });
    createOneProcess(config, createLogger('silent')).mount(single);
    const server = await new Promise<{ url: string; close(): Promise<void> }>((resolve) => {
      const running = serve({ fetch: single.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () => new Promise<void>((done) => running.close(() => done())),
        }),
      );
    });
    try {
      const names = [...SECURITY_HEADERS.map(([name]) => name.toLowerCase()), 'strict-transport-security'];
      const pick = (response: RawResponse) => Object.fromEntries(names.map((name) => [name, response.all.get(name)]));
      for (const path of [
        '/',
        '/posts/hello/',
        '/no/such/page',
        '/admin/',
        '/admin/posts/7',
        '/api/health',
        '/api/nope',
      ]) {
        const viaNginx = pick(await get(path));
        const alone = pick(await rawRequest(`${server.url}${path}`));
        expect({ path, headers: alone }).toEqual({ path, headers: viaNginx });
        expect(viaNginx['x-frame-options']).toEqual(['DENY']);
        expect(viaNginx['content-security-policy']).toEqual([CONTENT_SECURITY_POLICY]);
      }
    } finally {
      await server.close();
    }
  });

  it('proxies /api to the API, which answers with its request id (also in the JSON access log)', async () => {
    const health = await get('/api/health', { 'accept-encoding': 'gzip' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', database: 'ok' });
    const requestId = health.headers['x-request-id'];
    expect(requestId).toMatch(/^[\w-]{8,}$/);
    // The API's own Cache-Control passes through, once (nginx adds none under /api/).
    expect(health.all.get('cache-control')).toEqual(['no-cache']);
    const deadline = Date.now() + 5_000;
    let line: Record<string, unknown> | undefined;
    while (!line && Date.now() < deadline) {
      line = nginx
        .accessLog()
        .split('\n')
        .filter(Boolean)
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find((entry) => entry.request_id === requestId);
      if (!line) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(line).toMatchObject({ method: 'GET', uri: '/api/health', status: 200, remote_addr: '127.0.0.1' });
  });

  it('gives the API the client address in X-Real-IP, whatever the client claims', async () => {
    const email = `nginx-${Date.now()}@example.com`;
    const signup = await rawRequest(`${nginx.url}/api/auth/signup`, {
      method: 'POST',
      localAddress: '127.0.0.5',
      headers: { 'content-type': 'application/json', 'x-real-ip': '203.0.113.9', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ email, name: 'Behind Proxy', password: 'a-long-enough-password-42' }),
    });
    expect(signup.status, signup.text).toBe(201);
    const user = await ctx.db.models.User.findOne({ where: { email } });
    const session = await ctx.db.models.Session.findOne({ where: { userId: user?.id ?? -1 } });
    // nginx connected from 127.0.0.1; the API recorded the client's own address.
    expect(session?.ip).toBe('127.0.0.5');
  });

  it('answers its own health check without a site or an API', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.text).toBe('ok\n');
  });

  it('does not expose the builder webhook', async () => {
    for (const method of ['GET', 'POST']) {
      const hook = await rawRequest(`${nginx.url}/hooks/publish`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'POST' ? '{"event":"publish"}' : undefined,
      });
      expect(hook.status, method).toBe(404);
      expect(hook.headers['x-request-id'], 'never reaches a Node service').toBeUndefined();
    }
  });

  it('serves the admin app with a fallback to its index.html', async () => {
    for (const path of ['/admin/', '/admin/some/route', '/admin/users/42']) {
      const page = await get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).toContain('<blog-admin>');
      expect(page.headers['cache-control'], path).toBe('no-cache');
    }
    const asset = await get('/admin/assets/app.abc123.js');
    expect(asset.text).toContain('console.log("admin")');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const bare = await get('/admin');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/admin/');
  });

  it('takes an image upload over 1 MB at /api/media and serves its variants from /media/, immutable', async () => {
    const author = await ctx.factories.user({ role: 'author' });
    // Noise does not compress: a 1400 × 1000 PNG of it is ~4 MB, over nginx's 1 MB default.
    const noise = randomBytes(1400 * 1000 * 3);
    const png = await sharp(noise, { raw: { width: 1400, height: 1000, channels: 3 } })
      .png()
      .toBuffer();
    expect(png.length).toBeGreaterThan(1024 * 1024);
    const form = new FormData();
    form.append('file', new Blob([png]), 'noise.png');
    form.append('alt', 'Noise');
    const res = await fetch(`${nginx.url}/api/media`, {
      method: 'POST',
      body: form,
      headers: { cookie: await ctx.factories.sessionCookie(author) },
    });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    const media = MediaSchema.parse(JSON.parse(text));
    const avif = media.variants.find((variant) => variant.format === 'avif');
    if (!avif) throw new Error('no AVIF variant');
    const served = await get(avif.url);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/avif');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    const missing = await get(`/media/${media.key}/9999.avif`);
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-cache');
  });

  it('takes an import over 1 MB at /api/admin/import and passes its progress lines on as they come', async () => {
    const admin = await ctx.factories.user({ role: 'admin' });
    const xml = wxrOf(300);
    expect(xml.length).toBeGreaterThan(1024 * 1024);
    const form = new FormData();
    form.append('file', new Blob([xml]), 'export.xml');
    const res = await fetch(`${nginx.url}/api/admin/import`, {
      method: 'POST',
      body: form,
      headers: { cookie: await ctx.factories.sessionCookie(admin) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('x-accel-buffering'), 'nginx keeps its own header').toBeNull();
    // Read as it arrives: unbuffered, the first progress line comes long before the report.
    const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    let firstAt = 0;
    let lastAt = 0;
    const reads: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      lastAt = performance.now();
      firstAt ||= lastAt;
      text += value;
      reads.push(value.split('\n').length - 1);
    }
    // Line by line (each progress line its own read), not gathered into buffers or gzip blocks.
    expect(reads.length, `lines per read: ${reads.join(',')}`).toBeGreaterThanOrEqual(50);
    const events = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const report = events.at(-1);
    expect(report).toMatchObject({
      type: 'report',
      report: { imported: { posts: 300, comments: 1800 }, countDrift: 0 },
    });
    expect(events.filter((event) => event.type === 'progress').length).toBeGreaterThanOrEqual(50);
    expect(lastAt - firstAt, 'the progress came before the end').toBeGreaterThan(500);
  }, 120_000);

  it('refuses bodies over the limit with 413 (nginx over 1 MB, the API over MAX_BODY_BYTES)', async () => {
    const post = (bytes: number) =>
      rawRequest(`${nginx.url}/api/posts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'x', body: 'y'.repeat(bytes) }),
      });
    const huge = await post(1.5 * 1024 * 1024);
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.text)).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(huge.headers['x-request-id']).toBeUndefined();
    // The API refuses these before reading them, then reads and drops them while nginx sends
    // them (no reset under its answer, which nginx would report as 502).
    for (const extra of [1024, 64 * 1024, 512 * 1024]) {
      const large = await post(ctx.config.maxBodyBytes + extra);
      expect(large.status).toBe(413);
      expect(large.headers['x-request-id'], 'the API answered').toBeDefined();
    }
  });

  it('rate-limits /api/auth/ per client with 429 and Retry-After under a burst', async () => {
    const burst = await Promise.all(
      Array.from({ length: 60 }, () =>
        rawRequest(`${nginx.url}/api/auth/me`, { localAddress: '127.0.0.6', headers: { accept: 'application/json' } }),
      ),
    );
    const limited = burst.filter((response) => response.status === 429);
    const passed = burst.filter((response) => response.status !== 429);
    expect(limited.length).toBeGreaterThan(0);
    // burst=20 plus what the rate refills during the burst.
    expect(passed.length).toBeGreaterThanOrEqual(20);
    expect(passed.every((response) => response.status === 401)).toBe(true);
    expect(limited[0]?.headers['retry-after']).toBe('1');
    expect(JSON.parse(limited[0]?.text ?? '{}')).toMatchObject({ error: { code: 'rate_limited' } });
    // Another client, and the rest of the API, are not affected.
    expect((await rawRequest(`${nginx.url}/api/auth/me`, { localAddress: '127.0.0.7' })).status).toBe(401);
    expect((await rawRequest(`${nginx.url}/api/health`, { localAddress: '127.0.0.6' })).status).toBe(200);
  });

  it('serves a new release as soon as the builder swaps the symlink, without a reload', async () => {
    expect((await get('/')).text).toContain('Release A home');
    const next = join(dirname(siteRoot), 'live.next');
    symlinkSync('release-b', next);
    renameSync(next, siteRoot);
    try {
      const home = await get('/');
      expect(home.text).toContain('Release B home');
      expect((await get('/posts/hello/')).status).toBe(404);
    } finally {
      symlinkSync('release-a', next);
      renameSync(next, siteRoot);
    }
  });

  it('sends HSTS only when NGINX_HSTS=on', async () => {
    const secure = await startNginx({
      siteRoot,
      adminRoot: join(work, 'admin'),
      apiUpstream: '127.0.0.1:9',
      hsts: true,
    });
    try {
      const home = await rawRequest(`${secure.url}/`);
      expect(home.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await secure.stop();
    }
  });
});
