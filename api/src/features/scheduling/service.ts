import { REVISIONS_KEPT } from '@blog/contract/revisions';
import { Op, type Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Post, PostRevision, User } from '../../db/models/index.js';
import { notFound } from '../../lib/errors.js';
import type { PostService } from '../posts/service.js';

/**
 * Saves `post`'s title, subtitle and body as the revision of its (new) version, in the
 * transaction that saved the post, and deletes what falls beyond the last REVISIONS_KEPT.
 */
export async function recordRevision(
  db: Database,
  post: Pick<Post, 'id' | 'version' | 'title' | 'subtitle' | 'bodyMarkdown'>,
  by: Pick<User, 'id'> | null,
  transaction: Transaction,
): Promise<void> {
  const { PostRevision } = db.models;
  await PostRevision.create(
    {
      postId: post.id,
      version: post.version,
      title: post.title,
      subtitle: post.subtitle,
      bodyMarkdown: post.bodyMarkdown,
      userId: by?.id ?? null,
    },
    { transaction },
  );
  const [oldestKept] = await PostRevision.findAll({
    where: { postId: post.id },
    attributes: ['version'],
    order: [['version', 'DESC']],
    limit: 1,
    offset: REVISIONS_KEPT - 1,
    transaction,
  });
  if (oldestKept) {
    await PostRevision.destroy({ where: { postId: post.id, version: { [Op.lt]: oldestKept.version } }, transaction });
  }
}

export type RevisionService = ReturnType<typeof createRevisionService>;

/** A post's saved versions: read by those who may edit it, restored through the post service's update. */
export function createRevisionService({ db, posts }: { db: Database; posts: PostService }) {
  const { PostRevision, User } = db.models;
  const include = [{ model: User, as: 'user', attributes: ['id', 'name'] }];

  async function one(post: Post, version: number): Promise<PostRevision> {
    const revision = await PostRevision.findOne({ where: { postId: post.id, version }, include });
    if (!revision) throw notFound('Revision');
    return revision;
  }

  return {
    /** The kept revisions of a post, newest first (without their bodies). */
    async list(user: User, idOrSlug: string): Promise<PostRevision[]> {
      const post = await posts.getEditable(user, idOrSlug);
      return PostRevision.findAll({
        where: { postId: post.id },
        attributes: ['id', 'postId', 'version', 'title', 'userId', 'createdAt'],
        include,
        order: [['version', 'DESC']],
      });
    },

    async get(user: User, idOrSlug: string, version: number): Promise<PostRevision> {
      return one(await posts.getEditable(user, idOrSlug), version);
    },

    /** Makes a revision's title, subtitle and body the post's again: a normal edit (a new version, a new revision). */
    async restore(user: User, idOrSlug: string, version: number): Promise<Post> {
      const post = await posts.getEditable(user, idOrSlug);
      const revision = await one(post, version);
      return posts.update(user, String(post.id), {
        title: revision.title,
        subtitle: revision.subtitle,
        bodyMarkdown: revision.bodyMarkdown,
      });
    },
  };
}
