import { type SiteArchive, SiteArchiveSchema } from '@blog/contract';
import { type ImportedSite, ImportFileError } from '../shape.js';

/** Our own JSON archive (GET /api/admin/export?format=json) as the writer's shape: nothing is lost. */
export function readArchive(content: string): ImportedSite {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw new ImportFileError('malformed_json', 'The file is not JSON.');
  }
  const parsed = SiteArchiveSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImportFileError(
      'not_an_archive',
      `Not a blog archive of version 1${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}.`,
    );
  }
  return siteOfArchive(parsed.data);
}

const date = (value: string | null) => (value === null ? null : new Date(value));

export function siteOfArchive(archive: SiteArchive): ImportedSite {
  return {
    people: archive.users.map((user) => ({
      ref: String(user.id),
      email: user.email.toLowerCase(),
      name: user.name,
      role: user.role,
      emailVerifiedAt: date(user.emailVerifiedAt),
      bannedAt: date(user.bannedAt),
      bio: user.bio,
      slug: user.slug,
      createdAt: new Date(user.createdAt),
    })),
    categories: archive.categories.map((category) => ({
      ref: String(category.id),
      name: category.name,
      slug: category.slug,
      description: category.description,
    })),
    posts: archive.posts.map((post) => ({
      ref: post.slug,
      title: post.title,
      subtitle: post.subtitle,
      slug: post.slug,
      bodyMarkdown: post.bodyMarkdown,
      status: post.status === 'published' ? 'published' : 'draft',
      publishedAt: date(post.publishedAt),
      scheduledAt: post.status === 'scheduled' ? date(post.publishAt) : null,
      createdAt: new Date(post.createdAt),
      updatedAt: new Date(post.updatedAt),
      authorRef: String(post.authorId),
      categoryRefs: post.categoryId === null ? [] : [String(post.categoryId)],
      commentsClosed: post.commentsClosed,
      commentModeration: post.commentModeration,
      tags: post.tags,
      metaDescription: post.metaDescription,
      customExcerpt: post.customExcerpt,
      canonicalUrl: post.canonicalUrl,
      ogImageUrl: post.ogImageUrl,
      attachments: [],
      comments: post.comments.map((comment) => ({
        ref: String(comment.id),
        parentRef: comment.parentId === null ? null : String(comment.parentId),
        authorRef: String(comment.authorId),
        bodyMarkdown: comment.bodyMarkdown,
        status: comment.status,
        moderationReason: comment.moderationReason,
        createdAt: new Date(comment.createdAt),
        editedAt: date(comment.editedAt),
        pinnedAt: date(comment.pinnedAt),
        likedBy: comment.likedBy.map(String),
      })),
    })),
    skipped: [],
    warnings: [],
  };
}
