import { defineCollection } from 'astro:content';
import type { AuthorProfile, CategoryOut, CommentOut, SiteInfo, SitePost } from '@blog/contract';
import { z } from 'astro/zod';
import { readSiteEnv } from './env';
import { authorsLoader, categoriesLoader, commentsLoader, postsLoader, siteInfoLoader } from './lib/api-loader';

const { apiUrl, typesOnly } = readSiteEnv();

const author = z.object({ id: z.number().int(), name: z.string(), slug: z.string().nullable() });
const categoryRef = z.object({ id: z.number().int(), name: z.string(), slug: z.string() });
const tagRef = z.object({ id: z.number().int(), name: z.string(), slug: z.string().min(1) });
const variant = z.object({
  url: z.string(),
  format: z.enum(['avif', 'webp', 'jpeg', 'png', 'gif']),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
});
const cover = z.object({
  mediaId: z.number().int(),
  url: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  alt: z.string(),
  variants: z.array(variant),
});

// The API's zod schemas are the source of truth; these check its answers at build time, and the
// type assertions below fail the type check the moment they drift from the API's types.
const post = z.object({
  id: z.number().int(),
  slug: z.string().min(1),
  title: z.string(),
  subtitle: z.string(),
  excerpt: z.string(),
  author,
  category: categoryRef.nullable(),
  commentsCount: z.number().int(),
  publishedAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  tags: z.array(tagRef),
  cover: cover.nullable(),
  readingMinutes: z.number().int(),
  bodyHtml: z.string(),
  commentsClosed: z.boolean(),
  metaDescription: z.string(),
  canonicalUrl: z.string().nullable(),
  ogImageUrl: z.string().nullable(),
});

const authorProfile = z.object({
  id: z.number().int(),
  name: z.string(),
  slug: z.string().min(1),
  bio: z.string(),
  postsCount: z.number().int(),
});

const category = z.object({
  id: z.number().int(),
  name: z.string(),
  slug: z.string().min(1),
  description: z.string(),
  postsCount: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const comment = z.object({
  id: z.number().int(),
  postId: z.number().int(),
  parentId: z.number().int().nullable(),
  author: z.object({ id: z.number().int(), name: z.string(), avatarUrl: z.string().nullable() }),
  // The builder gets visible ones, and hidden tops of threads; pending and rejected never.
  status: z.enum(['visible', 'hidden', 'pending', 'rejected']),
  bodyHtml: z.string(),
  likesCount: z.number().int(),
  pinnedAt: z.iso.datetime().nullable(),
  bodyMarkdown: z.string().optional(),
  editableUntil: z.iso.datetime().optional(),
  createdAt: z.iso.datetime(),
  editedAt: z.iso.datetime().nullable(),
});

/** One post's shown comments (entry id: the post's id). */
const postComments = z.object({ postId: z.number().int(), comments: z.array(comment) });

/** What every page says about the blog itself (one entry, `info`). */
const siteInfo = z.object({
  name: z.string().min(1),
  description: z.string(),
  socialLinks: z.array(z.object({ url: z.url({ protocol: /^https$/ }), label: z.string().min(1) })),
  locale: z.enum(['en', 'ko']),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const postMatchesApi: Same<z.infer<typeof post>, SitePost> = true;
const categoryMatchesApi: Same<z.infer<typeof category>, CategoryOut> = true;
const commentMatchesApi: Same<z.infer<typeof comment>, CommentOut> = true;
const authorMatchesApi: Same<z.infer<typeof authorProfile>, AuthorProfile> = true;
const siteInfoMatchesApi: Same<z.infer<typeof siteInfo>, SiteInfo> = true;
void siteInfoMatchesApi;
void authorMatchesApi;
void commentMatchesApi;
void postMatchesApi;
void categoryMatchesApi;

export const collections = {
  posts: defineCollection({ loader: postsLoader({ apiUrl, typesOnly }), schema: post }),
  categories: defineCollection({ loader: categoriesLoader({ apiUrl, typesOnly }), schema: category }),
  comments: defineCollection({ loader: commentsLoader({ apiUrl, typesOnly }), schema: postComments }),
  authors: defineCollection({ loader: authorsLoader({ apiUrl, typesOnly }), schema: authorProfile }),
  site: defineCollection({ loader: siteInfoLoader({ apiUrl, typesOnly }), schema: siteInfo }),
};
