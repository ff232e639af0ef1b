import { z } from 'zod';
import { isoDate } from './common.js';
import { CommentModerationSchema, PostStatusSchema } from './posts.js';

/*
 * Import and export (issue 14, item 8): the site archive (the JSON export, versioned), what an
 * import is asked to read, and the report it answers with.
 */

/** The version of the archive this API writes; an archive of another version is refused. */
export const ARCHIVE_VERSION = 1;

const date = isoDate();

/** A user as an archive carries them: never a password hash, a session or an identity. */
export const ArchiveUserSchema = z.object({
  id: z.number().int().meta({ description: 'The id in the exporting site; other rows refer to it' }),
  email: z.string(),
  name: z.string(),
  role: z.enum(['user', 'author', 'admin']),
  emailVerifiedAt: date.nullable(),
  bannedAt: date.nullable(),
  slug: z.string().nullable().meta({ description: 'Their author page: /authors/<slug>/' }),
  bio: z.string(),
  createdAt: date,
});

export const ArchiveCategorySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  slug: z.string(),
  description: z.string(),
});

export const ArchiveCommentSchema = z.object({
  id: z.number().int(),
  authorId: z.number().int(),
  parentId: z.number().int().nullable().meta({ description: 'The top-level comment it replies to' }),
  bodyMarkdown: z.string(),
  status: z.enum(['visible', 'hidden', 'pending', 'rejected']),
  moderationReason: z.string().nullable(),
  editedAt: date.nullable(),
  pinnedAt: date.nullable(),
  createdAt: date,
  likedBy: z.array(z.number().int()).meta({ description: 'Ids of the users who like it' }),
});

export const ArchivePostSchema = z.object({
  id: z.number().int(),
  authorId: z.number().int(),
  categoryId: z.number().int().nullable(),
  title: z.string(),
  subtitle: z.string(),
  slug: z.string(),
  bodyMarkdown: z.string(),
  status: PostStatusSchema,
  publishedAt: date.nullable(),
  commentsClosed: z.boolean(),
  commentModeration: CommentModerationSchema.nullable(),
  createdAt: date,
  updatedAt: date,
  /** When a scheduled post is to be published. */
  publishAt: date.nullable(),
  tags: z.array(z.string()).meta({ description: 'Tag names' }),
  metaDescription: z.string(),
  customExcerpt: z.string(),
  canonicalUrl: z.string().nullable(),
  ogImageUrl: z.string().nullable(),
  comments: z.array(ArchiveCommentSchema),
});

/** GET /api/admin/export?format=json and `npm run export -- --format json`: the whole site. */
export const SiteArchiveSchema = z
  .object({
    format: z.literal('blog-archive'),
    version: z.literal(ARCHIVE_VERSION),
    exportedAt: date,
    users: z.array(ArchiveUserSchema),
    categories: z.array(ArchiveCategorySchema),
    posts: z.array(ArchivePostSchema),
  })
  .meta({ id: 'SiteArchive' });

export const EXPORT_FORMATS = ['json', 'markdown'] as const;
export const ExportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS).default('json').meta({
    description: 'json: the site archive; markdown: a tar of Markdown files with front matter (posts only)',
  }),
});

/** A Markdown export: one file per post (front matter + body), as `npm run export` writes them and the route tars them; comments travel in the JSON archive only. */
export const MarkdownExportSchema = z
  .object({
    format: z.literal('blog-markdown'),
    version: z.literal(ARCHIVE_VERSION),
    files: z.array(z.object({ path: z.string(), content: z.string() })),
  })
  .meta({ id: 'MarkdownExport' });

export const IMPORT_FORMATS = ['archive', 'wxr', 'ghost', 'markdown'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const ImportFormatSchema = z.enum(IMPORT_FORMATS);

/** The most files a Markdown folder import takes. */
export const MAX_IMPORT_FILES = 20_000;

/** Why an item was not imported (or was imported changed). */
export const ImportIssueSchema = z.object({
  kind: z.enum(['file', 'user', 'category', 'post', 'page', 'comment', 'attachment']),
  ref: z.string().meta({ description: 'The item in the source: its id, slug, file name or title' }),
  reason: z.string().meta({ example: 'duplicate_slug' }),
  message: z.string(),
});
export type ImportIssue = z.infer<typeof ImportIssueSchema>;

export const ImportCountsSchema = z.object({
  users: z.number().int(),
  categories: z.number().int(),
  posts: z.number().int(),
  comments: z.number().int(),
  likes: z.number().int(),
});
export type ImportCounts = z.infer<typeof ImportCountsSchema>;

/** What an import did: how much it wrote, what it left out and why. */
export const ImportReportSchema = z
  .object({
    format: z.enum(IMPORT_FORMATS),
    total: z.number().int().meta({ description: 'Posts the file holds' }),
    imported: ImportCountsSchema,
    skipped: z.array(ImportIssueSchema).meta({ description: 'What was not imported, and why' }),
    warnings: z.array(ImportIssueSchema).meta({ description: 'What was imported changed, and how' }),
    countDrift: z.number().int().meta({ description: 'Counters the recount at the end had to repair (0 expected)' }),
    startedAt: date,
    finishedAt: date,
  })
  .meta({ id: 'ImportReport' });
export type ImportReport = z.infer<typeof ImportReportSchema>;

/**
 * POST /api/admin/import answers `application/x-ndjson`: one line per event, a `progress` line
 * after every post, then one `report` line (or one `error` line when the file is refused).
 */
export const ImportEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), done: z.number().int(), total: z.number().int() }),
  z.object({ type: z.literal('report'), report: ImportReportSchema }),
  z.object({ type: z.literal('error'), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type ImportEvent = z.infer<typeof ImportEventSchema>;

export type ArchiveUser = z.infer<typeof ArchiveUserSchema>;
export type ArchiveCategory = z.infer<typeof ArchiveCategorySchema>;
export type ArchiveComment = z.infer<typeof ArchiveCommentSchema>;
export type ArchivePost = z.infer<typeof ArchivePostSchema>;
export type SiteArchive = z.infer<typeof SiteArchiveSchema>;
export type MarkdownExport = z.infer<typeof MarkdownExportSchema>;
export type ExportQuery = z.infer<typeof ExportQuerySchema>;
