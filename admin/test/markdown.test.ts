import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeUrl } from '../src/markdown.js';

describe('the preview Markdown parser', () => {
  it('parses headings, paragraphs, lists, quotes, code and rules', () => {
    const blocks = parseMarkdown(
      '# Title\n\nOne\ntwo **bold** and *em*\n\n- a\n- b\n  continued\n\n3. x\n4. y\n\n> quoted\n\n```ts\nconst a = 1 < 2;\n```\n\n---',
    );
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'paragraph', 'list', 'list', 'quote', 'code', 'rule']);
    expect(blocks[1]).toEqual({
      type: 'paragraph',
      children: [
        { type: 'text', text: 'One two ' },
        { type: 'strong', children: [{ type: 'text', text: 'bold' }] },
        { type: 'text', text: ' and ' },
        { type: 'em', children: [{ type: 'text', text: 'em' }] },
      ],
    });
    expect(blocks[2]).toMatchObject({ ordered: false, items: [[{ text: 'a' }], [{ text: 'b continued' }]] });
    expect(blocks[3]).toMatchObject({ ordered: true, start: 3 });
    expect(blocks[5]).toEqual({ type: 'code', text: 'const a = 1 < 2;' });
  });

  it('keeps raw HTML as text', () => {
    expect(parseMarkdown('<script>alert(1)</script>')).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: '<script>alert(1)</script>' }] },
    ]);
    expect(parseInline('<img src=x onerror=alert(1)>')).toEqual([
      { type: 'text', text: '<img src=x onerror=alert(1)>' },
    ]);
  });

  it('links only to http(s), mailto and relative URLs', () => {
    expect(parseInline('[ok](https://example.com/a)')).toEqual([
      { type: 'link', href: 'https://example.com/a', children: [{ type: 'text', text: 'ok' }] },
    ]);
    expect(parseInline('[x](javascript:alert(1))')[0]).toEqual({ type: 'text', text: 'x' });
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:x',
      'java\nscript:x',
      ' javascript:x',
      'data:text/html,x',
      'vbscript:x',
      'a:b',
      '//evil.example/x.png',
      '\\\\evil.example/x.png',
      '/\\evil.example/x.png',
      '\\/evil.example/x.png',
      ' //evil.example/x.png',
    ]) {
      expect(safeUrl(url), url).toBeNull();
    }
    for (const url of [
      'https://x.test/',
      'http://x.test',
      'mailto:a@b.test',
      '/posts/a/',
      '#top',
      'page?a=b:c',
      '../up',
    ]) {
      expect(safeUrl(url), url).toBe(url);
    }
    expect(parseInline('![alt](javascript:x)')).toEqual([{ type: 'text', text: 'alt' }]);
    expect(parseInline('![pixel](//evil.example/p.png)')).toEqual([{ type: 'text', text: 'pixel' }]);
  });

  it('leaves snake_case words and unmatched markers alone', () => {
    expect(parseInline('snake_case_name and 2 * 3')).toEqual([{ type: 'text', text: 'snake_case_name and 2 * 3' }]);
    expect(parseInline('\\*not em\\*')).toEqual([{ type: 'text', text: '*not em*' }]);
  });
});
