import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../api/test/app.js';
import { runAstroBuild } from '../scripts/build-site.js';
import { en } from '../src/i18n/en.js';
import { ko } from '../src/i18n/ko.js';
import { type RunningApi, serveApi } from './api-server.js';

// The site built in Korean (SITE_LOCALE=ko): the language of the pages' own words, dates and
// numbers, and <html lang>; the writers' words (titles, bodies, names) stay as written.

const PUBLIC_URL = 'https://blog.example';
let t: TestContext;
let api: RunningApi;
let out: string;

const page = (path: string) => readFile(join(out, path, path.endsWith('.xml') ? '' : 'index.html'), 'utf8');

beforeAll(async () => {
  t = await createTestContext({ PUBLIC_URL, SITE_LOCALE: 'ko', SITE_NAME: '밤의 노트' });
  const author = await t.factories.user({ role: 'author', name: '김서연' });
  const category = await t.factories.category({ name: '여행', slug: 'travel' });
  for (let i = 1; i <= 12; i++) {
    await t.factories.post(author, {
      category,
      title: `제주 올레길 ${i}코스`,
      slug: `jeju-${i}`,
      body: '바람이 많이 불었다.',
    });
  }
  api = await serveApi(t);
  out = await mkdtemp(join(tmpdir(), 'blog-site-ko-'));
  await runAstroBuild({ apiUrl: api.apiUrl, publicUrl: PUBLIC_URL, outDir: out });
}, 180_000);

afterAll(async () => {
  await api?.close();
  await t?.destroy();
  if (out) await rm(out, { recursive: true, force: true });
});

describe('the site in Korean', () => {
  it('says lang="ko-KR" and speaks Korean in the header, footer, bylines, dates and pager', async () => {
    const home = await page('');
    expect(home).toContain('<html lang="ko-KR">');
    expect(home).toContain('<meta property="og:locale" content="ko_KR">');
    for (const key of [
      'nav.home',
      'nav.about',
      'nav.topics',
      'nav.skip',
      'list.older',
      'footer.sitemap',
      'search.title',
    ] as const) {
      expect(home, key).toContain(ko[key].replace('→', ''));
      expect(home, key).not.toContain(`>${en[key]}<`);
    }
    // "김서연 · 2026년 12월 7일 · 여행", not "Posted by … on December 7, 2026 in …".
    expect(home).toMatch(
      /김서연<\/a> · <time datetime="[^"]+">\d{4}년 \d{1,2}월 \d{1,2}일<\/time> · <a href="\/categories\/travel\/">여행<\/a>/,
    );
    expect(home).toContain(`<p class="lead">${t.config.siteDescription}</p>`);
    expect(home).not.toContain('Posted by');
    expect(home).toContain('1분 분량');
    expect(await page('page/2')).toContain('2쪽 중 2쪽');
  });

  it('names the post page in Korean, and the feed says <language>ko-KR</language>', async () => {
    const post = await page('posts/jeju-3');
    expect(post).toContain('<title>제주 올레길 3코스 · 밤의 노트</title>');
    expect(post).toContain(ko['post.share']);
    expect(post).toContain(ko['post.copyLink']);
    expect(await readFile(join(out, 'rss.xml'), 'utf8')).toContain('<language>ko-KR</language>');
    expect(await readFile(join(out, '404.html'), 'utf8')).toContain(ko['notFound.title']);
  });
});
