import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ImportIssue } from '@blog/contract/transfer';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { htmlToMarkdown, htmlToText } from '../html-to-markdown.js';
import {
  type ImportedAttachment,
  type ImportedCategory,
  type ImportedComment,
  type ImportedPerson,
  type ImportedPost,
  type ImportedSite,
  ImportFileError,
  parseDate,
} from '../shape.js';

/*
 * A WordPress export (WXR 1.1 / 1.2): people, categories, posts with their comments, tags and
 * attachments. Nothing is fetched: an attachment is only ever a file found under
 * `attachmentsDir` (the export's uploads folder), never outside it.
 *
 * Safety: a document with a DOCTYPE or an ENTITY declaration outside CDATA is refused before it
 * is parsed (WordPress never writes one; this closes XXE and entity expansion bombs), and the parser
 * expands no entities: only the five XML ones and numeric references are decoded here, in text
 * outside CDATA (CDATA is kept literally).
 */

type XmlNode = string | number | boolean | null | undefined | XmlObject | XmlNode[];
interface XmlObject {
  [key: string]: XmlNode;
}

const ARRAYS = new Set(['item', 'category', 'wp:author', 'wp:category', 'wp:tag', 'wp:comment', 'wp:postmeta']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  commentPropName: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ARRAYS.has(name),
});

/** WordPress's own types that are no content of their own: left out without a word. */
const INTERNAL_TYPES = new Set([
  'nav_menu_item',
  'revision',
  'custom_css',
  'customize_changeset',
  'oembed_cache',
  'user_request',
]);

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The five XML entities and numeric character references; anything else is left as written. */
export function decodeXmlEntities(text: string): string {
  return text.replace(
    /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g,
    (all, dec: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (name) return NAMED_ENTITIES[name] ?? all;
      const code = dec ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : all;
    },
  );
}

/** An element's text: its text decoded, its CDATA as is. */
function text(node: XmlNode): string {
  if (node === null || node === undefined) return '';
  if (typeof node === 'string') return decodeXmlEntities(node);
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return node.map(text).join('');
  const cdata = node['#cdata'];
  const plain = text(node['#text']);
  if (cdata === undefined) return plain;
  const literal = Array.isArray(cdata) ? cdata.map((part) => String(part ?? '')).join('') : String(cdata ?? '');
  // Whitespace around a CDATA section is the file's layout, not content.
  return plain.trim() ? plain + literal : literal;
}

function attr(node: XmlNode, name: string): string {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return '';
  return text(node[`@_${name}`]);
}

function list(node: XmlNode): XmlObject[] {
  const items = Array.isArray(node) ? node : node === undefined || node === null ? [] : [node];
  return items.filter((item): item is XmlObject => !!item && typeof item === 'object' && !Array.isArray(item));
}

const field = (node: XmlObject, name: string): string => text(node[name]).trim();

const BLOCK_TAG = /<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|section|article|hr|dl)[\s>/]/i;

/** WordPress's wpautop, simply: a body without block tags has its blank-line-separated paragraphs wrapped in <p>. */
export function autop(html: string): string {
  if (BLOCK_TAG.test(html)) return html;
  return html
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((para) => para.trim())
    .filter((para) => para.length > 0)
    .map((para) => `<p>${para}</p>`)
    .join('\n');
}

const bodyOf = (html: string): string => htmlToMarkdown(autop(html));

