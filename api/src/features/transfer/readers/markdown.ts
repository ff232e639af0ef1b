import path from 'node:path';
import type { ImportIssue } from '@blog/contract/transfer';
import { parseDocument } from 'yaml';
import { slugify } from '../../../lib/slug.js';
import {
  type ImportedCategory,
  type ImportedPerson,
  type ImportedPost,
  type ImportedSite,
  parseDate,
} from '../shape.js';

/*
 * A folder of Markdown files with YAML front matter, as Astro, Hugo and Jekyll blogs keep them.
 * The body is taken as written (it is Markdown already); the front matter's usual keys are read,
 * the others ignored. A file that cannot be read is skipped, never the whole folder.
 */

const MARKDOWN = /\.(?:md|markdown|mdx)$/i;
const YAML_FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
const JEKYLL_NAME = /^(\d{4}-\d{2}-\d{2})-(.+)$/;

type FrontMatter = Record<string, unknown>;

const first = (front: FrontMatter, keys: string[]): unknown => {
  for (const key of keys) if (front[key] !== undefined && front[key] !== null) return front[key];
  return undefined;
};
const str = (value: unknown): string =>
  typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';

/** A list from YAML: a sequence, or a comma-separated string. */
function names(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(str) : typeof value === 'string' ? value.split(',') : [];
  const out: string[] = [];
  for (const item of items) {
    const name = item.trim();
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

type Parsed = { front: FrontMatter; body: string } | { reason: string; message: string };

function split(content: string): Parsed {
  const text = content.replace(/^\uFEFF/, '');
  if (/^\+\+\+[ \t]*\r?\n/.test(text)) {
    return { reason: 'toml_front_matter', message: 'TOML front matter (+++) is not read; convert it to YAML (---).' };
  }
  const match = YAML_FRONT_MATTER.exec(text);
  if (!match) return { front: {}, body: text };
  const document = parseDocument(match[1] ?? '', { prettyErrors: false });
  if (document.errors.length > 0) {
    return {
      reason: 'bad_front_matter',
      message: `The front matter is not valid YAML (${document.errors[0]?.message}).`,
    };
  }
  let front: unknown;
  try {
    front = document.toJS({ maxAliasCount: 50 });
  } catch (error) {
    return { reason: 'bad_front_matter', message: `The front matter cannot be read (${(error as Error).message}).` };
  }
  if (front === null || front === undefined) front = {};
  if (typeof front !== 'object' || Array.isArray(front)) {
    return { reason: 'bad_front_matter', message: 'The front matter is not a set of keys and values.' };
  }
  return { front: front as FrontMatter, body: text.slice(match[0].length) };
}

export function readMarkdownFolder(files: { path: string; content: string }[]): ImportedSite {
  const people = new Map<string, ImportedPerson>();
  const categories = new Map<string, ImportedCategory>();
  const posts: ImportedPost[] = [];
  const skipped: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];

  for (const file of files) {
    const ref = file.path.replace(/\\/g, '/');
    if (!MARKDOWN.test(ref)) continue;
    const parsed = split(file.content);
    if ('reason' in parsed) {
      skipped.push({ kind: 'file', ref, ...parsed });
      continue;
    }
    const { front, body } = parsed;
    const title = str(front.title);
    if (!title) {
      skipped.push({ kind: 'file', ref, reason: 'missing_title', message: 'The front matter has no title.' });
      continue;
    }

    const base = path.posix.basename(ref).replace(MARKDOWN, '');
    const jekyll = JEKYLL_NAME.exec(base);
    const folder = path.posix.basename(path.posix.dirname(ref));
    const nameSlug =
      base === 'index' ? (folder && folder !== '.' ? folder : null) : jekyll ? (jekyll[2] ?? null) : base || null;
    const slug = str(front.slug) || nameSlug;

    const published = front.published;
    const publishedAt =
      parseDate(first(front, ['date', 'pubDate', 'publishDate'])) ??
      (typeof published === 'boolean' ? null : parseDate(published)) ??
      (jekyll ? parseDate(jekyll[1]) : null);
    const updatedAt = parseDate(first(front, ['updated', 'updatedDate', 'lastmod', 'modified']));
    const createdAt = parseDate(front.created) ?? publishedAt;
    const publishAt = parseDate(front.publishAt);
    const status = str(front.status).toLowerCase();
    const draft = front.draft === true || status === 'draft' || published === false;
    const scheduledAt = !draft && publishAt ? publishAt : null;

    const categoryRefs: string[] = [];
    for (const name of [...names(front.categories), ...names(front.category)]) {
      const categoryRef = name.toLowerCase();
      if (categoryRefs.includes(categoryRef)) continue;
      categoryRefs.push(categoryRef);
      if (!categories.has(categoryRef)) categories.set(categoryRef, { ref: categoryRef, name, slug: slugify(name) });
    }

    let authorRef: string | null = null;
    const author = str(front.author);
    if (author) {
      // "Name <email>" (as the export writes it), an email, or a name.
      const named = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(author);
      const email = named ? (named[2] ?? '') : author.includes('@') ? author : null;
      authorRef = (email ?? author).toLowerCase();
      if (!people.has(authorRef)) {
        people.set(authorRef, {
          ref: authorRef,
          email: email ? email.toLowerCase() : null,
          name: named?.[1]?.trim() || (email ? (email.split('@')[0] ?? email) : author),
          role: 'author',
        });
      }
    }

    if (/\.mdx$/i.test(ref) && /^(?:import|export)\s/m.test(body)) {
      warnings.push({
        kind: 'file',
        ref,
        reason: 'mdx_components',
        message: 'MDX imports and components are kept as text: check the post after the import.',
      });
    }

    const metaDescription = str(front.description);
    const customExcerpt = str(first(front, ['excerpt', 'summary']));
    const canonicalUrl = str(first(front, ['canonical', 'canonicalURL', 'canonical_url']));
    const ogImageUrl = str(first(front, ['ogImage', 'og_image']));
    posts.push({
      ref,
      title,
      subtitle: str(front.subtitle),
      slug,
      bodyMarkdown: body.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd(),
      status: draft ? 'draft' : 'published',
      publishedAt: draft ? null : (publishedAt ?? scheduledAt),
      ...(createdAt ? { createdAt } : {}),
      ...(updatedAt ? { updatedAt } : {}),
      authorRef,
      categoryRefs,
      ...(typeof front.commentsClosed === 'boolean' ? { commentsClosed: front.commentsClosed } : {}),
      ...(front.commentModeration === 'open' || front.commentModeration === 'first' || front.commentModeration === 'all'
        ? { commentModeration: front.commentModeration }
        : {}),
      comments: [],
      tags: names(front.tags),
      attachments: [],
      scheduledAt,
      ...(metaDescription ? { metaDescription } : {}),
      ...(customExcerpt ? { customExcerpt } : {}),
      canonicalUrl: canonicalUrl || null,
      ogImageUrl: ogImageUrl || null,
    });
  }

  return { people: [...people.values()], categories: [...categories.values()], posts, skipped, warnings };
}
