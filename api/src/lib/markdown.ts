import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

// Raw HTML in Markdown is escaped by markdown-it (html: false); the sanitiser is
// the second wall, so a future option or plugin cannot let markup through.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: true });

/** The tags a post body may keep (comments: COMMENT_TAGS). */
export const POST_TAGS = [
  'p',
  'br',
  'hr',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'code',
  'em',
  'strong',
  'del',
  's',
  'ul',
  'ol',
  'li',
  'a',
  'img',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];
export const COMMENT_TAGS = ['p', 'br', 'blockquote', 'pre', 'code', 'em', 'strong', 'del', 's', 'ul', 'ol', 'li', 'a'];

function sanitize(html: string, allowedTags: string[], ugc: boolean): string {
  return sanitizeHtml(html, {
    allowedTags,
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title'],
      th: ['align'],
      td: ['align'],
      code: ['class'],
    },
    allowedClasses: { code: [/^language-[\w-]+$/] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    transformTags: {
      // Headings in a post body sit under the page's own h1.
      h1: 'h2',
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, rel: ugc ? 'nofollow ugc noopener' : 'noopener' },
      }),
    },
  });
}

/** Post bodies: Markdown to sanitised HTML (headings, images, tables allowed). */
export function renderPostMarkdown(source: string): string {
  return sanitize(markdown.render(source), POST_TAGS, false);
}

/** Comment bodies: a smaller tag set, links marked nofollow ugc. */
export function renderCommentMarkdown(source: string): string {
  return sanitize(markdown.render(source), COMMENT_TAGS, true);
}

/** A post's HTML and excerpt from one Markdown render. */
export function renderPost(source: string): { html: string; excerpt: string } {
  const rendered = markdown.render(source);
  return { html: sanitize(rendered, POST_TAGS, false), excerpt: excerptOfHtml(rendered) };
}

/** This module's own URL: the render worker (markdown-worker.ts) imports it, as source or as compiled JS. */
export const MARKDOWN_MODULE_URL = import.meta.url;

/** A plain-text preview of Markdown, at most `max` characters, cut at a word. */
export function excerptOf(source: string, max = 280): string {
  return excerptOfHtml(markdown.render(source), max);
}

function excerptOfHtml(html: string, max = 280): string {
  const text = sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
