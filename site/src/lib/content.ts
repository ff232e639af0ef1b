import { type CollectionEntry, getCollection, getEntry } from 'astro:content';
import { PAGE_SIZE } from '../consts';
import { type Translator, translator } from '../i18n';
import {
  authorPagePath,
  categoryPagePath,
  homePagePath,
  NEWSLETTER_PATH,
  pageCount,
  postPath,
  tagPagePath,
} from './routes';

export type Post = CollectionEntry<'posts'>['data'];
export type Category = CollectionEntry<'categories'>['data'];
export type PostComment = CollectionEntry<'comments'>['data']['comments'][number];

const newestFirst = (a: Post, b: Post) => b.publishedAt.localeCompare(a.publishedAt) || b.id - a.id;

// Hundreds of listing pages ask for the same sorted list in one build; sort it once per collection load.
let sorted: { source: readonly CollectionEntry<'posts'>[]; posts: Post[] } | null = null;

/** Every published post, newest first. */
export async function getPosts(): Promise<Post[]> {
  const entries = await getCollection('posts');
  if (sorted?.source !== entries) {
    sorted = { source: entries, posts: entries.map((entry) => entry.data).sort(newestFirst) };
  }
  return sorted.posts;
}

export type SiteInfo = CollectionEntry<'site'>['data'];

/** The blog's name, description and profile links: the API's SITE_NAME, SITE_DESCRIPTION, SITE_SOCIAL_LINKS. */
export async function getSiteInfo(): Promise<SiteInfo> {
  const entry = await getEntry('site', 'info');
  if (!entry) throw new Error('The build read no site info from the blog API (GET /api/site/info).');
  return entry.data;
}

/** The site's words, dates and numbers in the blog's language (SITE_LOCALE). */
export async function getTranslator(): Promise<Translator> {
  return translator((await getSiteInfo()).locale);
}

/** Every category, by name. */
export async function getCategories(): Promise<Category[]> {
  const entries = await getCollection('categories');
  return entries.map((entry) => entry.data).sort((a, b) => a.name.localeCompare(b.name));
}

/** A category's posts, newest first. */
export async function getPostsIn(categoryId: number): Promise<Post[]> {
  return (await getPosts()).filter((post) => post.category?.id === categoryId);
}

export type TagRef = Post['tags'][number];
export interface Tag extends TagRef {
  /** Published posts with the tag (what its pages list). */
  postsCount: number;
}

/**
 * Every tag on a published post, by name. Tags come with the posts (a tag no published post
 * carries has no page), so a fast-path build that refreshes a post refreshes its tags too.
 */
export async function getTags(): Promise<Tag[]> {
  const posts = await getPosts();
  // Every page's header asks (its topics menu): counted once per collection load.
  if (tagged?.source === posts) return tagged.tags;
  const byId = new Map<number, Tag>();
  for (const post of posts) {
    for (const tag of post.tags) {
      const seen = byId.get(tag.id);
      if (seen) seen.postsCount++;
      else byId.set(tag.id, { ...tag, postsCount: 1 });
    }
  }
  const tags = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  tagged = { source: posts, tags };
  return tags;
}

let tagged: { source: Post[]; tags: Tag[] } | null = null;

/** The header's topics menu: the categories with posts, and the most used tags (by name). */
export async function getTopics(tagCount = 8): Promise<{ categories: Category[]; tags: Tag[] }> {
  const categories = (await getCategories()).filter((category) => category.postsCount > 0);
  const tags = [...(await getTags())]
    .sort((a, b) => b.postsCount - a.postsCount || a.name.localeCompare(b.name))
    .slice(0, tagCount)
    .sort((a, b) => a.name.localeCompare(b.name));
  return { categories, tags };
}

/** A tag's posts, newest first. */
export async function getPostsTagged(tagId: number): Promise<Post[]> {
  return (await getPosts()).filter((post) => post.tags.some((tag) => tag.id === tagId));
}

export interface Author {
  id: number;
  name: string;
  slug: string;
  /** Their own words for their page ('' when they wrote none, or the build has not read it yet). */
  bio: string;
  /** Published posts (what their pages list). */
  postsCount: number;
}

/**
 * Everyone with a published post, by name. Who has a page comes with the posts, as tags do (a
 * fast-path build that publishes someone's first post makes their page); the bio comes from
 * the authors collection, which each full build reads.
 */
export async function getAuthors(): Promise<Author[]> {
  const byId = new Map<number, Author>();
  for (const post of await getPosts()) {
    const { id, name, slug } = post.author;
    if (!slug) continue;
    const seen = byId.get(id);
    if (seen) seen.postsCount++;
    else byId.set(id, { id, name, slug, bio: (await getEntry('authors', slug))?.data.bio ?? '', postsCount: 1 });
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
}

/** An author's posts, newest first. */
export async function getPostsBy(authorId: number): Promise<Post[]> {
  return (await getPosts()).filter((post) => post.author.id === authorId);
}

/** A post's shown comments (flat, oldest first; none when it has none). */
export async function getComments(postId: number): Promise<PostComment[]> {
  return (await getEntry('comments', String(postId)))?.data.comments ?? [];
}

/** Every post's comments, by post id. */
export async function getAllComments(): Promise<Map<number, PostComment[]>> {
  const entries = await getCollection('comments');
  return new Map(entries.map((entry) => [entry.data.postId, entry.data.comments]));
}

export interface SitePage {
  path: string;
  /** ISO date of the last change, where one is known. */
  lastModified?: string;
}

/**
 * What the sitemap lists: every HTML page of the site a search engine should index. Not the 404
 * page, not the account page, not an empty listing (a category, tag or author without published
 * posts): those say `noindex`.
 */
export async function allPages(): Promise<SitePage[]> {
  const posts = await getPosts();
  const pages: SitePage[] = [];
  const latest = posts.reduce<string | undefined>(
    (max, p) => (max && max > p.updatedAt ? max : p.updatedAt),
    undefined,
  );
  for (let n = 1; n <= pageCount(posts.length, PAGE_SIZE); n++)
    pages.push({ path: homePagePath(n), lastModified: latest });
  const listing = (count: number, pathOf: (n: number) => string) => {
    for (let n = 1; count > 0 && n <= pageCount(count, PAGE_SIZE); n++) pages.push({ path: pathOf(n) });
  };
  for (const category of await getCategories()) {
    listing((await getPostsIn(category.id)).length, (n) => categoryPagePath(category.slug, n));
  }
  for (const tag of await getTags()) listing(tag.postsCount, (n) => tagPagePath(tag.slug, n));
  for (const author of await getAuthors()) listing(author.postsCount, (n) => authorPagePath(author.slug, n));
  for (const post of posts) pages.push({ path: postPath(post.slug), lastModified: post.updatedAt });
  pages.push({ path: '/about/' }, { path: NEWSLETTER_PATH });
  return pages;
}
