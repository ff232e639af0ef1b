import type { ImportIssue } from '@blog/contract/transfer';

/*
 * The one internal shape every importer produces (WXR, Ghost, a Markdown folder, our own
 * archive) and the one writer (importer.ts) reads.  Readers never touch the
 * database; the writer checks and writes every item.
 */

/** Who wrote something: matched to a user by email, else created (no password, unverified). */
export interface ImportedPerson {
  /** The source's own key (its id or login), for references between items. */
  ref: string;
  /** Lower-cased; null when the source has none (a synthetic `.invalid` address is made). */
  email: string | null;
  name: string;
  role?: 'user' | 'author' | 'admin';
  emailVerifiedAt?: Date | null;
  bannedAt?: Date | null;
  bio?: string;
  /** Their author page's slug (our own archive only). */
  slug?: string | null;
  createdAt?: Date;
}

export interface ImportedCategory {
  ref: string;
  name: string;
  slug: string;
  description?: string;
}

export interface ImportedComment {
  ref: string;
  /** The ref of the comment it replies to; deeper threads are attached to their top-level comment. */
  parentRef: string | null;
  /** A person's ref (in `ImportedSite.people`). */
  authorRef: string;
  bodyMarkdown: string;
  status: 'visible' | 'hidden' | 'pending' | 'rejected';
  moderationReason?: string | null;
  createdAt: Date;
  editedAt?: Date | null;
  pinnedAt?: Date | null;
  /** Refs of the people who like it (our own archive only). */
  likedBy?: string[];
}

/** A file the source names as belonging to a post (WXR attachments): imported only from a local file. */
export interface ImportedAttachment {
  ref: string;
  /** The URL the source gives it. */
  url: string;
  /** The local file it was found as (next to the export), or null when none was. */
  localPath: string | null;
  title?: string;
}

export interface ImportedPost {
  /** The source's id or file name: how the report names it. */
  ref: string;
  title: string;
  subtitle: string;
  /** The source's slug (normalised by the writer; made from the title when empty). */
  slug: string | null;
  bodyMarkdown: string;
  status: 'draft' | 'published';
  publishedAt: Date | null;
  createdAt?: Date;
  updatedAt?: Date;
  /** A person's ref; null: the importing user. */
  authorRef: string | null;
  /** Category refs, in the source's order: the first becomes the post's category. */
  categoryRefs: string[];
  commentsClosed?: boolean;
  commentModeration?: 'open' | 'first' | 'all' | null;
  comments: ImportedComment[];
  /** Tag names. */
  tags: string[];
  /** The cover image: the URL of one of `attachments` (never fetched from the network). */
  coverUrl?: string | null;
  attachments: ImportedAttachment[];
  /** A publication time in the future: the post is imported `scheduled` for then. */
  scheduledAt?: Date | null;
  metaDescription?: string;
  customExcerpt?: string;
  canonicalUrl?: string | null;
  ogImageUrl?: string | null;
}

/** What an importer read from one source. */
export interface ImportedSite {
  people: ImportedPerson[];
  categories: ImportedCategory[];
  posts: ImportedPost[];
  /** What the reader already left out (pages, spam comments, unreadable files), and why. */
  skipped: ImportIssue[];
  /** What it read changed (a deep reply attached to its thread, an HTML body converted). */
  warnings: ImportIssue[];
}

/** A file's content that cannot be read at all (malformed, hostile): the whole import is refused. */
export class ImportFileError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** A Date from a source's text, or null when it is empty, zero or not a date. */
export function parseDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!text || text.startsWith('0000-00-00')) return null;
  // WordPress writes "2020-01-02 03:04:05" (the _gmt fields are UTC).
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The file names of the images the media library takes (their content is checked on upload). */
export const IMAGE_FILE = /\.(jpe?g|png|webp|avif|gif)$/i;
