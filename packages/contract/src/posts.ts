import { z } from 'zod';
import { isoDate, SlugSchema, textString } from './common.js';
import { CoverSchema } from './media.js';
import { TagNamesSchema, TagRefSchema } from './tags.js';

/** COMMENT_MODERATION and its per-post override (DESIGN §3). */
export const COMMENT_MODERATION_MODES = ['open', 'first', 'all'] as const;
export const CommentModerationSchema = z.enum(COMMENT_MODERATION_MODES).meta({
  description:
    "open: visible at once; first: a user's comments wait until one of theirs is approved; all: every comment waits",
});
export type CommentModeration = z.infer<typeof CommentModerationSchema>;

/**
 * A post is a draft (its author and admins only), published (everyone), or scheduled: a draft
 * with a `publishAt` that the outbox publishes at that time.
 */
export const PostStatusSchema = z.enum(['draft', 'published', 'scheduled']);

export const AuthorSchema = z.object({ id: z.number().int(), name: z.string() }).meta({ id: 'Author' });

/** A post's author: `slug` is their page, /authors/<slug>/ (null only for a row written outside the services). */
export const PostAuthorSchema = AuthorSchema.extend({ slug: z.string().nullable() }).meta({ id: 'PostAuthor' });

export const CategoryRefSchema = z
  .object({ id: z.number().int(), name: z.string(), slug: z.string() })
  .meta({ id: 'CategoryRef' });

export const PostSummarySchema = z
  .object({
    id: z.number().int(),
    slug: z.string(),
    title: z.string(),
    subtitle: z.string(),
    excerpt: z.string().meta({ description: 'Plain-text preview of the body' }),
    status: PostStatusSchema,
    author: PostAuthorSchema,
    category: CategoryRefSchema.nullable(),
    commentsCount: z.number().int().meta({ description: 'Visible comments' }),
    publishedAt: isoDate().nullable(),
    createdAt: isoDate(),
    updatedAt: isoDate(),
    tags: z.array(TagRefSchema).meta({ description: 'Its tags, by name' }),
    cover: CoverSchema.nullable().meta({ description: 'Its cover image; null: the gradient masthead' }),
    readingMinutes: z.number().int().min(1).meta({ description: 'Reading time of the body, whole minutes' }),
    publishAt: isoDate()
      .nullable()
      .meta({ description: 'When a scheduled post will be published; null unless `status` is scheduled' }),
  })
  .meta({ id: 'PostSummary' });

export const PostSchema = PostSummarySchema.extend({
  bodyHtml: z.string().meta({ description: 'Sanitised HTML rendered from bodyMarkdown' }),
  bodyMarkdown: z.string().optional().meta({ description: 'Only for those who may edit the post' }),
  commentsClosed: z.boolean().meta({ description: 'No new comments (the existing ones stay)' }),
  commentModeration: CommentModerationSchema.nullable().meta({
    description: "This post's moderation mode; null: the site's COMMENT_MODERATION",
  }),
  ...seoFields(),
  version: z.number().int().meta({
    description: 'Goes up by one with every saved change; send it back as UpdatePost.version to refuse stale writes',
  }),
}).meta({ id: 'Post' });

export const PostListSchema = z
  .object({
    items: z.array(PostSummarySchema),
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
    totalPages: z.number().int(),
  })
  .meta({ id: 'PostList' });

