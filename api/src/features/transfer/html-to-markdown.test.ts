import { describe, expect, it } from 'vitest';
import { renderPostMarkdown } from '../../lib/markdown.js';
import { htmlToMarkdown, htmlToText } from './html-to-markdown.js';

// WordPress and Ghost bodies to Markdown: structure kept, markup never, and no body so nested
// that converting it exhausts the stack.

describe('htmlToMarkdown', () => {
  it('keeps headings, emphasis, links, images, lists, quotes and code', () => {
    const markdown = htmlToMarkdown(
      '<h2>Title</h2><p>Some <strong>bold</strong>, <em>soft</em> and <a href="https://example.com/a">a link</a>.</p>' +
        '<ul><li>one</li><li>two</li></ul><blockquote><p>Quoted</p></blockquote>' +
        '<pre><code>const x = 1 &lt; 2;</code></pre><p><img src="/media/abc/480.jpg" alt="A cat"></p>',
    );
    expect(markdown).toBe(
      [
        '## Title',
        'Some **bold**, *soft* and [a link](https://example.com/a).',
        '- one\n- two',
        '> Quoted',
        '```\nconst x = 1 < 2;\n```',
        '![A cat](/media/abc/480.jpg)',
      ].join('\n\n'),
    );
  });

  it('drops scripts, styles, frames, forms, handlers and unsafe links, and escapes Markdown in text', () => {
    const markdown = htmlToMarkdown(
      '<p onclick="alert(1)">Hi <script>alert(1)</script><style>p{}</style><iframe src="https://x"></iframe>' +
        '<a href="javascript:alert(1)">click</a> <img src="x" onerror="alert(1)"> *not emphasis* [not](a link)</p>' +
        '<form><input name="q"></form>',
    );
    expect(markdown).not.toMatch(/alert|script|iframe|javascript|onerror|onclick|<input/i);
    expect(markdown).toContain('click');
    expect(markdown).toContain('\\*not emphasis\\*');
    // And what the site renders from it has no markup of the file's.
    const html = renderPostMarkdown(markdown);
    expect(html).not.toMatch(/<script|<iframe|<form|on\w+=|javascript:/i);
  });

  it('reads a body nested ten thousand levels deep as its text, without exhausting the stack', () => {
    for (const tag of ['div', 'blockquote', 'em', 'span']) {
      const markdown = htmlToMarkdown(`${`<${tag}>`.repeat(10_000)}deep text${`</${tag}>`.repeat(10_000)}`);
      expect(markdown, tag).toContain('deep text');
    }
    expect(htmlToText(`${'<b>'.repeat(100_000)}inner`)).toBe('inner');
  });
});
