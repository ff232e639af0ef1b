import { z } from 'zod';
import { isoDate, SlugSchema, textString } from './common.js';
import { TagNamesSchema, TagRefSchema } from './tags.js';

/** COMMENT_MODERATION and its per-post override (DESIGN §3). */
export const COMMENT_MODERATION_MODES = ['open', 'first', 'all'] as const;
export const CommentModerationSchema = z.enum(COMMENT_MODERATION_MODES).meta({
  description:
    "open: visible at once; first: a user's comments wait until one of theirs is approved; all: every comment waits",
});
export type CommentModeration = z.infer<typeof CommentModerationSchema>;

/** A post is a draft (its author and admins only) or published (everyone). */
export const PostStatusSchema = z.enum(['draft', 'published']);

export const AuthorSchema = z.object({ id: z.number().int(), name: z.string() }).meta({ id: 'Author' });

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
    author: AuthorSchema,
    category: CategoryRefSchema.nullable(),
    commentsCount: z.number().int().meta({ description: 'Visible comments' }),
    publishedAt: isoDate().nullable(),
    createdAt: isoDate(),
    updatedAt: isoDate(),
    tags: z.array(TagRefSchema).meta({ description: 'Its tags, by name' }),
  })
  .meta({ id: 'PostSummary' });

export const PostSchema = PostSummarySchema.extend({
  bodyHtml: z.string().meta({ description: 'Sanitised HTML rendered from bodyMarkdown' }),
  bodyMarkdown: z.string().optional().meta({ description: 'Only for those who may edit the post' }),
  commentsClosed: z.boolean().meta({ description: 'No new comments (the existing ones stay)' }),
  commentModeration: CommentModerationSchema.nullable().meta({
    description: "This post's moderation mode; null: the site's COMMENT_MODERATION",
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

const title = textString().trim().min(1, 'is required').max(200);
const subtitle = textString().trim().max(300);
const bodyMarkdown = textString().min(1, 'is required').max(200_000);
const categoryId = z.number().int().positive().max(2_147_483_647).nullable();

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
