import type {
  CreateOptions,
  InstanceDestroyOptions,
  InstanceUpdateOptions,
  Transaction,
  WhereOptions,
} from 'sequelize';
import { conflict, notFound } from '../lib/errors.js';
import type { Comment, CommentLike, Models, Post, PostTag, User } from './models/index.js';

// The one place that says which rows count. Everything else asks these.
/** Only published posts count toward user.posts_count, category.posts_count and tag.posts_count. */
export const COUNTED_POST_STATUS = 'published';
export const isCountedPost = (post: Pick<Post, 'status'>): boolean => post.status === COUNTED_POST_STATUS;
/** Only visible comments count toward post.comments_count and user.comments_count. */
export const COUNTED_COMMENT_STATUS = 'visible';
export const isCountedComment = (comment: Pick<Comment, 'status'>): boolean =>
  comment.status === COUNTED_COMMENT_STATUS;

/*
 * Every like counts toward its comment's likes_count, whatever the comment's status: hiding a
 * comment keeps its likes and its count (shown again, it is as it was; the recount agrees).
 */

type CounterTable = 'User' | 'Category' | 'Tag' | 'Post' | 'Comment';
type CounterField = 'postsCount' | 'commentsCount' | 'likesCount';

/**
 * Collects counter changes, then applies them as atomic `x = x + n` updates in a
 * fixed (table, id) order, so concurrent transactions lock rows in the same order.
 */
class CounterDeltas {
  private readonly deltas = new Map<string, { table: CounterTable; id: number; field: CounterField; by: number }>();

  add(table: CounterTable, id: number | null | undefined, field: CounterField, by: number): void {
    if (id === null || id === undefined || by === 0) return;
    const key = `${table}:${id}:${field}`;
    const entry = this.deltas.get(key);
    if (entry) entry.by += by;
    else this.deltas.set(key, { table, id, field, by });
  }

  async apply(models: Models, transaction: Transaction): Promise<void> {
    const order: Record<CounterTable, number> = { User: 0, Category: 1, Tag: 2, Post: 3, Comment: 4 };
    const entries = [...this.deltas.values()]
      .filter((entry) => entry.by !== 0)
      .sort((a, b) => order[a.table] - order[b.table] || a.id - b.id);
    for (const { table, id, field, by } of entries) {
      const options = { where: { id }, transaction, silent: true };
      if (table === 'User') await models.User.increment({ [field]: by }, options);
      else if (table === 'Category') await models.Category.increment({ postsCount: by }, options);
      else if (table === 'Tag') await models.Tag.increment({ postsCount: by }, options);
      else if (table === 'Post') await models.Post.increment({ commentsCount: by }, options);
      else await models.Comment.increment({ likesCount: by }, options);
    }
  }
}

function transactionOf(options: { transaction?: Transaction | null }, what: string): Transaction {
  if (!options.transaction) {
    throw new Error(`${what} must run inside a transaction: its hooks update counters on other rows`);
  }
  return options.transaction;
}

/**
 * Deletes comments matching `where` without per-row hooks, first taking their
 * visible ones off the counters. `skip` names the rows about to be deleted
 * anyway (the post or user whose deletion cascades here).
 */
async function deleteComments(
  models: Models,
  where: WhereOptions<Comment>,
  transaction: Transaction,
  skip: { postId?: number; userId?: number } = {},
): Promise<number> {
  const rows = await models.Comment.findAll({
    where,
    attributes: ['id', 'postId', 'authorId', 'parentId', 'status'],
    transaction,
    lock: transaction.LOCK.UPDATE,
  });
  if (rows.length === 0) return 0;
  const deltas = new CounterDeltas();
  for (const row of rows) {
    if (!isCountedComment(row)) continue;
    if (row.postId !== skip.postId) deltas.add('Post', row.postId, 'commentsCount', -1);
    if (row.authorId !== skip.userId) deltas.add('User', row.authorId, 'commentsCount', -1);
  }
  await deltas.apply(models, transaction);
  // Replies first, so the parent_id foreign key never cascades to a row we did not count.
  const ids = [
    ...rows.filter((row) => row.parentId !== null).map((row) => row.id),
    ...rows.filter((row) => row.parentId === null).map((row) => row.id),
  ];
  for (let start = 0; start < ids.length; start += 500) {
    await models.Comment.destroy({ where: { id: ids.slice(start, start + 500) }, transaction, hooks: false });
  }
  return rows.length;
}

