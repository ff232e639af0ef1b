import { describe, expect, it } from 'vitest';
import { excerptOf, renderCommentMarkdown, renderPostMarkdown } from './markdown.js';
import { slugify, uniqueSlug } from './slug.js';

describe('renderPostMarkdown', () => {
  it('renders Markdown and demotes h1 under the page title', () => {
    const html = renderPostMarkdown('# Title\n\nSome *text* and a [link](https://example.com).\n\n```ts\nx\n```');
    expect(html).toContain('<h2>Title</h2>');
    expect(html).toContain('<em>text</em>');
    expect(html).toContain('<a href="https://example.com" rel="noopener">link</a>');
    expect(html).toContain('<code class="language-ts">');
  });

  // Inert: no script element, no event-handler attribute, no script-capable URL in an attribute.
  const live = /<script|<svg|<iframe|<[a-z][^>]*\son\w+\s*=|(href|src)\s*=\s*["']?\s*(javascript|data|vbscript):/i;
  it.each([
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[x](javascript:alert(1))',
    '![x](javascript:alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    '[x](data:text/html;base64,PHNjcmlwdD4=)',
    '[x](JaVaScRiPt:alert(1))',
    '[x](&#106;avascript:alert(1))',
    '<svg onload=alert(1)>',
    '<iframe src="https://evil.example"></iframe>',
  ])('leaves %s inert', (source) => {
    expect(renderPostMarkdown(source)).not.toMatch(live);
    expect(renderCommentMarkdown(source)).not.toMatch(live);
  });
});

describe('renderCommentMarkdown', () => {
  it('allows a small tag set and marks links as user content', () => {
    const html = renderCommentMarkdown('## big\n\n**bold** https://example.com ![i](https://e.x/i.png)');
    expect(html).not.toContain('<h2');
    expect(html).not.toContain('<img');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('rel="nofollow ugc noopener"');
  });
});

describe('excerptOf', () => {
  it('gives plain text cut at a word', () => {
    expect(excerptOf('Hello **big** <b>world</b> & friends')).toBe('Hello big <b>world</b> & friends');
    const long = excerptOf('word '.repeat(200), 50);
    expect(long.length).toBeLessThanOrEqual(50);
    expect(long.endsWith('word…')).toBe(true);
  });
});

describe('slugify', () => {
  it.each([
    ['Hello, World!', 'hello-world'],
    ['  Ünïcödé  café ', 'unicode-cafe'],
    ['김치찌개 만들기', '김치찌개-만들기'],
    ['2026', 'n-2026'],
    ['!!!', 'post'],
  ])('%s → %s', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('finds the first free suffix', async () => {
    const taken = new Set(['a', 'a-2']);
    expect(await uniqueSlug('a', async (s) => taken.has(s))).toBe('a-3');
    expect(await uniqueSlug('b', async (s) => taken.has(s))).toBe('b');
  });
});
