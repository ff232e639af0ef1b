import type { ImportIssue } from '@blog/contract/transfer';
import { htmlToMarkdown } from '../html-to-markdown.js';
import { type ImportedPerson, type ImportedPost, type ImportedSite, ImportFileError, parseDate } from '../shape.js';

/*
 * A Ghost 4/5 JSON export (Settings → Labs → Export): `{ db: [{ meta, data }] }`, or `{ meta, data }`
 * itself. Ghost has no categories (its primary tag stays a tag) and its images are URLs on its own
 * server, so posts come without attachments.
 */

type Row = Record<string, unknown>;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const rows = (value: unknown): Row[] =>
  Array.isArray(value)
    ? value.filter((row): row is Row => !!row && typeof row === 'object' && !Array.isArray(row))
    : [];
const order = (row: Row): number => (typeof row.sort_order === 'number' ? row.sort_order : 0);
const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const isObject = (value: unknown): value is Row => !!value && typeof value === 'object' && !Array.isArray(value);

function dataOf(parsed: unknown): Row {
  if (!isObject(parsed)) throw notGhost();
  const db = Array.isArray(parsed.db) ? parsed.db[0] : parsed;
  if (!isObject(db) || !isObject(db.data) || !Array.isArray(db.data.posts)) throw notGhost();
  return db.data;
}

const notGhost = () =>
  new ImportFileError('not_a_ghost_export', 'The file is JSON but no Ghost export: it has no db[0].data.posts.');

export function readGhost(json: string): ImportedSite {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new ImportFileError('malformed_json', `The file is not JSON (${(error as Error).message}).`);
  }
  const data = dataOf(parsed);
  const skipped: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];

  const people: ImportedPerson[] = [];
  for (const user of rows(data.users)) {
    const ref = String(user.id ?? '');
    if (!ref || people.some((person) => person.ref === ref)) continue;
    const email = str(user.email).trim().toLowerCase();
    const bio = str(user.bio);
    const createdAt = parseDate(user.created_at);
    people.push({
      ref,
      email: email || null,
      name: str(user.name).trim() || email || ref,
      role: 'author',
      ...(bio ? { bio } : {}),
      ...(createdAt ? { createdAt } : {}),
    });
  }

  const tagNames = new Map<string, string>();
  for (const tag of rows(data.tags)) {
    const name = str(tag.name).trim();
    if (name && !name.startsWith('#') && tag.visibility !== 'internal') tagNames.set(String(tag.id), name);
  }
  const tagsOf = new Map<string, Row[]>();
  for (const link of rows(data.posts_tags)) {
    const postId = String(link.post_id);
    tagsOf.set(postId, [...(tagsOf.get(postId) ?? []), link]);
  }
  const authorsOf = new Map<string, Row[]>();
  for (const link of rows(data.posts_authors)) {
    const postId = String(link.post_id);
    authorsOf.set(postId, [...(authorsOf.get(postId) ?? []), link]);
  }
  const metaOf = new Map<string, Row>();
  for (const meta of rows(data.posts_meta)) metaOf.set(String(meta.post_id), meta);

  const posts: ImportedPost[] = [];
  for (const post of rows(data.posts)) {
    const ref = String(post.id ?? '');
    const title = str(post.title);
    const named = title || ref;
    if (post.type === 'page') {
      skipped.push({ kind: 'page', ref, reason: 'page', message: `"${named}" is a page, not a post.` });
      continue;
    }
    const meta = metaOf.get(ref) ?? {};
    const publishedAt = parseDate(post.published_at);
    let status: ImportedPost['status'] =
      post.status === 'published' || post.status === 'scheduled' ? 'published' : 'draft';
    const visibility = str(post.visibility) || 'public';
    if (status === 'published' && visibility !== 'public') {
      // Members-only content made public by an import would be a leak: it comes as a draft.
      status = 'draft';
      warnings.push({
        kind: 'post',
        ref,
        reason: 'members_only',
        message: `"${named}" is for ${visibility} members only in Ghost: it is imported as a draft.`,
      });
    }
    const html = str(post.html);
    const plaintext = str(post.plaintext);
    const bodyMarkdown = html ? htmlToMarkdown(html) : plaintext ? htmlToMarkdown(escapeHtml(plaintext)) : '';

    const authorLinks = [...(authorsOf.get(ref) ?? [])].sort((a, b) => order(a) - order(b));
    const authorId = authorLinks[0]?.author_id ?? post.author_id;
    const authorRef = authorId === undefined || authorId === null ? null : String(authorId);

    const tags: string[] = [];
    for (const link of [...(tagsOf.get(ref) ?? [])].sort((a, b) => order(a) - order(b))) {
      const name = tagNames.get(String(link.tag_id));
      if (name && !tags.includes(name)) tags.push(name);
    }

    const createdAt = parseDate(post.created_at);
    const updatedAt = parseDate(post.updated_at);
    const metaDescription = str(meta.meta_description) || str(post.meta_description);
    const customExcerpt = str(post.custom_excerpt);
    posts.push({
      ref,
      title,
      subtitle: '',
      slug: str(post.slug) || null,
      bodyMarkdown,
      status,
      publishedAt: status === 'published' ? publishedAt : null,
      ...(createdAt ? { createdAt } : {}),
      ...(updatedAt ? { updatedAt } : {}),
      authorRef,
      categoryRefs: [],
      comments: [],
      tags,
      coverUrl: str(post.feature_image) || null,
      attachments: [],
      scheduledAt: post.status === 'scheduled' && status === 'published' ? publishedAt : null,
      ...(metaDescription ? { metaDescription } : {}),
      ...(customExcerpt ? { customExcerpt } : {}),
      canonicalUrl: str(post.canonical_url) || str(meta.canonical_url) || null,
      ogImageUrl: str(meta.og_image) || str(post.og_image) || null,
    });
  }

  return { people, categories: [], posts, skipped, warnings };
}