/**
 * Deletes likes matching `where` without per-row hooks, first taking them off their comments'
 * likes_count (a deleted user's likes on others' comments; the foreign key would drop them
 * uncounted). Likes of a comment being deleted need nothing: their counter goes with the row.
 */
async function deleteLikes(
  models: Models,
  where: WhereOptions<CommentLike>,
  transaction: Transaction,
): Promise<number> {
  const rows = await models.CommentLike.findAll({
    where,
    attributes: ['commentId', 'userId'],
    transaction,
    lock: transaction.LOCK.UPDATE,
  });
  if (rows.length === 0) return 0;
  const deltas = new CounterDeltas();
  for (const row of rows) deltas.add('Comment', row.commentId, 'likesCount', -1);
  await deltas.apply(models, transaction);
  await models.CommentLike.destroy({ where, transaction, hooks: false });
  return rows.length;
}

/** Adds `by` to the posts_count of every tag `postId` carries (read in `transaction`). */
async function addToTagsOf(
  models: Models,
  postId: number,
  by: number,
  deltas: CounterDeltas,
  transaction: Transaction,
) {
  const pairs = await models.PostTag.findAll({ where: { postId }, attributes: ['tagId'], transaction });
  for (const pair of pairs) deltas.add('Tag', pair.tagId, 'postsCount', by);
}

/** The row as it is now in the database, locked for this transaction (PostgreSQL; SQLite transactions are IMMEDIATE). */
async function lockedCurrent<M extends 'User' | 'Post' | 'Comment'>(
  models: Models,
  name: M,
  id: number,
  transaction: Transaction,
) {
  const model = models[name] as Models[M];
  const row = await (model as Models['Post']).findByPk(id, { transaction, lock: transaction.LOCK.UPDATE });
  return row as InstanceType<Models[M]> | null;
}

/**
 * Whether this save writes `field` from the instance. Sequelize sets
 * `options.fields` (by default the changed attributes) before the update hooks run,
 * and writes nothing at all when no attribute changed.
 */
function writes(instance: Post | Comment, options: InstanceUpdateOptions, field: string): boolean {
  const changed = instance.changed();
  if (!changed) return false;
  return (options.fields ?? changed).some((written) => written === field);
}

// hooks

async function countNewPost(models: Models, post: Post, options: CreateOptions): Promise<void> {
  if (!isCountedPost(post)) return;
  const transaction = transactionOf(options, 'Creating a post');
  const deltas = new CounterDeltas();
  deltas.add('User', post.authorId, 'postsCount', 1);
  deltas.add('Category', post.categoryId, 'postsCount', 1);
  await deltas.apply(models, transaction);
}

async function countChangedPost(models: Models, post: Post, options: InstanceUpdateOptions): Promise<void> {
  const writesStatus = writes(post, options, 'status');
  const writesCategory = writes(post, options, 'categoryId');
  const writesAuthor = writes(post, options, 'authorId');
  if (!writesStatus && !writesCategory && !writesAuthor) return;
  const transaction = transactionOf(options, 'Updating a post');
  const current = await lockedCurrent(models, 'Post', post.id, transaction);
  if (!current) throw notFound('Post');
  // The row as this save leaves it: what it writes from the instance, the rest as
  // stored now. A stale instance's unwritten fields would count the wrong row.
  const next = {
    status: writesStatus ? post.status : current.status,
    categoryId: writesCategory ? post.categoryId : current.categoryId,
    authorId: writesAuthor ? post.authorId : current.authorId,
  };
  const deltas = new CounterDeltas();
  if (isCountedPost(current)) {
    deltas.add('User', current.authorId, 'postsCount', -1);
    deltas.add('Category', current.categoryId, 'postsCount', -1);
  }
  if (isCountedPost(next)) {
    deltas.add('User', next.authorId, 'postsCount', 1);
    deltas.add('Category', next.categoryId, 'postsCount', 1);
  }
  // Tags stay on the post whatever else changes: only publishing or unpublishing moves them.
  const tagsBy = Number(isCountedPost(next)) - Number(isCountedPost(current));
  if (tagsBy !== 0) await addToTagsOf(models, current.id, tagsBy, deltas, transaction);
  await deltas.apply(models, transaction);
}

