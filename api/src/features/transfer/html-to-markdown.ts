import { parseDocument } from 'htmlparser2';

/*
 * HTML bodies (WordPress, Ghost) to Markdown: the post then goes through the one Markdown
 * pipeline (lib/markdown.ts: raw HTML escaped, output sanitised), so nothing from the file is
 * ever rendered as markup. Elements we have no Markdown for keep their text only; script, style,
 * iframe, object and form content is dropped whole.
 */

type Node = ReturnType<typeof parseDocument>['children'][number];

const DROPPED = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'form',
  'noscript',
  'template',
  'svg',
  'head',
]);
const BLOCKS = new Set(['p', 'div', 'section', 'article', 'figure', 'header', 'footer', 'main', 'aside', 'center']);

/** Text escaped so Markdown reads it as text, not syntax. */
function escapeText(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

/** Escapes what would start a block at the beginning of a line (a heading, a list, a quote). */
function escapeLineStarts(text: string): string {
  return text.replace(/^(\s*)([#+-]|\d+[.)])(?=\s)/gm, (_all, space: string, mark: string) =>
    mark.length === 1 ? `${space}\\${mark}` : `${space}${mark.slice(0, -1)}\\${mark.slice(-1)}`,
  );
}

const safeUrl = (url: string | undefined): string | null => {
  if (!url) return null;
  const trimmed = url.trim();
  return /^(https?:|mailto:|\/|#)/i.test(trimmed) ? trimmed.replace(/[()\s<>]/g, encodeURIComponent) : null;
};

function childrenOf(node: Node): Node[] {
  return 'children' in node ? (node.children as Node[]) : [];
}

/** Elements nested deeper than this are read as their text (a hostile body nests thousands). */
const MAX_DEPTH = 48;

/** The text of a node, dropped elements left out; iterative, so no nesting can exhaust the stack. */
function textOf(root: Node): string {
  let out = '';
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.type === 'text') out += node.data;
    else if (node.type === 'tag' || node.type === 'root' || node.type === 'cdata') {
      if (node.type === 'tag' && DROPPED.has(node.name)) continue;
      const children = childrenOf(node);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Node);
    }
  }
  return out;
}

const flatText = (nodes: Node[]) => escapeText(nodes.map(textOf).join('').replace(/\s+/g, ' '));

/** Inline content: text, emphasis, links, images, code, line breaks. */
function inline(nodes: Node[], depth = 0): string {
  if (depth > MAX_DEPTH) return flatText(nodes);
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') {
      out += escapeText(node.data.replace(/\s+/g, ' '));
      continue;
    }
    if (node.type !== 'tag') continue;
    const name = node.name;
    if (DROPPED.has(name)) continue;
    const inner = () => inline(childrenOf(node), depth + 1).trim();
    if (name === 'br') out += '  \n';
    else if (name === 'strong' || name === 'b') {
      const text = inner();
      if (text) out += `**${text}**`;
    } else if (name === 'em' || name === 'i') {
      const text = inner();
      if (text) out += `*${text}*`;
    } else if (name === 'del' || name === 's' || name === 'strike') {
      const text = inner();
      if (text) out += `~~${text}~~`;
    } else if (name === 'code') {
      const text = textOf(node).replace(/`/g, 'ʼ');
      if (text) out += `\`${text}\``;
    } else if (name === 'a') {
      const text = inner();
      const href = safeUrl(node.attribs.href);
      out += href && text ? `[${text}](${href})` : text;
    } else if (name === 'img') {
      const src = safeUrl(node.attribs.src);
      if (src) out += `![${escapeText(node.attribs.alt ?? '')}](${src})`;
    } else out += inline(childrenOf(node), depth + 1);
  }
  return out;
}

/** Block content, joined by blank lines. */
function blocks(nodes: Node[], depth = 0): string[] {
  if (depth > MAX_DEPTH) {
    const text = escapeLineStarts(flatText(nodes).trim());
    return text ? [text] : [];
  }
  const out: string[] = [];
  let run: Node[] = [];
  const flush = () => {
    // Text between blocks: WordPress separates its paragraphs by blank lines, not <p>.
    const text = inline(run, depth);
    run = [];
    for (const para of text.split(/\n\s*\n/)) {
      const trimmed = escapeLineStarts(para.trim());
      if (trimmed) out.push(trimmed);
    }
  };
  for (const node of nodes) {
    if (node.type === 'text') {
      // Keep paragraph breaks in loose text (inline() collapses whitespace, so split first).
      const parts = node.data.split(/\n\s*\n/);
      parts.forEach((part, index) => {
        if (index > 0) flush();
        run.push({ ...node, data: part } as Node);
      });
      continue;
    }
    if (node.type !== 'tag') continue;
    const name = node.name;
    if (DROPPED.has(name)) continue;
    const heading = /^h([1-6])$/.exec(name);
    if (heading) {
      flush();
      const text = inline(childrenOf(node), depth + 1).trim();
      if (text) out.push(`${'#'.repeat(Math.max(2, Number(heading[1])))} ${text}`);
    } else if (BLOCKS.has(name) || name === 'body' || name === 'html') {
      flush();
      out.push(...blocks(childrenOf(node), depth + 1));
    } else if (name === 'figcaption') {
      flush();
      const text = inline(childrenOf(node), depth + 1).trim();
      if (text) out.push(`*${text}*`);
    } else if (name === 'blockquote') {
      flush();
      const inner = blocks(childrenOf(node), depth + 1).join('\n\n');
      if (inner) out.push(inner.replace(/^/gm, '> '));
    } else if (name === 'pre') {
      flush();
      const code = textOf(node).replace(/\n$/, '');
      const fence = code.includes('```') ? '~~~~' : '```';
      out.push(`${fence}\n${code}\n${fence}`);
    } else if (name === 'hr') {
      flush();
      out.push('---');
    } else if (name === 'ul' || name === 'ol') {
      flush();
      const items = childrenOf(node).filter((child) => child.type === 'tag' && child.name === 'li');
      const lines = items.map((item, index) => {
        const marker = name === 'ol' ? `${index + 1}.` : '-';
        const body = blocks(childrenOf(item), depth + 1).join('\n\n');
        return `${marker} ${body.replace(/\n/g, `\n${' '.repeat(marker.length + 1)}`)}`;
      });
      if (lines.length > 0) out.push(lines.join('\n'));
    } else if (name === 'table') {
      flush();
      const text = textOf(node).replace(/\s+/g, ' ').trim();
      if (text) out.push(escapeLineStarts(escapeText(text)));
    } else run.push(node);
  }
  flush();
  return out;
}

/** Markdown for an HTML fragment; never markup of its own (see the note above). */
export function htmlToMarkdown(html: string): string {
  const document = parseDocument(html, { decodeEntities: true });
  return blocks(document.children).join('\n\n').trim();
}

/** Plain text of an HTML fragment (titles, names that a source wrote as HTML). */
export function htmlToText(html: string): string {
  return textOf(parseDocument(html, { decodeEntities: true }))
    .replace(/\s+/g, ' ')
    .trim();
}
