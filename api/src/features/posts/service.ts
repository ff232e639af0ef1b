import type { PostEvent } from '@blog/contract';
import type { Transaction } from 'sequelize';
import { picturesIn } from '../../db/derived.js';
import type { Database } from '../../db/index.js';
import type { Post, User } from '../../db/models/index.js';
import { dateOf, dateOrNull } from '../../db/rows.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Clock } from '../../lib/clock.js';
import { ApiError, conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import { parseIdOrSlug } from '../../lib/openapi.js';
import { chooseSlug, retryOnSlugRace } from '../../lib/slug.js';
import { type WriteContext, within } from '../../lib/write-context.js';
import type { AuditLogger } from '../admin/audit.js';
import type { MediaService } from '../media/service.js';
import { enqueuePublishEvent } from '../publishing/service.js';
import { checkPublishAt, enqueueScheduledPublish } from '../scheduling/schedule.js';
import { recordRevision } from '../scheduling/service.js';
import type { TagService } from '../tags/service.js';
import type { PostSummaryLike } from './presenter.js';
import type { IssuedPreviewLink, PreviewLinks } from './preview-links.js';
import type { CreatePostInput, UpdatePostInput } from './schema.js';

/** What happened to a post, as far as the published site is concerned: the publish event. */
export type PostChange = PostEvent;

export interface PostServiceDeps {
  /** Admins' changes are written to the audit log in the change's transaction. */
  audit: AuditLogger;
  db: Database;
  clock: Clock;
  /** The outbox: every change that affects the published site becomes a `webhook` job in the change's transaction. */
  jobs: Pick<JobQueue, 'enqueue'>;
  /** Signs and checks the secret links to a post's page as it will publish. */
  previewLinks: PreviewLinks;
  /** The newsletter of a post's first publication (features/subscriptions), in its transaction. */
  newsletter?: { postPublished(post: Post, transaction: Transaction): Promise<void> };
  /** A post's tags (features/tags): set in the post's write transaction, read for a page of posts at once. */
  tags: Pick<TagService, 'setPostTags' | 'tagsOf' | 'idOfSlug'>;
  /** The media library (features/media): a cover must be an image with alt text. */
  media: Pick<MediaService, 'coverFor'>;
}

/** A row of the posts list's lean query. */
interface PostListRow {
  id: number;
  slug: string;
  title: string;
  subtitle: string;
  excerpt: string;
  status: Post['status'];
  comments_count: number | string;
  published_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  publish_at: Date | string | null;
  author_id: number;
  author_name: string;
  author_slug: string | null;
  reading_minutes: number | string;
  category_id: number | null;
  category_name: string | null;
  category_slug: string | null;
  cover_id: number | null;
  cover_key: string | null;
  cover_width: number | null;
  cover_height: number | null;
  cover_alt: string | null;
  cover_variants: string | null;
}

function postSummaryOf(row: PostListRow): PostSummaryLike {
  return {
    id: Number(row.id),
    slug: row.slug,
    title: row.title,
    subtitle: row.subtitle,
    excerpt: row.excerpt,
    status: row.status,
    commentsCount: Number(row.comments_count),
    publishedAt: dateOrNull(row.published_at),
    createdAt: dateOf(row.created_at),
    updatedAt: dateOf(row.updated_at),
    readingMinutes: Number(row.reading_minutes),
    author: { id: Number(row.author_id), name: row.author_name, slug: row.author_slug },
    publishAt: dateOrNull(row.publish_at),
    category:
      row.category_id === null
        ? null
        : { id: Number(row.category_id), name: row.category_name ?? '', slug: row.category_slug ?? '' },
    cover:
      row.cover_id === null
        ? null
        : {
            id: Number(row.cover_id),
            key: row.cover_key ?? '',
            width: Number(row.cover_width),
            height: Number(row.cover_height),
            alt: row.cover_alt ?? '',
            variants: row.cover_variants ?? '[]',
          },
  };
}

export type PostService = ReturnType<typeof createPostService>;

/** The columns a new post takes from its checked input as they are (the importer writes them too). */
export const postFieldsOf = (input: Omit<CreatePostInput, 'publishAt' | 'slug' | 'status' | 'tags'>) => ({
  title: input.title,
  subtitle: input.subtitle,
  bodyMarkdown: input.bodyMarkdown,
  commentsClosed: input.commentsClosed,
  commentModeration: input.commentModeration,
  metaDescription: input.metaDescription,
  customExcerpt: input.customExcerpt,
  canonicalUrl: input.canonicalUrl,
  ogImageUrl: input.ogImageUrl,
});

/**
 * May `user` edit, publish and delete `post`, and so see it as a draft? Admins any post, authors
 * their own; a banned account none (a ban takes the role's powers, reading drafts included).
 */
export const canEditPost = (user: User | null, post: Pick<Post, 'authorId'>): boolean =>
  !!user && !user.bannedAt && (user.role === 'admin' || (user.role === 'author' && post.authorId === user.id));

/**
 * Posts: the one write path of the entity. Every change (from its own routes, or from an admin
 * bulk action with `{ transaction }` a savepoint) checks who may make it, queues the publish
 * event in the same transaction, and audits an admin's action the same way whoever calls.
 */
/** What a post is read with wherever it is shown: its author (and their page), category and cover. */
export const postIncludes = (db: Database) => [
  { model: db.models.User, as: 'author', attributes: ['id', 'name', 'slug'] },
  { model: db.models.Category, as: 'category', attributes: ['id', 'name', 'slug'] },
  { model: db.models.Media, as: 'cover', attributes: ['id', 'key', 'width', 'height', 'alt', 'variants'] },
];

export function createPostService({ db, clock, jobs, audit, previewLinks, newsletter, tags, media }: PostServiceDeps) {
  /** Audits what an admin does to a post (a no-op included); authors' own edits are not admin actions. */
  const auditAdmin = async (
    user: User,
    action: 'create' | 'update' | 'publish' | 'unpublish' | 'delete' | 'preview_link',
    post: Post,
    transaction: Transaction,
    extra: Record<string, unknown> = {},
  ) => {
    if (user.role !== 'admin') return;
    await audit.write(
      user,
      {
        action: `post.${action}`,
        targetType: 'post',
        targetId: post.id,
        details: { slug: post.slug, title: post.title, ...extra },
      },
      transaction,
    );
  };

  const { Post, User, Category } = db.models;
  const include = postIncludes(db);

  /** Queues the publish webhook in `transaction` (so it exists exactly when the change commits). */
  async function announce(transaction: Transaction, event: PostChange['event'], post: Post, previousSlug?: string) {
    const change: PostChange = {
      event,
      postId: post.id,
      slug: post.slug,
      ...(previousSlug && previousSlug !== post.slug ? { previousSlug } : {}),
      at: clock().toISOString(),
    };
    await enqueuePublishEvent(jobs, change, transaction);
  }

  /** `posts` with their tags read (one query for all of them); returns them. */
  async function withTags<P extends { id: number; tags?: Post['tags'] }>(
    posts: P[],
    transaction?: Transaction,
  ): Promise<P[]> {
    const byPost = await tags.tagsOf(
      posts.map((post) => post.id),
      transaction,
    );
    for (const post of posts) post.tags = byPost.get(post.id) ?? [];
    return posts;
  }

  async function withTagsOne<P extends { id: number; tags?: Post['tags'] }>(post: P, transaction?: Transaction) {
    await withTags([post], transaction);
    return post;
  }

  async function find(idOrSlug: string, transaction?: Transaction): Promise<Post | null> {
    const post = await Post.findOne({ where: parseIdOrSlug(idOrSlug), include, transaction });
    return post && withTagsOne(post, transaction);
  }

  async function findEditable(user: User, idOrSlug: string, transaction?: Transaction): Promise<Post> {
    // Locked on PostgreSQL for the rest of the write (SQLite's one writer serialises writes): the
    // version check and the save of a concurrent edit cannot interleave.
    const lock = transaction && db.dialect === 'postgres' ? { lock: transaction.LOCK.UPDATE } : {};
    const post = await Post.findOne({ where: parseIdOrSlug(idOrSlug), transaction, ...lock });
    if (!post) throw notFound('Post');
    if (!canEditPost(user, post)) {
      // Others' drafts stay invisible; others' published posts are visible but not theirs to change.
      if (post.status !== 'published') throw notFound('Post');
      throw forbidden('not_owner', 'Only the author or an admin can change this post.');
    }
    return post;
  }

  async function checkCategory(categoryId: number | null | undefined, transaction: Transaction) {
    if (categoryId === null || categoryId === undefined) return;
    if (!(await Category.findByPk(categoryId, { transaction, attributes: ['id'] }))) {
      throw unprocessable('unknown_category', `Category ${categoryId} does not exist.`, [
        { path: 'categoryId', message: 'no such category' },
      ]);
    }
  }

  /** A free slug for this post: `wanted` or one made from `source`; `ownId` is the row being edited. */
  const slugFor = (source: string, wanted: string | undefined, transaction: Transaction, ownId?: number) =>
    chooseSlug({
      source,
      wanted,
      what: 'post',
      taken: async (slug) => {
        const existing = await Post.findOne({ where: { slug }, attributes: ['id'], transaction });
        return !!existing && existing.id !== ownId;
      },
    });

  /** A write transaction that picks a slug, run again if a concurrent writer took that slug first. */
  const writeWithSlug = <T>(work: (transaction: Transaction) => Promise<T>) =>
    retryOnSlugRace(
      () => db.transaction(work),
      () => conflict('slug_taken', 'Another post took that slug at the same moment; try again.'),
    );

  /**
   * The one publish path: moves `post` to published (first publication dated `publishedAt`) or
   * back to draft, a new version, the publish event and the newsletter in `t`. A scheduled post
   * loses its time either way (its job, if still to run, then finds nothing to do).
   */
  async function applyPublished(post: Post, published: boolean, t: Transaction, publishedAt: Date = clock()) {
    const wasPublished = post.status === 'published';
    post.status = published ? 'published' : 'draft';
    post.publishAt = null;
    const firstPublication = published && !post.publishedAt;
    if (firstPublication) post.publishedAt = publishedAt;
    post.version += 1;
    await post.save({ transaction: t });
    // A scheduled post taken back to draft was never on the site: nothing to announce.
    if (published || wasPublished) await announce(t, published ? 'published' : 'unpublished', post);
    if (firstPublication) await newsletter?.postPublished(post, t);
  }

  const contentChanged = (post: Post) =>
    post.changed('title') || post.changed('subtitle') || post.changed('bodyMarkdown');

  async function reload(id: number): Promise<Post> {
    const post = await Post.findByPk(id, { include });
    if (!post) throw notFound('Post');
    return withTagsOne(post);
  }

  return {
    withTags,

    /** A body rendered by the same renderer, rules and sanitiser as the post page's (the editor's preview). */
    async preview(bodyMarkdown: string): Promise<string> {
      return picturesIn(db.models, (await db.markdown.post(bodyMarkdown)).html, bodyMarkdown);
    },

    /**
     * A secret, expiring link to the page `idOrSlug` will publish as, for its author or an admin
     * to read or share before publishing (an admin's link to someone's post is audited).
     */
    async previewLink(user: User, idOrSlug: string): Promise<IssuedPreviewLink> {
      return db.transaction(async (transaction) => {
        const post = await findEditable(user, idOrSlug, transaction);
        const link = previewLinks.issue(post.id);
        await auditAdmin(user, 'preview_link', post, transaction, { expiresAt: link.expiresAt.toISOString() });
        return link;
      });
    },

    /** The post a preview link shows, draft or published, with author and category. */
    async previewed(token: string): Promise<Post> {
      const check = previewLinks.check(token);
      if (!check.ok && check.reason === 'expired')
        throw new ApiError(410, 'preview_expired', 'This preview link has expired; ask the author for a new one.');
      const post = check.ok ? await Post.findByPk(check.postId, { include }) : null;
      if (!post) throw notFound('Preview');
      return withTagsOne(post);
    },

    /**
     * One page of published posts, newest first, with author, category and comment count: the
     * count and one lean query of plain rows (the columns a list shows, author and category by
     * join, no model instances), as the comments page does.
     */
    async listPublished(query: { category?: string; tag?: string; page: number; limit: number }) {
      let categoryId: number | null = null;
      if (query.category) {
        const category = await Category.findOne({ where: { slug: query.category }, attributes: ['id'] });
        if (!category) throw notFound('Category');
        categoryId = category.id;
      }
      const tagId = query.tag ? await tags.idOfSlug(query.tag) : null;
      const where = `p.status = 'published'${categoryId === null ? '' : ' AND p.category_id = ?'}${tagId === null ? '' : ' AND p.id IN (SELECT post_id FROM post_tags WHERE tag_id = ?)'}`;
      const filter = [...(categoryId === null ? [] : [categoryId]), ...(tagId === null ? [] : [tagId])];
      const [counted] = await db.select<{ total: number | string }>(
        `SELECT count(*) AS total FROM posts p WHERE ${where}`,
        filter,
      );
      // The page's ids first, from the (status, published_at) index alone, then only those ten rows
      // joined: with OFFSET on the joined rows, a deep page (page 900 of 1,000) joined and threw
      // away every row before it.
      const rows = await db.select<PostListRow>(
        `SELECT p.id, p.slug, p.title, p.subtitle, p.excerpt, p.status, p.comments_count, p.published_at,
                p.created_at, p.updated_at, p.reading_minutes, p.publish_at, u.id AS author_id, u.name AS author_name, u.slug AS author_slug,
                k.id AS category_id, k.name AS category_name, k.slug AS category_slug,
                m.id AS cover_id, m.key AS cover_key, m.width AS cover_width, m.height AS cover_height,
                m.alt AS cover_alt, m.variants AS cover_variants
         FROM (SELECT p.id FROM posts p WHERE ${where} ORDER BY p.published_at DESC, p.id DESC LIMIT ? OFFSET ?) page
         JOIN posts p ON p.id = page.id JOIN users u ON u.id = p.author_id LEFT JOIN categories k ON k.id = p.category_id
         LEFT JOIN media m ON m.id = p.cover_media_id
         ORDER BY p.published_at DESC, p.id DESC`,
        [...filter, query.limit, (query.page - 1) * query.limit],
      );
      return { rows: await withTags(rows.map(postSummaryOf)), total: Number(counted?.total ?? 0) };
    },

    /** A post `user` may edit (others' drafts are not found, others' published posts forbidden). */
    getEditable(user: User, idOrSlug: string): Promise<Post> {
      return findEditable(user, idOrSlug);
    },

    /** A published post, or a draft its author or an admin may see. */
    async getVisible(idOrSlug: string, viewer: User | null): Promise<Post> {
      const post = await find(idOrSlug);
      if (!post || (post.status !== 'published' && !canEditPost(viewer, post))) throw notFound('Post');
      return post;
    },

    async create(author: User, input: CreatePostInput): Promise<Post> {
      const publishAt = input.publishAt === undefined ? null : checkPublishAt(input.publishAt, clock());
      if (publishAt && input.status === 'published') {
        throw unprocessable('not_schedulable', 'A post is either published now or scheduled, not both.', [
          { path: 'publishAt', message: 'only for a draft' },
        ]);
      }
      const id = await writeWithSlug(async (transaction) => {
        await checkCategory(input.categoryId, transaction);
        if (input.coverMediaId !== null) await media.coverFor(input.coverMediaId, transaction);
        const slug = await slugFor(input.title, input.slug, transaction);
        const post = await Post.create(
          {
            authorId: author.id,
            categoryId: input.categoryId,
            coverMediaId: input.coverMediaId,
            ...postFieldsOf(input),
            slug,
            status: publishAt ? 'scheduled' : input.status,
            publishedAt: input.status === 'published' ? clock() : null,
            publishAt,
          },
          { transaction },
        );
        if (input.tags.length > 0) await tags.setPostTags(post.id, input.tags, transaction);
        await recordRevision(db, post, author, transaction);
        if (post.publishAt) await enqueueScheduledPublish(jobs, post, transaction);
        if (post.status === 'published') await announce(transaction, 'published', post);
        if (post.status === 'published') await newsletter?.postPublished(post, transaction);
        await auditAdmin(author, 'create', post, transaction);
        return post.id;
      });
      return reload(id);
    },

    async update(user: User, idOrSlug: string, input: UpdatePostInput): Promise<Post> {
      const id = await writeWithSlug(async (transaction) => {
        const post = await findEditable(user, idOrSlug, transaction);
        if (input.version !== undefined && input.version !== post.version) {
          throw new ApiError(
            409,
            'version_conflict',
            'This post was saved by someone else (or in another tab) since you loaded it.',
            [
              {
                path: 'version',
                message: `the current version is ${post.version}`,
                version: post.version,
                updatedAt: post.updatedAt.toISOString(),
              },
            ],
          );
        }
        const previousSlug = post.slug;
        if (input.authorId !== undefined && input.authorId !== post.authorId) {
          if (user.role !== 'admin') throw forbidden('forbidden', 'Only admins can reassign posts.');
          const newAuthor = await User.findByPk(input.authorId, { transaction });
          if (!newAuthor || (newAuthor.role !== 'author' && newAuthor.role !== 'admin')) {
            throw unprocessable('invalid_author', 'Posts can only be assigned to an author or admin.', [
              { path: 'authorId', message: 'not an author or admin' },
            ]);
          }
          post.authorId = newAuthor.id;
        }
        if (input.coverMediaId !== undefined && input.coverMediaId !== post.coverMediaId) {
          if (input.coverMediaId !== null) await media.coverFor(input.coverMediaId, transaction);
          post.coverMediaId = input.coverMediaId;
        }
        if (input.categoryId !== undefined) {
          await checkCategory(input.categoryId, transaction);
          post.categoryId = input.categoryId;
        }
        if (input.slug !== undefined && input.slug !== post.slug) {
          post.slug = await slugFor(post.title, input.slug, transaction, post.id);
        }
        if (input.title !== undefined) post.title = input.title;
        if (input.subtitle !== undefined) post.subtitle = input.subtitle;
        if (input.bodyMarkdown !== undefined) post.bodyMarkdown = input.bodyMarkdown;
        if (input.commentsClosed !== undefined) post.commentsClosed = input.commentsClosed;
        if (input.commentModeration !== undefined) post.commentModeration = input.commentModeration;
        // A new set of tags is an edit of the post: it is saved (updatedAt) and announced like one.
        const retagged = input.tags !== undefined && (await tags.setPostTags(post.id, input.tags, transaction));
        if (retagged && !post.changed()) post.changed('updatedAt', true);
        if (input.metaDescription !== undefined) post.metaDescription = input.metaDescription;
        if (input.customExcerpt !== undefined) post.customExcerpt = input.customExcerpt;
        if (input.canonicalUrl !== undefined) post.canonicalUrl = input.canonicalUrl;
        if (input.ogImageUrl !== undefined) post.ogImageUrl = input.ogImageUrl;
        if (input.publishAt === null && post.status === 'scheduled') {
          post.status = 'draft';
          post.publishAt = null;
        } else if (input.publishAt) {
          if (post.status === 'published') {
            throw unprocessable('not_schedulable', 'A published post cannot be scheduled; unpublish it first.', [
              { path: 'publishAt', message: 'the post is already published' },
            ]);
          }
          post.status = 'scheduled';
          post.publishAt = checkPublishAt(input.publishAt, clock());
        }
        if (post.changed()) {
          const revised = contentChanged(post);
          const rescheduled = post.changed('publishAt') && post.publishAt !== null;
          post.version += 1;
          await post.save({ transaction });
          if (revised) await recordRevision(db, post, user, transaction);
          if (rescheduled) await enqueueScheduledPublish(jobs, post, transaction);
          if (post.status === 'published') await announce(transaction, 'updated', post, previousSlug);
          await auditAdmin(user, 'update', post, transaction);
        }
        return post.id;
      });
      return reload(id);
    },

    /** Publishes (first publication date kept on re-publish) or unpublishes a post; a no-op when it already is. */
    async setPublished(idOrSlug: string, published: boolean, { actor, transaction }: WriteContext): Promise<Post> {
      const id = await within(db, transaction, async (t) => {
        const post = await findEditable(actor, idOrSlug, t);
        // Unpublishing a scheduled post cancels its schedule (back to draft).
        const already = post.status === (published ? 'published' : 'draft');
        if (!already) await applyPublished(post, published, t);
        await auditAdmin(actor, published ? 'publish' : 'unpublish', post, t, { already });
        return post.id;
      });
      if (!transaction) return reload(id);
      const post = await Post.findByPk(id, { include, transaction });
      if (!post) throw notFound('Post');
      return withTagsOne(post, transaction);
    },

    /**
     * The scheduled-publish job's work: publishes post `postId` through the one publish path if
     * it is still scheduled for `publishAt` (dated that time); otherwise (rescheduled, cancelled,
     * published by hand, deleted) does nothing. Returns whether it published.
     */
    async publishScheduled(postId: number, publishAt: Date): Promise<boolean> {
      return db.transaction(async (t) => {
        const lock = db.dialect === 'postgres' ? { lock: t.LOCK.UPDATE } : {};
        const post = await Post.findByPk(postId, { transaction: t, ...lock });
        if (post?.status !== 'scheduled' || post.publishAt?.getTime() !== publishAt.getTime()) return false;
        await applyPublished(post, true, t, publishAt);
        return true;
      });
    },

    /** Deletes a post and, through the model hooks, its comments. */
    async remove(idOrSlug: string, { actor, transaction }: WriteContext): Promise<void> {
      await within(db, transaction, async (t) => {
        const post = await findEditable(actor, idOrSlug, t);
        const wasPublished = post.status === 'published';
        await post.destroy({ transaction: t });
        if (wasPublished) await announce(t, 'deleted', post);
        await auditAdmin(actor, 'delete', post, t, { authorId: post.authorId, status: post.status });
      });
    },
  };
}
