import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { staticSite } from './static.js';

let app: Hono;
let base: string;
const PAGE = `<!doctype html><html><body>${'home '.repeat(200)}</body></html>`;

async function put(path: string, content: string, compressed = false) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  if (compressed) {
    await writeFile(`${path}.gz`, gzipSync(content));
    await writeFile(`${path}.br`, brotliCompressSync(content));
  }
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'static-'));
  const release = join(base, 'releases', 'r1');
  await put(join(release, 'index.html'), PAGE, true);
  await put(join(release, 'posts', 'hello', 'index.html'), '<html>hello post</html>');
  await put(join(release, 'posts', '한글', 'index.html'), '<html>hangul post</html>');
  await put(join(release, '404.html'), '<html>custom not found</html>');
  await put(join(release, '_astro', 'app.Ab12Cd.css'), 'body{color:red}'.repeat(40), true);
  await put(join(release, 'rss.xml'), '<rss/>');
  await put(join(release, 'favicon.svg'), '<svg/>');
  await put(join(release, '.index.html.1234.tmp'), 'half');
  await put(join(base, 'secret.txt'), 'top secret');
  await symlink('releases/r1', join(base, 'dist'));
  await put(join(base, 'admin', 'index.html'), '<html>admin app</html>');
  await put(join(base, 'admin', 'assets', 'main-x1y2.js'), 'console.log(1)');

  app = new Hono();
  app.use(
    '*',
    staticSite({ root: join(base, 'admin'), mount: '/admin/', fallback: 'spa', immutable: ['/admin/assets/'] }),
  );
  app.use(
    '*',
    staticSite({
      root: join(base, 'dist'),
      mount: '/',
      fallback: '404',
      skip: ['/api/', '/admin/'],
      immutable: ['/_astro/'],
    }),
  );
  app.all('*', (c) => c.json({ error: { code: 'not_found', message: 'api' } }, 404));
});

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