async function uncountDeletedPost(models: Models, post: Post, options: InstanceDestroyOptions): Promise<void> {
  const transaction = transactionOf(options, 'Deleting a post');
  const current = await lockedCurrent(models, 'Post', post.id, transaction);
  if (!current) throw notFound('Post');
  await deleteComments(models, { postId: current.id }, transaction, { postId: current.id });
  if (isCountedPost(current)) {
    const deltas = new CounterDeltas();
    deltas.add('User', current.authorId, 'postsCount', -1);
    deltas.add('Category', current.categoryId, 'postsCount', -1);
    // Its post_tags rows go by the foreign key's cascade; their tags are uncounted here.
    await addToTagsOf(models, current.id, -1, deltas, transaction);
    await deltas.apply(models, transaction);
  }
}

/*
 * A tag on a post counts toward the tag's posts_count while the post is published. Both hooks
 * lock the post row first, as publishing, unpublishing and deleting it do, so a tag change and a
 * status change of one post take turns and each sees the other's result.
 */

async function countNewPostTag(models: Models, pair: PostTag, options: CreateOptions): Promise<void> {
  const transaction = transactionOf(options, 'Tagging a post');
  const post = await lockedCurrent(models, 'Post', pair.postId, transaction);
  if (!post) throw notFound('Post');
  if (!isCountedPost(post)) return;
  const deltas = new CounterDeltas();
  deltas.add('Tag', pair.tagId, 'postsCount', 1);
  await deltas.apply(models, transaction);
}

async function uncountDeletedPostTag(models: Models, pair: PostTag, options: InstanceDestroyOptions): Promise<void> {
  const transaction = transactionOf(options, 'Untagging a post');
  const post = await lockedCurrent(models, 'Post', pair.postId, transaction);
  if (!post) throw notFound('Post');
  // Read again under the post's lock: a concurrent removal of the same pair finds nothing here.
  const current = await models.PostTag.findOne({
    where: { postId: pair.postId, tagId: pair.tagId },
    transaction,
    lock: transaction.LOCK.UPDATE,
  });
  if (!current) throw notFound('Tag on this post');
  if (!isCountedPost(post)) return;
  const deltas = new CounterDeltas();
  deltas.add('Tag', pair.tagId, 'postsCount', -1);
  await deltas.apply(models, transaction);
}

async function countNewComment(models: Models, comment: Comment, options: CreateOptions): Promise<void> {
  if (!isCountedComment(comment)) return;
  const transaction = transactionOf(options, 'Creating a comment');
  const deltas = new CounterDeltas();
  deltas.add('User', comment.authorId, 'commentsCount', 1);
  deltas.add('Post', comment.postId, 'commentsCount', 1);
  await deltas.apply(models, transaction);
}

async function countChangedComment(models: Models, comment: Comment, options: InstanceUpdateOptions): Promise<void> {
  if (comment.changed('postId') || comment.changed('authorId') || comment.changed('parentId')) {
    throw new Error('A comment cannot move to another post, author or parent');
  }
  if (!writes(comment, options, 'status')) return;
  const transaction = transactionOf(options, 'Updating a comment');
  const current = await lockedCurrent(models, 'Comment', comment.id, transaction);
  if (!current) throw notFound('Comment');
  const by = Number(isCountedComment(comment)) - Number(isCountedComment(current));
  const deltas = new CounterDeltas();
  deltas.add('User', current.authorId, 'commentsCount', by);
  deltas.add('Post', current.postId, 'commentsCount', by);
  await deltas.apply(models, transaction);
}

async function uncountDeletedComment(models: Models, comment: Comment, options: InstanceDestroyOptions): Promise<void> {
  const transaction = transactionOf(options, 'Deleting a comment');
  const current = await lockedCurrent(models, 'Comment', comment.id, transaction);
  if (!current) throw notFound('Comment');
  await deleteComments(models, { parentId: current.id }, transaction);
  if (isCountedComment(current)) {
    const deltas = new CounterDeltas();
    deltas.add('User', current.authorId, 'commentsCount', -1);
    deltas.add('Post', current.postId, 'commentsCount', -1);
    await deltas.apply(models, transaction);
  }
}

async function uncountDeletedUser(models: Models, user: User, options: InstanceDestroyOptions): Promise<void> {
  const transaction = transactionOf(options, 'Deleting a user');
  const current = await lockedCurrent(models, 'User', user.id, transaction);
  if (!current) throw notFound('User');
  const posts = await models.Post.count({ where: { authorId: current.id }, transaction });
  if (posts > 0) {
    throw conflict(
      'author_has_posts',
      `This account still owns ${posts} post${posts === 1 ? '' : 's'}; reassign or delete them first.`,
    );
  }
  // Locked before their replies are read: a reply being added meanwhile holds a key-share
  // lock on its parent, so this waits for it and then sees it, instead of deleting the
  // parent later and letting the foreign key cascade to a reply nobody uncounted.
  const own = await models.Comment.findAll({
    where: { authorId: current.id, parentId: null },
    attributes: ['id'],
    transaction,
    lock: transaction.LOCK.UPDATE,
  });
  await deleteLikes(models, { userId: current.id }, transaction);
  // Others' replies to this user's comments go with them (one level of threading).
  if (own.length > 0) {
    await deleteComments(models, { parentId: own.map((c) => c.id) }, transaction, { userId: current.id });
  }
  await deleteComments(models, { authorId: current.id }, transaction, { userId: current.id });
}

