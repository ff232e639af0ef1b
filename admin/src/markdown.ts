// A tiny Markdown parser for the editor's live preview. It produces a tree, never HTML: the
// preview element renders the tree with Lit templates, where every piece of text is a text node,
// so raw HTML in the source shows as text and nothing from the source becomes markup. Links keep
// only http(s), mailto and relative URLs (not scheme-relative ones). The API renders the published
// HTML itself (markdown-it + sanitize-html); this is only a close, safe approximation while typing.

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'image'; src: string; alt: string };

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'quote'; children: Block[] }
  | { type: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { type: 'rule' };

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** The URL if it is safe to link to (http, https, mailto or relative), else null. */
export function safeUrl(raw: string): string | null {
  // Browsers ignore ASCII whitespace and control characters inside a scheme ("java\nscript:").
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point.
  const url = raw.trim().replace(/[\u0000-\u0020\u007f]+/g, '');
  if (!url) return null;
  // Two slashes or backslashes in any mix make a scheme-relative URL, i.e. another host (browsers
  // read "\\" as "/" in http URLs); the API's sanitiser drops them from the published HTML too.
  if (/^[/\\]{2}/.test(url)) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (scheme) return SAFE_SCHEMES.has(`${scheme[1]?.toLowerCase()}:`) ? url : null;
  // A colon before any slash, ? or # would make a browser read a scheme after all.
  return /^[^/?#]*:/.test(url) ? null : url;
}

/** `[text](url "title")` starting at `start` (the `[`): its text, URL and end index. */
function linkAt(src: string, start: number): { text: string; href: string; end: number } | null {
  const close = src.indexOf(']', start + 1);
  if (close < 0 || src[close + 1] !== '(') return null;
  const end = src.indexOf(')', close + 2);
  if (end < 0) return null;
  const target = src.slice(close + 2, end).trim();
  const href = target.split(/\s+/)[0] ?? '';
  return { text: src.slice(start + 1, close), href, end: end + 1 };
}

const WORD = /[\p{L}\p{N}]/u;

/** Inline Markdown: code spans, links, images, strong and emphasis, backslash escapes. */
export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ type: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < src.length) {
    const ch = src.charAt(i);
    const next = src.charAt(i + 1);
    if (ch === '\\' && /[\\`*_[\]()#!>+.-]/.test(next)) {
      text += next;
      i += 2;
      continue;
    }
    if (ch === '`') {
      const end = src.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        out.push({ type: 'code', text: src.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '[' || (ch === '!' && next === '[')) {
      const image = ch === '!';
      const link = linkAt(src, image ? i + 1 : i);
      if (link) {
        const url = safeUrl(link.href);
        flush();
        if (image) out.push(url ? { type: 'image', src: url, alt: link.text } : { type: 'text', text: link.text });
        else if (url) out.push({ type: 'link', href: url, children: parseInline(link.text) });
        else out.push(...parseInline(link.text));
        i = link.end;
        continue;
      }
    }
    if (ch === '*' || ch === '_') {
      const wordBefore = i > 0 && WORD.test(src.charAt(i - 1));
      if (!(ch === '_' && wordBefore)) {
        const double = next === ch;
        const marker = double ? ch + ch : ch;
        const from = i + marker.length;
        const end = src.indexOf(marker, from);
        if (end > from && src.charAt(from) !== ' ' && src.charAt(end - 1) !== ' ') {
          flush();
          const children = parseInline(src.slice(from, end));
          out.push(double ? { type: 'strong', children } : { type: 'em', children });
          i = end + marker.length;
          continue;
        }
      }
    }
    text += ch;
    i += 1;
  }
  flush();
  return out;
}

const LEVELS = [1, 2, 3, 4, 5, 6] as const;
const FENCE = /^\s{0,3}(```|~~~)/;
const HEADING = /^\s{0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const ITEM = /^\s{0,3}([-*+]|(\d{1,9})[.)])\s+(.*)$/;

const startsBlock = (line: string) =>
  FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line);

/** Block Markdown: headings, paragraphs, fenced code, quotes, lists, rules. */
export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (!line.trim()) {
      i += 1;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !(lines[i] ?? '').trimStart().startsWith(fence[1] ?? '```')) {
        body.push(lines[i] ?? '');
        i += 1;
      }
      i += 1;
      blocks.push({ type: 'code', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = LEVELS[(heading[1]?.length ?? 1) - 1] ?? 1;
      blocks.push({ type: 'heading', level, children: parseInline(heading[2] ?? '') });
      i += 1;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      i += 1;
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && (lines[i] ?? '').trim()) {
        const quoted = QUOTE.exec(lines[i] ?? '');
        inner.push(quoted ? (quoted[1] ?? '') : (lines[i] ?? ''));
        i += 1;
      }
      blocks.push({ type: 'quote', children: parseMarkdown(inner.join('\n')) });
      continue;
    }
    const first = ITEM.exec(line);
    if (first) {
      const ordered = first[2] !== undefined;
      const items: string[] = [];
      while (i < lines.length) {
        const current = lines[i] ?? '';
        const item = ITEM.exec(current);
        if (item && (item[2] !== undefined) === ordered) {
          items.push(item[3] ?? '');
        } else if (current.trim() && /^\s/.test(current) && items.length > 0) {
          items[items.length - 1] += ` ${current.trim()}`;
        } else {
          break;
        }
        i += 1;
      }
      blocks.push({ type: 'list', ordered, start: ordered ? Number(first[2]) : 1, items: items.map(parseInline) });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && (lines[i] ?? '').trim() && (paragraph.length === 0 || !startsBlock(lines[i] ?? ''))) {
      paragraph.push((lines[i] ?? '').trim());
      i += 1;
    }
    blocks.push({ type: 'paragraph', children: parseInline(paragraph.join(' ')) });
  }
  return blocks;
}