/** The file an upload URL names under `dir`, or null when there is none inside it. */
export function findUpload(dir: string | undefined, url: string): string | null {
  if (!dir) return null;
  let pathname = url;
  try {
    pathname = new URL(url).pathname;
  } catch {
    // Not an absolute URL: read it as a path.
  }
  try {
    pathname = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const root = path.resolve(dir);
  const marker = '/wp-content/uploads/';
  const at = pathname.indexOf(marker);
  const candidates = [at >= 0 ? pathname.slice(at + marker.length) : null, path.posix.basename(pathname)];
  for (const relative of candidates) {
    if (!relative) continue;
    const resolved = inside(root, path.resolve(root, relative));
    if (resolved) return resolved;
  }
  return null;
}

/** `file` when it is an existing regular file inside `root` (symbolic links followed), else null. */
function inside(root: string, file: string): string | null {
  const within = (base: string, target: string) => {
    const relative = path.relative(base, target);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  };
  if (!within(root, file) || !existsSync(file)) return null;
  try {
    if (!within(realpathSync(root), realpathSync(file)) || !statSync(file).isFile()) return null;
  } catch {
    return null;
  }
  return file;
}

function slugOf(nicename: string): string {
  try {
    return decodeURIComponent(nicename);
  } catch {
    return nicename;
  }
}

interface Attachment {
  ref: string;
  url: string;
  title: string;
  parent: string;
}

export function readWxr(xml: string, options: { attachmentsDir?: string } = {}): ImportedSite {
  // Outside CDATA only: a post may well show `<!DOCTYPE html>` in a code sample.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''))) {
    throw new ImportFileError(
      'xml_entities',
      'The file declares a DOCTYPE or entities, which a WordPress export never does.',
    );
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new ImportFileError(
      'malformed_xml',
      `The file is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}).`,
    );
  }
  let document: XmlObject;
  try {
    document = parser.parse(xml) as XmlObject;
  } catch (error) {
    throw new ImportFileError('malformed_xml', `The file is not well-formed XML (${(error as Error).message}).`);
  }
  const rss = list(document.rss)[0];
  const channel = rss ? list(rss.channel)[0] : undefined;
  if (!channel)
    throw new ImportFileError('malformed_xml', 'The file is no WordPress export: it has no <rss><channel>.');

  const people = new Map<string, ImportedPerson>();
  const addPerson = (person: ImportedPerson) => {
    if (!people.has(person.ref)) people.set(person.ref, person);
  };
  const categories = new Map<string, ImportedCategory>();
  const skipped: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];

  for (const author of list(channel['wp:author'])) {
    const login = field(author, 'wp:author_login');
    if (!login) continue;
    const email = field(author, 'wp:author_email').toLowerCase();
    addPerson({
      ref: login,
      email: email || null,
      name: field(author, 'wp:author_display_name') || login,
      role: 'author',
    });
  }

  for (const category of list(channel['wp:category'])) {
    const nicename = field(category, 'wp:category_nicename');
    if (!nicename || categories.has(nicename)) continue;
    const description = field(category, 'wp:category_description');
    categories.set(nicename, {
      ref: nicename,
      name: field(category, 'wp:cat_name') || slugOf(nicename),
      slug: slugOf(nicename),
      ...(description ? { description } : {}),
    });
  }

  const items = list(channel.item);
  const attachments = new Map<string, Attachment>();
  for (const item of items) {
    if (field(item, 'wp:post_type') !== 'attachment') continue;
    const ref = field(item, 'wp:post_id');
    const url = field(item, 'wp:attachment_url') || field(item, 'guid');
    if (!ref || !url) continue;
    attachments.set(ref, { ref, url, title: field(item, 'title'), parent: field(item, 'wp:post_parent') });
  }
  const toImported = (attachment: Attachment): ImportedAttachment => ({
    ref: attachment.ref,
    url: attachment.url,
    localPath: findUpload(options.attachmentsDir, attachment.url),
    ...(attachment.title ? { title: attachment.title } : {}),
  });

  const byParent = new Map<string, Attachment[]>();
  for (const attachment of attachments.values()) {
    byParent.set(attachment.parent, [...(byParent.get(attachment.parent) ?? []), attachment]);
  }

  const posts: ImportedPost[] = [];
  for (const item of items) {
    const ref = field(item, 'wp:post_id');
    const type = field(item, 'wp:post_type') || 'post';
    const title = field(item, 'title');
    const named = title || ref;
    if (type === 'attachment' || INTERNAL_TYPES.has(type) || type.startsWith('wp_')) continue;
    if (type === 'page') {
      skipped.push({ kind: 'page', ref, reason: 'page', message: `"${named}" is a page, not a post.` });
      continue;
    }
    if (type !== 'post') {
      skipped.push({
        kind: 'post',
        ref,
        reason: 'unsupported_type',
        message: `"${named}" is of type "${type}", which is not imported.`,
      });
      continue;
    }
    const wpStatus = field(item, 'wp:status');
    if (wpStatus === 'trash') {
      skipped.push({ kind: 'post', ref, reason: 'trashed', message: `"${named}" is in the trash.` });
      continue;
    }
    const published = wpStatus === 'publish' || wpStatus === 'future';
    const date = parseDate(field(item, 'wp:post_date_gmt')) ?? parseDate(field(item, 'wp:post_date'));

    const meta = new Map<string, string>();
    for (const entry of list(item['wp:postmeta'])) meta.set(field(entry, 'wp:meta_key'), field(entry, 'wp:meta_value'));

    const own = [...(byParent.get(ref) ?? [])];
    const thumbnail = attachments.get(meta.get('_thumbnail_id') ?? '');
    if (thumbnail && !own.includes(thumbnail)) own.push(thumbnail);

    const categoryRefs: string[] = [];
    const tags: string[] = [];
    for (const category of list(item.category)) {
      const domain = attr(category, 'domain');
      const name = text(category).trim();
      if (domain === 'category') {
        const nicename = attr(category, 'nicename') || name;
        if (!nicename || categoryRefs.includes(nicename)) continue;
        categoryRefs.push(nicename);
        if (!categories.has(nicename)) categories.set(nicename, { ref: nicename, name, slug: slugOf(nicename) });
      } else if (domain === 'post_tag' && name && !tags.includes(name)) tags.push(name);
    }

    const authorRef = field(item, 'dc:creator') || null;
    if (authorRef) addPerson({ ref: authorRef, email: null, name: authorRef, role: 'author' });

    const comments: ImportedComment[] = [];
    for (const comment of list(item['wp:comment'])) {
      const commentRef = field(comment, 'wp:comment_id');
      const kind = field(comment, 'wp:comment_type');
      if (kind === 'pingback' || kind === 'trackback') {
        skipped.push({ kind: 'comment', ref: commentRef, reason: 'pingback', message: `A ${kind} on "${named}".` });
        continue;
      }
      const approved = field(comment, 'wp:comment_approved');
      if (approved === 'spam') {
        skipped.push({ kind: 'comment', ref: commentRef, reason: 'spam', message: `A spam comment on "${named}".` });
        continue;
      }
      if (approved === 'trash' || approved === 'post-trashed') {
        skipped.push({
          kind: 'comment',
          ref: commentRef,
          reason: 'trashed',
          message: `A trashed comment on "${named}".`,
        });
        continue;
      }
      const email = field(comment, 'wp:comment_author_email').toLowerCase();
      const name = field(comment, 'wp:comment_author') || email || 'Anonymous';
      const personRef = email ? `comment:${email}` : `comment-anon:${name}`;
      addPerson({ ref: personRef, email: email || null, name, role: 'user' });
      const parent = field(comment, 'wp:comment_parent');
      comments.push({
        ref: commentRef,
        parentRef: parent && parent !== '0' ? parent : null,
        authorRef: personRef,
        bodyMarkdown: bodyOf(text(comment['wp:comment_content'])),
        status: approved === '1' ? 'visible' : 'pending',
        createdAt:
          parseDate(field(comment, 'wp:comment_date_gmt')) ??
          parseDate(field(comment, 'wp:comment_date')) ??
          date ??
          new Date(0),
      });
    }

    const excerpt = htmlToText(text(item['excerpt:encoded']));
    const slug = field(item, 'wp:post_name');
    posts.push({
      ref,
      title,
      subtitle: '',
      slug: slug ? slugOf(slug) : null,
      bodyMarkdown: bodyOf(text(item['content:encoded'])),
      status: published ? 'published' : 'draft',
      publishedAt: published ? date : null,
      ...(date ? { createdAt: date } : {}),
      authorRef,
      categoryRefs,
      commentsClosed: field(item, 'wp:comment_status') === 'closed',
      comments,
      tags,
      coverUrl: thumbnail?.url ?? null,
      attachments: own.map(toImported),
      scheduledAt: wpStatus === 'future' ? date : null,
      ...(excerpt ? { customExcerpt: excerpt } : {}),
    });
  }

  return { people: [...people.values()], categories: [...categories.values()], posts, skipped, warnings };
}
