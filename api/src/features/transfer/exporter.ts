import {
  ARCHIVE_VERSION,
  type ArchiveComment,
  type ArchivePost,
  type MarkdownExport,
  type SiteArchive,
} from '@blog/contract';
import { stringify } from 'yaml';
import type { Database } from '../../db/index.js';

/*
 * The whole site out: the JSON archive (every user without their password or sessions, every
 * category, post, tag, comment and like; what `readArchive` reads back exactly), and a folder of
 * Markdown files with front matter (posts only: the format Astro, Hugo and Jekyll read; what
 * `readMarkdownFolder` reads back). Media files stay in MEDIA_DIR: bodies keep their /media/ URLs.
 */

const iso = (value: Date | null | undefined) => (value ? value.toISOString() : null);

/** A slug as a file name most file systems take (255 bytes): a long Korean slug is cut (its front matter keeps it whole). */
export function fileNameOf(slug: string): string {
  let name = slug;
  while (Buffer.byteLength(name) > 200) name = name.slice(0, -1);
  return `${name.replace(/-+$/, '')}.md`;
}

export function createExporter(db: Database) {
  const { User, Category, Post, Comment, CommentLike, Tag, PostTag } = db.models;

  /** The archive; without `comments`, its posts carry none (the Markdown export needs no comment or like). */
  async function archive(now: Date, { comments: withComments = true } = {}): Promise<SiteArchive> {
    const [users, categories, posts, comments, likes, tags, postTags] = await Promise.all([
      User.findAll({ order: [['id', 'ASC']] }),
      Category.findAll({ order: [['id', 'ASC']] }),
      Post.findAll({ order: [['id', 'ASC']] }),
      withComments ? Comment.findAll({ order: [['id', 'ASC']] }) : [],
      withComments
        ? CommentLike.findAll({
            order: [
              ['commentId', 'ASC'],
              ['userId', 'ASC'],
            ],
          })
        : [],
      Tag.findAll({ attributes: ['id', 'name'] }),
      PostTag.findAll({ attributes: ['postId', 'tagId'] }),
    ]);
    const tagName = new Map(tags.map((tag) => [tag.id, tag.name]));
    const tagsOf = new Map<number, string[]>();
    for (const pair of postTags) {
      const name = tagName.get(pair.tagId);
      if (name !== undefined) tagsOf.set(pair.postId, [...(tagsOf.get(pair.postId) ?? []), name]);
    }
    const likedBy = new Map<number, number[]>();
    for (const like of likes) likedBy.set(like.commentId, [...(likedBy.get(like.commentId) ?? []), like.userId]);
    const commentsOf = new Map<number, ArchiveComment[]>();
    for (const comment of comments) {
      const out: ArchiveComment = {
        id: comment.id,
        authorId: comment.authorId,
        parentId: comment.parentId,
        bodyMarkdown: comment.bodyMarkdown,
        status: comment.status,
        moderationReason: comment.moderationReason,
        editedAt: iso(comment.editedAt),
        pinnedAt: iso(comment.pinnedAt),
        createdAt: comment.createdAt.toISOString(),
        likedBy: likedBy.get(comment.id) ?? [],
      };
      commentsOf.set(comment.postId, [...(commentsOf.get(comment.postId) ?? []), out]);
    }
    return {
      format: 'blog-archive',
      version: ARCHIVE_VERSION,
      exportedAt: now.toISOString(),
      users: users.map((user) => ({
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        emailVerifiedAt: iso(user.emailVerifiedAt),
        bannedAt: iso(user.bannedAt),
        slug: user.slug,
        bio: user.bio,
        createdAt: user.createdAt.toISOString(),
      })),
      categories: categories.map((category) => ({
        id: category.id,
        name: category.name,
        slug: category.slug,
        description: category.description,
      })),
      posts: posts.map(
        (post): ArchivePost => ({
          id: post.id,
          authorId: post.authorId,
          categoryId: post.categoryId,
          title: post.title,
          subtitle: post.subtitle,
          slug: post.slug,
          bodyMarkdown: post.bodyMarkdown,
          status: post.status,
          publishedAt: iso(post.publishedAt),
          publishAt: iso(post.publishAt),
          commentsClosed: post.commentsClosed,
          commentModeration: post.commentModeration,
          tags: (tagsOf.get(post.id) ?? []).sort((a, b) => a.localeCompare(b)),
          metaDescription: post.metaDescription,
          customExcerpt: post.customExcerpt,
          canonicalUrl: post.canonicalUrl,
          ogImageUrl: post.ogImageUrl,
          createdAt: post.createdAt.toISOString(),
          updatedAt: post.updatedAt.toISOString(),
          comments: commentsOf.get(post.id) ?? [],
        }),
      ),
    };
  }

  return {
    archive,

    /** One `posts/<slug>.md` per post: YAML front matter, then the Markdown body as written. */
    async markdown(now: Date): Promise<MarkdownExport> {
      const site = await archive(now, { comments: false });
      const author = new Map(site.users.map((user) => [user.id, `${user.name.replace(/[<>]/g, '')} <${user.email}>`]));
      const category = new Map(site.categories.map((c) => [c.id, c.name]));
      const files = site.posts.map((post) => {
        const front: Record<string, unknown> = {
          title: post.title,
          ...(post.subtitle ? { subtitle: post.subtitle } : {}),
          slug: post.slug,
          status: post.status,
          ...(post.status === 'draft' ? { draft: true } : {}),
          ...(post.publishedAt ? { date: post.publishedAt } : {}),
          ...(post.publishAt ? { publishAt: post.publishAt } : {}),
          created: post.createdAt,
          updated: post.updatedAt,
          author: author.get(post.authorId),
          ...(post.categoryId !== null ? { categories: [category.get(post.categoryId)] } : {}),
          ...(post.tags.length > 0 ? { tags: post.tags } : {}),
          ...(post.metaDescription ? { description: post.metaDescription } : {}),
          ...(post.customExcerpt ? { excerpt: post.customExcerpt } : {}),
          ...(post.canonicalUrl ? { canonical: post.canonicalUrl } : {}),
          ...(post.ogImageUrl ? { ogImage: post.ogImageUrl } : {}),
          ...(post.commentsClosed ? { commentsClosed: true } : {}),
          ...(post.commentModeration ? { commentModeration: post.commentModeration } : {}),
        };
        return {
          path: `posts/${fileNameOf(post.slug)}`,
          // The blank line after the front matter is the reader's to remove: the body is exact.
          content: `---\n${stringify(front, { lineWidth: 0 })}---\n\n${post.bodyMarkdown}`,
        };
      });
      return { format: 'blog-markdown', version: ARCHIVE_VERSION, files };
    },
  };
}
