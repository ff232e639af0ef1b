import type { Category, Media, Post, User } from '../../db/models/index.js';
import { presentCover } from '../media/presenter.js';
import type { PostDetail, PostSummary, TagRef } from './schema.js';

export const presentAuthor = (user: Pick<User, 'id' | 'name'>) => ({ id: user.id, name: user.name });

/** A post's byline: the author and their page's slug. */
export const presentPostAuthor = (user: Pick<User, 'id' | 'name' | 'slug'>) => ({
  id: user.id,
  name: user.name,
  slug: user.slug ?? null,
});

export const presentCategoryRef = (category: Pick<Category, 'id' | 'name' | 'slug'> | null | undefined) =>
  category ? { id: category.id, name: category.name, slug: category.slug } : null;

/** A post model instance, or a plain row of the list's lean query (service.ts), with author and category. */
export type PostSummaryLike = Pick<
  Post,
  | 'id'
  | 'slug'
  | 'title'
  | 'subtitle'
  | 'excerpt'
  | 'status'
  | 'commentsCount'
  | 'publishedAt'
  | 'createdAt'
  | 'updatedAt'
  | 'readingMinutes'
  | 'publishAt'
> & {
  author?: Pick<User, 'id' | 'name' | 'slug'> | undefined;
  category?: Pick<Category, 'id' | 'name' | 'slug'> | null | undefined;
  tags?: TagRef[] | undefined;
  cover?: Pick<Media, 'id' | 'key' | 'width' | 'height' | 'alt' | 'variants'> | null | undefined;
};

/** A post in lists: everything but the body. Needs `author`, `category` and `tags` loaded. */
export function presentPostSummary(post: PostSummaryLike): PostSummary {
  if (!post.author) throw new Error('presentPostSummary needs the author included');
  if (!post.tags) throw new Error('presentPostSummary needs the tags read (PostService.withTags)');
  if (post.cover === undefined) throw new Error('presentPostSummary needs the cover read (postIncludes)');
  return {
    id: post.id,
    slug: post.slug,
    title: post.title,
    subtitle: post.subtitle,
    excerpt: post.excerpt,
    status: post.status,
    author: presentPostAuthor(post.author),
    category: presentCategoryRef(post.category),
    commentsCount: post.commentsCount,
    publishedAt: post.publishedAt ? post.publishedAt.toISOString() : null,
    createdAt: post.createdAt.toISOString(),
    updatedAt: post.updatedAt.toISOString(),
    tags: post.tags.map((tag) => ({ id: tag.id, name: tag.name, slug: tag.slug })),
    cover: post.cover ? presentCover(post.cover) : null,
    readingMinutes: post.readingMinutes,
    publishAt: post.publishAt ? post.publishAt.toISOString() : null,
  };
}

/** A whole post; the Markdown source only for those who may edit it. */
export function presentPost(post: Post, canEdit: boolean): PostDetail {
  return {
    ...presentPostSummary(post),
    bodyHtml: post.bodyHtml,
    commentsClosed: post.commentsClosed,
    commentModeration: post.commentModeration,
    ...presentSeo(post),
    version: post.version,
    ...(canEdit ? { bodyMarkdown: post.bodyMarkdown } : {}),
  };
}

/** The SEO and sharing fields, as the post and the site build show them. */
export const presentSeo = (post: Pick<Post, 'metaDescription' | 'customExcerpt' | 'canonicalUrl' | 'ogImageUrl'>) => ({
  metaDescription: post.metaDescription,
  customExcerpt: post.customExcerpt,
  canonicalUrl: post.canonicalUrl,
  ogImageUrl: post.ogImageUrl,
});