async function countNewLike(models: Models, like: CommentLike, options: CreateOptions): Promise<void> {
  const transaction = transactionOf(options, 'Liking a comment');
  const deltas = new CounterDeltas();
  deltas.add('Comment', like.commentId, 'likesCount', 1);
  await deltas.apply(models, transaction);
}

async function uncountDeletedLike(models: Models, like: CommentLike, options: InstanceDestroyOptions): Promise<void> {
  const transaction = transactionOf(options, 'Unliking a comment');
  // Locked and read again: a concurrent unlike of the same like waits here and then finds nothing.
  const current = await models.CommentLike.findOne({
    where: { commentId: like.commentId, userId: like.userId },
    transaction,
    lock: transaction.LOCK.UPDATE,
  });
  if (!current) throw notFound('Like');
  const deltas = new CounterDeltas();
  deltas.add('Comment', current.commentId, 'likesCount', -1);
  await deltas.apply(models, transaction);
}

function refuseBulk(model: string) {
  return () => {
    throw new Error(
      `Bulk changes to ${model} rows would bypass the count hooks; change rows one at a time through the services`,
    );
  };
}

/** Installs the hooks that keep posts_count (users, categories, tags), comments_count and likes_count exact. */
export function registerCountHooks(models: Models): void {
  models.Post.afterCreate('countNewPost', (post, options) => countNewPost(models, post, options));
  models.Post.beforeUpdate('countChangedPost', (post, options) => countChangedPost(models, post, options));
  models.Post.beforeDestroy('uncountDeletedPost', (post, options) => uncountDeletedPost(models, post, options));
  models.Comment.afterCreate('countNewComment', (comment, options) => countNewComment(models, comment, options));
  models.Comment.beforeUpdate('countChangedComment', (comment, options) =>
    countChangedComment(models, comment, options),
  );
  models.Comment.beforeDestroy('uncountDeletedComment', (comment, options) =>
    uncountDeletedComment(models, comment, options),
  );
  models.User.beforeDestroy('uncountDeletedUser', (user, options) => uncountDeletedUser(models, user, options));
  models.CommentLike.afterCreate('countNewLike', (like, options) => countNewLike(models, like, options));
  models.CommentLike.beforeDestroy('uncountDeletedLike', (like, options) => uncountDeletedLike(models, like, options));

  models.PostTag.afterCreate('countNewPostTag', (pair, options) => countNewPostTag(models, pair, options));
  models.PostTag.beforeDestroy('uncountDeletedPostTag', (pair, options) =>
    uncountDeletedPostTag(models, pair, options),
  );

  models.User.beforeBulkDestroy('refuseBulk', refuseBulk('User'));
  models.Post.beforeBulkDestroy('refuseBulk', refuseBulk('Post'));
  models.Comment.beforeBulkDestroy('refuseBulk', refuseBulk('Comment'));
  models.CommentLike.beforeBulkDestroy('refuseBulk', refuseBulk('CommentLike'));
  models.CommentLike.beforeBulkCreate('refuseBulk', refuseBulk('CommentLike'));
  models.PostTag.beforeBulkDestroy('refuseBulk', refuseBulk('PostTag'));
  models.PostTag.beforeBulkCreate('refuseBulk', refuseBulk('PostTag'));
  models.PostTag.beforeBulkUpdate('refuseBulk', refuseBulk('PostTag'));
  models.Post.beforeBulkUpdate('refuseBulkCounted', (options) => {
    const attributes: string[] = options.fields ?? [];
    if (attributes.some((a) => a === 'status' || a === 'categoryId' || a === 'authorId')) refuseBulk('Post')();
  });
  models.Comment.beforeBulkUpdate('refuseBulkCounted', (options) => {
    const attributes: string[] = options.fields ?? [];
    if (attributes.some((a) => a === 'status' || a === 'postId' || a === 'authorId' || a === 'likesCount')) {
      refuseBulk('Comment')();
    }
  });
}