export const PostListQuerySchema = z.object({
  category: SlugSchema.optional().meta({ description: 'Category slug' }),
  tag: SlugSchema.optional().meta({ description: 'Tag slug' }),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

/** An absolute http(s) URL (a canonical address, an image elsewhere), at most 2,000 characters. */
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2000)
  .refine((url) => !/[\s<>"]/.test(url), 'must be an http(s) URL');
/** An image URL: absolute http(s), or a path on this site (e.g. a media variant, /media/…). */
const imageUrl = z.union([
  httpUrl,
  z
    .string()
    .max(2000)
    .regex(/^\/(?!\/)[^\s<>"\\]*$/, 'must be an http(s) URL or a path on this site'),
]);
const metaDescription = textString().trim().max(300);
const customExcerpt = textString().trim().max(300);

/** The SEO and sharing fields (issue 14) as a post shows them. */
function seoFields() {
  return {
    metaDescription: z.string().meta({ description: "The page's meta description; '' → the excerpt" }),
    customExcerpt: z.string().meta({ description: "The author's excerpt for previews; '' → made from the body" }),
    canonicalUrl: z.string().nullable().meta({ description: "The page's canonical URL; null → its own address" }),
    ogImageUrl: z
      .string()
      .nullable()
      .meta({ description: 'The image shared with the page (og:image), over the cover' }),
  };
}

const title = textString().trim().min(1, 'is required').max(200);
const subtitle = textString().trim().max(300);
const bodyMarkdown = textString().min(1, 'is required').max(200_000);
const categoryId = z.number().int().positive().max(2_147_483_647).nullable();
/** Must lie in the future (and at most PUBLISH_AT_MAX_YEARS ahead): checked against the server's clock. */
const publishAt = z.iso.datetime({ offset: true }).meta({
  description:
    'Schedule the post: the outbox publishes it at this time (ISO 8601, in the future, at most 5 years ahead)',
  example: '2027-01-31T09:00:00.000Z',
});
/** How far ahead a post may be scheduled. */
export const PUBLISH_AT_MAX_YEARS = 5;

export const CreatePostSchema = z
  .strictObject({
    title,
    subtitle: subtitle.default(''),
    bodyMarkdown,
    categoryId: categoryId.default(null),
    slug: SlugSchema.optional().meta({ description: 'Generated from the title when omitted' }),
    status: PostStatusSchema.default('draft'),
    commentsClosed: z.boolean().default(false),
    commentModeration: CommentModerationSchema.nullable().default(null),
    tags: TagNamesSchema.default([]),
    coverMediaId: z.number().int().positive().max(2_147_483_647).nullable().default(null).meta({
      description: 'An image of the media library with alt text, as the cover',
    }),
    metaDescription: metaDescription.default(''),
    customExcerpt: customExcerpt.default(''),
    canonicalUrl: httpUrl.nullable().default(null),
    ogImageUrl: imageUrl.nullable().default(null),
    publishAt: publishAt.optional().meta({ description: 'Schedule the new post (with status draft, the default)' }),
  })
  .meta({ id: 'CreatePost' });

export const UpdatePostSchema = z
  .strictObject({
    title: title.optional(),
    subtitle: subtitle.optional(),
    bodyMarkdown: bodyMarkdown.optional(),
    categoryId: categoryId.optional(),
    slug: SlugSchema.optional(),
    authorId: z
      .number()
      .int()
      .positive()
      .max(2_147_483_647)
      .optional()
      .meta({ description: 'Reassign the post (admins only)' }),
    commentsClosed: z.boolean().optional(),
    commentModeration: CommentModerationSchema.nullable().optional(),
    tags: TagNamesSchema.optional().meta({ description: "Replaces the post's tags when present" }),
    coverMediaId: z
      .number()
      .int()
      .positive()
      .max(2_147_483_647)
      .nullable()
      .optional()
      .meta({ description: 'An image of the media library with alt text, as the cover; null removes it' }),
    metaDescription: metaDescription.optional(),
    customExcerpt: customExcerpt.optional(),
    canonicalUrl: httpUrl.nullable().optional(),
    ogImageUrl: imageUrl.nullable().optional(),
    publishAt: publishAt
      .nullable()
      .optional()
      .meta({ description: 'Schedule or reschedule a draft or scheduled post; null cancels back to draft' }),
    version: z.number().int().min(1).max(2_147_483_647).optional().meta({
      description:
        "The post's version this edit was made on (Post.version): a newer one in the database answers 409 version_conflict",
    }),
  })
  .meta({ id: 'UpdatePost' });

export type PostSummary = z.infer<typeof PostSummarySchema>;
export type PostDetail = z.infer<typeof PostSchema>;
export type PostList = z.infer<typeof PostListSchema>;
export type CreatePostInput = z.infer<typeof CreatePostSchema>;
export type UpdatePostInput = z.infer<typeof UpdatePostSchema>;

/** POST /api/preview: a post body rendered exactly as the published page will show it. */
export const PreviewRequestSchema = z.strictObject({ bodyMarkdown }).meta({ id: 'PreviewRequest' });
export const PreviewSchema = z
  .object({ html: z.string().meta({ description: 'Sanitised HTML, as the post page renders the body' }) })
  .meta({ id: 'Preview' });
export type PreviewRequest = z.infer<typeof PreviewRequestSchema>;
export type PreviewOut = z.infer<typeof PreviewSchema>;

/** POST /api/posts/{idOrSlug}/preview-link: a secret, expiring link to the page the post will publish as. */
export const PreviewLinkSchema = z
  .object({
    url: z.url().meta({ description: 'The preview page on the public site; anyone holding it can read the draft' }),
    path: z.string().meta({ example: '/preview/12.1767225600.Xb3…/' }),
    expiresAt: isoDate(),
  })
  .meta({ id: 'PreviewLink' });
export type PreviewLink = z.infer<typeof PreviewLinkSchema>;
