import { z } from 'zod';
import { isoDate } from './common.js';
import { PostStatusSchema, PostSummarySchema } from './posts.js';

/** A published post as the static site renders it: the summary, the body, and a publication date that is never null. */
export const SitePostSchema = PostSummarySchema.omit({ status: true, publishAt: true })
  .extend({
    publishedAt: isoDate(),
    bodyHtml: z.string().meta({ description: 'Sanitised HTML rendered from the Markdown source' }),
    commentsClosed: z.boolean().meta({ description: 'The page says so and offers no form' }),
    metaDescription: z.string().meta({ description: "The page's meta description; '' → the excerpt" }),
    canonicalUrl: z.string().nullable().meta({ description: "The page's canonical URL; null → its own address" }),
    ogImageUrl: z
      .string()
      .nullable()
      .meta({ description: 'The image shared with the page (og:image), over the cover' }),
  })
  .meta({ id: 'SitePost' });

/**
 * GET /api/site/previews/{token}: the post behind a preview link, as its page will render it
 * (a draft's date is the moment of the preview, as publishing now would stamp it).
 */
export const SitePreviewSchema = SitePostSchema.extend({ status: PostStatusSchema }).meta({ id: 'SitePreview' });

export const SitePostPageSchema = z
  .object({
    items: z.array(SitePostSchema),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last' }),
  })
  .meta({ id: 'SitePostPage' });

export const MAX_SITE_PAGE = 500;

export const SitePostPageQuerySchema = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,10}$/, 'must be a cursor from a previous page')
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page' }),
  limit: z.coerce.number().int().min(1).max(MAX_SITE_PAGE).default(100),
});

export type SitePost = z.infer<typeof SitePostSchema>;
export type SitePostPage = z.infer<typeof SitePostPageSchema>;
export type SitePreview = z.infer<typeof SitePreviewSchema>;

/** The languages the blog speaks (SITE_LOCALE): every user-facing string of the site, islands, admin and mails. */
export const SITE_LOCALES = ['en', 'ko'] as const;
export const SiteLocaleSchema = z.enum(SITE_LOCALES).meta({ id: 'SiteLocale' });
export type SiteLocale = z.infer<typeof SiteLocaleSchema>;

/** A profile of the blog's elsewhere, linked from every page's footer. */
export const SocialLinkSchema = z
  .object({
    url: z.string().meta({ description: 'An https URL (SITE_SOCIAL_LINKS)' }),
    label: z.string().meta({ description: "The service's name (GitHub, Mastodon, …) or the link's host" }),
  })
  .meta({ id: 'SocialLink' });

/**
 * GET /api/site/info: what every page says about the blog itself, from the API's configuration
 * (SITE_NAME, SITE_DESCRIPTION, SITE_SOCIAL_LINKS): the one source the site's build, the mails and
 * the admin app share.
 */
export const SiteInfoSchema = z
  .object({
    name: z.string().meta({ description: 'SITE_NAME: in page titles, the masthead, the feeds and mails' }),
    description: z
      .string()
      .meta({ description: "SITE_DESCRIPTION: the home page's lead, its meta description, the feed's" }),
    socialLinks: z.array(SocialLinkSchema),
    locale: SiteLocaleSchema.meta({
      description: 'SITE_LOCALE: the language of every page, the islands, the admin app and mails',
    }),
  })
  .meta({ id: 'SiteInfo' });

export type SocialLink = z.infer<typeof SocialLinkSchema>;
export type SiteInfo = z.infer<typeof SiteInfoSchema>;