describe('static site', () => {
  it('serves pretty URLs: /posts/x/ from posts/x/index.html, /posts/x redirected to /posts/x/', async () => {
    const res = await get('/posts/hello/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toBe('<html>hello post</html>');
    const bare = await get('/posts/hello?x=1');
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/posts/hello/?x=1');
    expect(await (await get(`/posts/${encodeURIComponent('한글')}/`)).text()).toBe('<html>hangul post</html>');
  });

  it('never redirects off-site: leading slashes collapse into one (over real HTTP)', async () => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    try {
      for (const path of ['//posts/hello', '///posts/hello']) {
        const location = await new Promise<string | undefined>((resolve, reject) => {
          request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
            res.resume();
            resolve(res.headers.location);
          })
            .on('error', reject)
            .end();
        });
        expect({ path, location }).toEqual({ path, location: '/posts/hello/' });
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("answers misses with the site's 404.html and status 404", async () => {
    for (const path of ['/nope/', '/posts/missing/', '/missing.css']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('<html>custom not found</html>');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('never leaves the folder: ../, encoded traversal, NUL, backslashes and hidden files', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/posts/..%2F..%2F..%2Fsecret.txt',
      '/..%5c..%5csecret.txt',
      '/%00',
      '/index.html%00.txt',
      '/%',
      '/.index.html.1234.tmp',
    ]) {
      const res = await get(path);
      const text = await res.text();
      expect(`${path} ${res.status}`).toBe(`${path} 404`);
      expect(text).not.toContain('top secret');
      expect(text).not.toBe('half');
    }
  });

  it('sets content types by extension', async () => {
    const cases: Array<[string, string]> = [
      ['/', 'text/html; charset=utf-8'],
      ['/rss.xml', 'application/xml; charset=utf-8'],
      ['/favicon.svg', 'image/svg+xml'],
      ['/_astro/app.Ab12Cd.css', 'text/css; charset=utf-8'],
    ];
    for (const [path, type] of cases) expect((await get(path)).headers.get('content-type')).toBe(type);
  });

  it('serves the precompressed variant the client accepts, with Vary: Accept-Encoding', async () => {
    const br = await get('/', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    const gz = await get('/', { 'accept-encoding': 'gzip' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    const refusesBr = await get('/', { 'accept-encoding': 'br;q=0, gzip' });
    expect(refusesBr.headers.get('content-encoding')).toBe('gzip');
    const plain = await get('/');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toBe('Accept-Encoding');
    expect(await plain.text()).toBe(PAGE);
    // A page without siblings goes out as it is.
    expect((await get('/posts/hello/', { 'accept-encoding': 'br' })).headers.get('content-encoding')).toBeNull();
  });

  it('caches HTML briefly (revalidate) and hashed assets for a year, immutable; answers 304 to a matching ETag', async () => {
    expect((await get('/')).headers.get('cache-control')).toBe('no-cache');
    expect((await get('/_astro/app.Ab12Cd.css')).headers.get('cache-control')).toBe(
      'public, max-age=31536000, immutable',
    );
    expect((await get('/favicon.svg')).headers.get('cache-control')).toBe('public, max-age=3600');
    const first = await get('/rss.xml');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\//);
    const again = await get('/rss.xml', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    const head = await app.request('/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('leaves /api and other methods to the API', async () => {
    expect(await (await get('/api/posts')).json()).toEqual({ error: { code: 'not_found', message: 'api' } });
    expect((await app.request('/', { method: 'POST' })).status).toBe(404);
    expect(await (await app.request('/', { method: 'POST' })).json()).toMatchObject({ error: { message: 'api' } });
  });
});

describe('admin app', () => {
  it('serves /admin/ and falls back to its index.html for app routes', async () => {
    expect(await (await get('/admin/')).text()).toBe('<html>admin app</html>');
    expect((await get('/admin')).headers.get('location')).toBe('/admin/');
    const route = await get('/admin/users/42');
    expect(route.status).toBe(200);
    expect(await route.text()).toBe('<html>admin app</html>');
    expect((await get('/admin/assets/main-x1y2.js')).headers.get('cache-control')).toBe(
      'public, max-age=31536000, immutable',
    );
    expect((await get('/admin/assets/missing.js')).status).toBe(404);
    expect(await (await get('/admin/../secret.txt')).text()).not.toContain('top secret');
  });
});

describe('with an on-demand renderer (try_files … @astro)', () => {
  const asked: string[] = [];
  let withRenderer: Hono;
  let answer = 200;
  beforeAll(() => {
    withRenderer = new Hono();
    withRenderer.use(
      '*',
      staticSite({
        root: join(base, 'dist'),
        mount: '/',
        fallback: '404',
        skip: ['/api/'],
        onDemand: async (request) => {
          asked.push(new URL(request.url).pathname);
          return new Response(`rendered ${new URL(request.url).pathname}`, {
            status: answer,
            headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
          });
        },
      }),
    );
  });

  it('asks it for the pages no file holds, and only for those', async () => {
    asked.length = 0;
    const preview = await withRenderer.request('/preview/1.2.abc/');
    expect(preview.status).toBe(200);
    expect(await preview.text()).toBe('rendered /preview/1.2.abc/');
    expect(preview.headers.get('cache-control')).toBe('no-store');
    expect(await (await withRenderer.request('/posts/hello/')).text()).toBe('<html>hello post</html>');
    // Refused before any lookup: encoded traversal, hidden files, undecodable paths.
    for (const path of [
      '/posts/..%2F..%2Fsecret.txt',
      '/..%5c..%5csecret.txt',
      '/%00',
      '/.index.html.1234.tmp',
      '/%',
    ]) {
      expect((await withRenderer.request(path)).status, path).toBe(404);
    }
    expect(asked).toEqual(['/preview/1.2.abc/']);
  });

  it("sends its other answers as they are, and the site's 404.html for its 404 and when it cannot render (503)", async () => {
    answer = 410;
    const expired = await withRenderer.request('/preview/1.2.abc/');
    expect(expired.status).toBe(410);
    expect(await expired.text()).toBe('rendered /preview/1.2.abc/');
    answer = 404;
    const missing = await withRenderer.request('/no/such/page/');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('<html>custom not found</html>');
    answer = 503;
    const unavailable = await withRenderer.request('/posts/not-built-yet/');
    expect(unavailable.status).toBe(404);
    expect(await unavailable.text()).toBe('<html>custom not found</html>');
    answer = 200;
  });
});
