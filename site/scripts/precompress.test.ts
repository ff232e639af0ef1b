import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { brotliQuality, MIN_BYTES, precompressDirectory, precompressFile } from './precompress';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'blog-precompress-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const page = (words: number) => `<!doctype html><p>${'static pages are fast '.repeat(words)}</p>\n`;

async function expectSiblings(file: string) {
  const original = await readFile(file);
  expect(gunzipSync(await readFile(`${file}.gz`)).equals(original), `${file}.gz`).toBe(true);
  expect(brotliDecompressSync(await readFile(`${file}.br`)).equals(original), `${file}.br`).toBe(true);
}

describe('precompressDirectory', () => {
  it('writes .gz and .br beside every text file big enough, and nothing else', async () => {
    await mkdir(join(dir, 'posts', 'hello'), { recursive: true });
    await mkdir(join(dir, '_astro'));
    const big = ['index.html', 'posts/hello/index.html', '_astro/app.js', '_astro/site.css', 'rss.xml', 'data.json'];
    for (const name of big) await writeFile(join(dir, name), page(40));
    await writeFile(join(dir, 'favicon.svg'), '<svg/>');
    await writeFile(join(dir, 'robots.txt'), 'x'.repeat(MIN_BYTES - 1));
    await writeFile(join(dir, 'photo.png'), Buffer.alloc(4096, 7));

    const result = await precompressDirectory(dir, { concurrency: 3 });
    expect(result.files).toBe(big.length);
    expect(result.gzipBytes).toBeLessThan(result.bytes);
    expect(result.brotliBytes).toBeLessThan(result.gzipBytes);
    for (const name of big) await expectSiblings(join(dir, name));
    for (const name of ['favicon.svg', 'robots.txt', 'photo.png']) {
      expect(existsSync(join(dir, `${name}.gz`)), name).toBe(false);
      expect(existsSync(join(dir, `${name}.br`)), name).toBe(false);
    }
    // No temporary files left behind, and compressed files are not compressed again.
    const all = await readdir(dir, { recursive: true });
    expect(all.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(all.filter((name) => name.endsWith('.gz.gz') || name.endsWith('.br.gz'))).toEqual([]);
  });

  it('handles an empty folder', async () => {
    expect(await precompressDirectory(dir)).toEqual({ files: 0, reused: 0, bytes: 0, gzipBytes: 0, brotliBytes: 0 });
  });

  it('reuses the siblings of unchanged files from an earlier build, and compresses changed ones', async () => {
    const before = join(dir, 'before');
    const after = join(dir, 'after');
    for (const root of [before, after]) await mkdir(join(root, 'posts'), { recursive: true });
    await writeFile(join(before, 'index.html'), page(40));
    await writeFile(join(before, 'posts', 'same.html'), page(50));
    await precompressDirectory(before);
    await writeFile(join(after, 'index.html'), page(45));
    await writeFile(join(after, 'posts', 'same.html'), page(50));
    await writeFile(join(after, 'posts', 'new.html'), page(55));

    const result = await precompressDirectory(after, { reuseFrom: before });
    expect(result).toMatchObject({ files: 3, reused: 1 });
    for (const name of ['index.html', 'posts/same.html', 'posts/new.html']) await expectSiblings(join(after, name));
    // A changed file never keeps the old siblings.
    expect(gunzipSync(await readFile(join(after, 'index.html.gz'))).toString()).toBe(page(45));
  });
});

describe('precompressFile', () => {
  it('compresses one file and replaces stale siblings', async () => {
    const file = join(dir, 'index.html');
    await writeFile(file, page(30));
    await precompressFile(file);
    await writeFile(file, page(60));
    const result = await precompressFile(file);
    expect(result).toMatchObject({ files: 1, bytes: page(60).length });
    await expectSiblings(file);
  });

  it('skips small files and other types', async () => {
    await writeFile(join(dir, 'small.html'), '<p>hi</p>');
    await writeFile(join(dir, 'font.woff2'), Buffer.alloc(2048, 1));
    expect(await precompressFile(join(dir, 'small.html'))).toBeNull();
    expect(await precompressFile(join(dir, 'font.woff2'))).toBeNull();
  });
});

describe('brotliQuality', () => {
  it('compresses pages at 10 (many, new every build) and hashed assets at 11 (once, then reused)', () => {
    for (const page of ['index.html', 'posts/hello/index.html', 'rss.xml', 'sitemap.xml'])
      expect(brotliQuality(page)).toBe(10);
    for (const asset of ['_astro/app.abc123.js', '_astro/site.abc123.css', 'favicon.svg', 'data.json'])
      expect(brotliQuality(asset)).toBe(11);
  });
});
