import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@blog/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../api/test/app.js';
import { createOneProcess } from './one-process.js';

describe('one-process mode before its first build', () => {
  let t: TestContext;
  const dir = mkdtempSync(join(tmpdir(), 'one-process-'));
  const siteDist = join(dir, 'site');
  const adminDist = join(dir, 'admin');
  beforeAll(async () => {
    t = await createTestContext();
    createOneProcess({ ...t.config, siteDist, adminDist }, createLogger('silent')).mount(t.app);
  });
  afterAll(async () => {
    await t?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers pages with a self-reloading "building" page (503, Retry-After), the API as usual', async () => {
    for (const [path, what] of [
      ['/', 'your blog'],
      ['/posts/hello/', 'your blog'],
      ['/admin/', 'the admin app'],
    ] as const) {
      const res = await t.request('GET', path);
      expect({ path, status: res.status, retry: res.headers.get('retry-after') }).toEqual({
        path,
        status: 503,
        retry: '2',
      });
      const html = await res.text();
      expect(html).toContain(`Building ${what}`);
      expect(html).toContain('http-equiv="refresh"');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
    expect((await t.request('GET', '/api/health')).status).toBe(200);
    expect((await t.request('GET', '/api/nope')).status).toBe(404);
  });

  it('serves uploaded images from MEDIA_DIR, immutable, even before the first build', async () => {
    const key = '0123456789abcdef';
    mkdirSync(join(t.config.media.dir, key), { recursive: true });
    writeFileSync(join(t.config.media.dir, key, '480.webp'), 'RIFF....WEBP');
    const res = await t.request('GET', `/media/${key}/480.webp`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await t.request('GET', `/media/${key}/960.webp`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves the site once it is built', async () => {
    mkdirSync(siteDist, { recursive: true });
    writeFileSync(join(siteDist, 'index.html'), '<!doctype html><title>Home</title>');
    const res = await t.request('GET', '/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Home</title>');
    expect((await t.request('GET', '/admin/')).status).toBe(503);
  });
});
