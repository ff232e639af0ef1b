import { QueryTypes, type Transaction } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFactories } from '../../test/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import { ApiError } from '../lib/errors.js';
import type { Database } from './index.js';
import type { Category, Comment, Post, User } from './models/index.js';
import { findCountDrift } from './recount.js';

let testDb: TestDatabase;
let db: Database;
let make: ReturnType<typeof createFactories>;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  make = createFactories(db, () => new Date());
});
afterAll(async () => {
  await testDb.destroy();
});

const inTransaction = <T>(work: (transaction: Transaction) => Promise<T>): Promise<T> => db.transaction(work);

/** The counters of a user as stored now. */
async function userCounts(user: User): Promise<{ posts: number; comments: number }> {
  const row = await db.models.User.findByPk(user.id, { rejectOnEmpty: true });
  return { posts: row.postsCount, comments: row.commentsCount };
}

async function categoryPosts(category: Category): Promise<number> {
  return (await db.models.Category.findByPk(category.id, { rejectOnEmpty: true })).postsCount;
}

async function postComments(post: Post): Promise<number> {
  return (await db.models.Post.findByPk(post.id, { rejectOnEmpty: true })).commentsCount;
}

async function loadPost(post: Post): Promise<Post> {
  return db.models.Post.findByPk(post.id, { rejectOnEmpty: true });
}

async function loadComment(comment: Comment): Promise<Comment> {
  return db.models.Comment.findByPk(comment.id, { rejectOnEmpty: true });
}

async function exists(model: 'User' | 'Post' | 'Comment', id: number): Promise<boolean> {
  const where = { id };
  if (model === 'User') return (await db.models.User.count({ where })) === 1;
  if (model === 'Post') return (await db.models.Post.count({ where })) === 1;
  return (await db.models.Comment.count({ where })) === 1;
}

async function expectNoDrift(): Promise<void> {
  expect(await findCountDrift(db)).toEqual([]);
}

/** Changes a comment's status in a transaction of its own, through a freshly loaded row. */
async function setCommentStatus(comment: Comment, status: Comment['status']): Promise<void> {
  await inTransaction(async (transaction) => {
    const row = await db.models.Comment.findByPk(comment.id, { transaction, rejectOnEmpty: true });
    await row.update({ status }, { transaction });
  });
}

describe('post counts', () => {
  it('counts a new published post, not a new draft', async () => {
    const author = await make.user({ role: 'author' });
    const category = await make.category();

    await make.post(author, { category, status: 'draft' });
    expect(await userCounts(author)).toEqual({ posts: 0, comments: 0 });
    expect(await categoryPosts(category)).toBe(0);

    await make.post(author, { category, status: 'published' });
    expect(await userCounts(author)).toEqual({ posts: 1, comments: 0 });
    expect(await categoryPosts(category)).toBe(1);
    await expectNoDrift();
  });

  it('counts a draft when it is published', async () => {
    const author = await make.user({ role: 'author' });
    const category = await make.category();
    const post = await make.post(author, { category, status: 'draft' });

    await inTransaction((transaction) =>
      post.update({ status: 'published', publishedAt: new Date() }, { transaction }),
    );

    expect(await userCounts(author)).toEqual({ posts: 1, comments: 0 });
    expect(await categoryPosts(category)).toBe(1);
    await expectNoDrift();
  });

  it('uncounts a post when it is unpublished', async () => {
    const author = await make.user({ role: 'author' });
    const category = await make.category();
    const post = await make.post(author, { category, status: 'published' });
    await make.post(author, { category, status: 'published' });

    await inTransaction((transaction) => post.update({ status: 'draft' }, { transaction }));

    expect(await userCounts(author)).toEqual({ posts: 1, comments: 0 });
    expect(await categoryPosts(category)).toBe(1);
    await expectNoDrift();
  });

  it('moves the count when a published post moves to another category', async () => {
    const author = await make.user({ role: 'author' });
    const from = await make.category();
    const to = await make.category();
    const post = await make.post(author, { category: from, status: 'published' });
    const draft = await make.post(author, { category: from, status: 'draft' });

    await inTransaction(async (transaction) => {
      await post.update({ categoryId: to.id }, { transaction });
      await draft.update({ categoryId: to.id }, { transaction });
    });

    expect(await categoryPosts(from)).toBe(0);
    expect(await categoryPosts(to)).toBe(1);
    expect(await userCounts(author)).toEqual({ posts: 1, comments: 0 });
    await expectNoDrift();
  });

  it('uncounts the category when a published post loses its category', async () => {
    const author = await make.user({ role: 'author' });
    const category = await make.category();
    const post = await make.post(author, { category, status: 'published' });

    await inTransaction((transaction) => post.update({ categoryId: null }, { transaction }));

    expect(await categoryPosts(category)).toBe(0);
    expect(await userCounts(author)).toEqual({ posts: 1, comments: 0 });
    await expectNoDrift();
  });

  it('moves the count when a published post is reassigned to another author', async () => {
    const from = await make.user({ role: 'author' });
    const to = await make.user({ role: 'author' });
    const category = await make.category();
    const post = await make.post(from, { category, status: 'published' });
    const draft = await make.post(from, { category, status: 'draft' });

    await inTransaction(async (transaction) => {
      await post.update({ authorId: to.id }, { transaction });
      await draft.update({ authorId: to.id }, { transaction });
    });

    expect(await userCounts(from)).toEqual({ posts: 0, comments: 0 });
    expect(await userCounts(to)).toEqual({ posts: 1, comments: 0 });
    expect(await categoryPosts(category)).toBe(1);
    await expectNoDrift();
  });

  it('deletes a published post with its comments and uncounts them all', async () => {
    const author = await make.user({ role: 'author' });
    const alice = await make.user();
    const bob = await make.user();
    const category = await make.category();
    const post = await make.post(author, { category, status: 'published' });
    const other = await make.post(author, { category, status: 'published' });
    const top = await make.comment(post, alice);
    await make.comment(post, bob, { parent: top });
    await make.comment(post, bob, { status: 'hidden' });
    await make.comment(post, author);
    await make.comment(other, alice);
    expect(await userCounts(alice)).toEqual({ posts: 0, comments: 2 });
    expect(await userCounts(bob)).toEqual({ posts: 0, comments: 1 });

    await inTransaction((transaction) => post.destroy({ transaction }));

    expect(await exists('Post', post.id)).toBe(false);
    expect(await db.models.Comment.count({ where: { postId: post.id } })).toBe(0);
    expect(await userCounts(author)).toEqual({ posts: 1, comments: 0 });
    expect(await userCounts(alice)).toEqual({ posts: 0, comments: 1 });
    expect(await userCounts(bob)).toEqual({ posts: 0, comments: 0 });
    expect(await categoryPosts(category)).toBe(1);
    expect(await postComments(other)).toBe(1);
    await expectNoDrift();
  });

  it('deletes a draft post without touching the post counters', async () => {
    const author = await make.user({ role: 'author' });
    const reader = await make.user();
    const category = await make.category();
    await make.post(author, { category, status: 'published' });
    const draft = await make.post(author, { category, status: 'draft' });
    // An editor's preview comment on the draft still counts for its author.
    await make.comment(draft, reader);
    expect(await userCounts(reader)).toEqual({ posts: 0, comments: 1 });

    await inTransaction((transaction) => draft.destroy({ transaction }));

    expect(await exists('Post', draft.id)).toBe(false);
    expect(await userCounts(author)).toEqual({ posts: 1, comments: 0 });
    expect(await userCounts(reader)).toEqual({ posts: 0, comments: 0 });
    expect(await categoryPosts(category)).toBe(1);
    await expectNoDrift();
  });
});

describe('comment counts', () => {
  it('counts a new visible comment, not a new hidden one', async () => {
    const author = await make.user({ role: 'author' });
    const reader = await make.user();
    const post = await make.post(author);

    await make.comment(post, reader);
    await make.comment(post, reader, { status: 'hidden' });

    expect(await postComments(post)).toBe(1);
    expect(await userCounts(reader)).toEqual({ posts: 0, comments: 1 });
    expect(await userCounts(author)).toEqual({ posts: 1, comments: 0 });
    await expectNoDrift();
  });

  it('counts a reply like any comment', async () => {
    const author = await make.user({ role: 'author' });
    const alice = await make.user();
    const bob = await make.user();
    const post = await make.post(author);
    const top = await make.comment(post, alice);

    await make.comment(post, bob, { parent: top });

    expect(await postComments(post)).toBe(2);
    expect(await userCounts(alice)).toEqual({ posts: 0, comments: 1 });
    expect(await userCounts(bob)).toEqual({ posts: 0, comments: 1 });
    await expectNoDrift();
  });

  it('uncounts a comment when it is hidden', async () => {
    const author = await make.user({ role: 'author' });
    const reader = await make.user();
    const post = await make.post(author);
    const comment = await make.comment(post, reader);
    await make.comment(post, reader);

    await setCommentStatus(comment, 'hidden');

    expect((await loadComment(comment)).status).toBe('hidden');
    expect(await postComments(post)).toBe(1);
    expect(await userCounts(reader)).toEqual({ posts: 0, comments: 1 });
    await expectNoDrift();
  });

  it('counts a comment again when it is unhidden', async () => {
    const author = await make.user({ role: 'author' });
    const reader = await make.user();
    const post = await make.post(author);
    const comment = await make.comment(post, reader, { status: 'hidden' });

    await setCommentStatus(comment, 'visible');

    expect(await postComments(post)).toBe(1);
    expect(await userCounts(reader)).toEqual({ posts: 0, comments: 1 });
    await expectNoDrift();
  });

  it('uncounts a comment once when it is hidden twice', async () => {
    const author = await make.user({ role: 'author' });
    const reader = await make.user();
    const post = await make.post(author);
    const comment = await make.comment(post, reader);
    await make.comment(post, reader);

    await setCommentStatus(comment, 'hidden');
    await setCommentStatus(comment, 'hidden');
    await inTransaction(async (transaction) => {
      comment.status = 'hidden';
      await comment.save({ transaction });
      comment.status = 'hidden';
      await comment.save({ transaction });
    });

    expect(await postComments(post)).toBe(1);
    expect(await userCounts(reader)).toEqual({ posts: 0, comments: 1 });
    await expectNoDrift();
  });

  it('deletes a comment with its replies and uncounts each visible one', async () => {
    const author = await make.user({ role: 'author' });
    const alice = await make.user();
    const bob = await make.user();
    const carol = await make.user();
    const post = await make.post(author);
    const top = await make.comment(post, alice);
    const kept = await make.comment(post, alice);
    const replies = [
      await make.comment(post, bob, { parent: top }),
      await make.comment(post, bob, { parent: top, status: 'hidden' }),
      await make.comment(post, carol, { parent: top }),
    ];
    const keptReply = await make.comment(post, bob, { parent: kept });
    expect(await postComments(post)).toBe(5);

    await inTransaction((transaction) => top.destroy({ transaction }));

    expect(await exists('Comment', top.id)).toBe(false);
    for (const reply of replies) expect(await exists('Comment', reply.id)).toBe(false);
    expect(await exists('Comment', keptReply.id)).toBe(true);
    expect(await postComments(post)).toBe(2);
    expect(await userCounts(alice)).toEqual({ posts: 0, comments: 1 });
    expect(await userCounts(bob)).toEqual({ posts: 0, comments: 1 });
    expect(await userCounts(carol)).toEqual({ posts: 0, comments: 0 });
    await expectNoDrift();
  });

  it('deletes a hidden comment without uncounting it again, but uncounts its visible replies', async () => {
    const author = await make.user({ role: 'author' });
    const alice = await make.user();
    const bob = await make.user();
    const post = await make.post(author);
    const hidden = await make.comment(post, alice);
    await make.comment(post, bob, { parent: hidden });
    await make.comment(post, alice);
    await setCommentStatus(hidden, 'hidden');
    expect(await postComments(post)).toBe(2);

    await inTransaction(async (transaction) => {
      const row = await db.models.Comment.findByPk(hidden.id, { transaction, rejectOnEmpty: true });
      await row.destroy({ transaction });
    });

    expect(await exists('Comment', hidden.id)).toBe(false);
    expect(await postComments(post)).toBe(1);
    expect(await userCounts(alice)).toEqual({ posts: 0, comments: 1 });
    expect(await userCounts(bob)).toEqual({ posts: 0, comments: 0 });
    await expectNoDrift();
  });
});

describe('user and category deletion', () => {
  it("deletes a user's comments and others' replies to them, and keeps every count exact", async () => {
    const author = await make.user({ role: 'author' });
    const doomed = await make.user();
    const alice = await make.user();
    const bob = await make.user();
    const first = await make.post(author);
    const second = await make.post(author);

    const doomedTop = await make.comment(first, doomed);
    const doomedHidden = await make.comment(second, doomed, { status: 'hidden' });
    const aliceTop = await make.comment(second, alice);
    const survivors = [
      aliceTop,
      await make.comment(first, alice),
      await make.comment(second, bob, { parent: aliceTop }),
    ];
    const gone = [
      doomedTop,
      doomedHidden,
      await make.comment(first, doomed, { parent: doomedTop }),
      await make.comment(first, alice, { parent: doomedTop }),
      await make.comment(first, bob, { parent: doomedTop, status: 'hidden' }),
      await make.comment(second, bob, { parent: doomedHidden }),
      await make.comment(second, doomed, { parent: aliceTop }),
    ];
    expect(await postComments(first)).toBe(4);
    expect(await postComments(second)).toBe(4);

    await inTransaction((transaction) => doomed.destroy({ transaction }));

    expect(await exists('User', doomed.id)).toBe(false);
    for (const comment of gone) expect(await exists('Comment', comment.id)).toBe(false);
    for (const comment of survivors) expect(await exists('Comment', comment.id)).toBe(true);
    expect(await postComments(first)).toBe(1);
    expect(await postComments(second)).toBe(2);
    expect(await userCounts(alice)).toEqual({ posts: 0, comments: 2 });
    expect(await userCounts(bob)).toEqual({ posts: 0, comments: 1 });
    expect(await userCounts(author)).toEqual({ posts: 2, comments: 0 });
    await expectNoDrift();
  });

  it('refuses to delete a user who owns posts, with 409 author_has_posts, and changes nothing', async () => {
    const author = await make.user({ role: 'author' });
    const reader = await make.user();
    const host = await make.post(reader);
    const draft = await make.post(author, { status: 'draft' });
    const comment = await make.comment(host, author);

    const attempt = inTransaction((transaction) => author.destroy({ transaction }));

    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    await expect(attempt).rejects.toMatchObject({ status: 409, code: 'author_has_posts' });
    expect(await exists('User', author.id)).toBe(true);
    expect(await exists('Post', draft.id)).toBe(true);
    expect(await exists('Comment', comment.id)).toBe(true);
    expect(await userCounts(author)).toEqual({ posts: 0, comments: 1 });
    expect(await postComments(host)).toBe(1);
    await expectNoDrift();
  });

  it('leaves the posts of a deleted category uncategorised and their authors counted', async () => {
    const author = await make.user({ role: 'author' });
    const category = await make.category();
    const published = await make.post(author, { category, status: 'published' });
    const draft = await make.post(author, { category, status: 'draft' });

    await inTransaction((transaction) => category.destroy({ transaction }));

    expect(await db.models.Category.count({ where: { id: category.id } })).toBe(0);
    expect((await loadPost(published)).categoryId).toBeNull();
    expect((await loadPost(draft)).categoryId).toBeNull();
    expect(await userCounts(author)).toEqual({ posts: 1, comments: 0 });
    await expectNoDrift();
  });
});

describe('stale instances', () => {
  it('does not uncount twice when a stale instance hides a comment another transaction hid', async () => {
    const author = await make.user({ role: 'author' });
    const reader = await make.user();
    const post = await make.post(author);
    const comment = await make.comment(post, reader);
    await make.comment(post, reader);
    const stale = await loadComment(comment);

    await setCommentStatus(comment, 'hidden');
    await inTransaction((transaction) => stale.update({ status: 'hidden' }, { transaction }));

    expect(await postComments(post)).toBe(1);
    expect(await userCounts(reader)).toEqual({ posts: 0, comments: 1 });
    await expectNoDrift();
  });

  it('does not uncount twice when a stale instance deletes a comment another transaction hid', async () => {
    const author = await make.user({ role: 'author' });
    const reader = await make.user();
    const post = await make.post(author);
    const comment = await make.comment(post, reader);
    await make.comment(post, reader);
    const stale = await loadComment(comment);

    await setCommentStatus(comment, 'hidden');
    await inTransaction((transaction) => stale.destroy({ transaction }));

    expect(await exists('Comment', comment.id)).toBe(false);
    expect(await postComments(post)).toBe(1);
    expect(await userCounts(reader)).toEqual({ posts: 0, comments: 1 });
    await expectNoDrift();
  });

  it('refuses with 404 to delete a comment another transaction already deleted', async () => {
    const author = await make.user({ role: 'author' });
    const reader = await make.user();
    const post = await make.post(author);
    const comment = await make.comment(post, reader);
    await make.comment(post, reader);
    const stale = await loadComment(comment);

    await inTransaction((transaction) => comment.destroy({ transaction }));
    const attempt = inTransaction((transaction) => stale.destroy({ transaction }));

    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    await expect(attempt).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect(await postComments(post)).toBe(1);
    expect(await userCounts(reader)).toEqual({ posts: 0, comments: 1 });
    await expectNoDrift();
  });

  it('refuses with 404 to hide a comment another transaction already deleted', async () => {
    const author = await make.user({ role: 'author' });
    const reader = await make.user();
    const post = await make.post(author);
    const comment = await make.comment(post, reader);
    const stale = await loadComment(comment);

    await inTransaction((transaction) => comment.destroy({ transaction }));
    const attempt = inTransaction((transaction) => stale.update({ status: 'hidden' }, { transaction }));

    await expect(attempt).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect(await postComments(post)).toBe(0);
    expect(await userCounts(reader)).toEqual({ posts: 0, comments: 0 });
    await expectNoDrift();
  });

  it('counts the row as it is when a stale instance moves a post another transaction unpublished', async () => {
    const author = await make.user({ role: 'author' });
    const from = await make.category();
    const to = await make.category();
    const post = await make.post(author, { category: from, status: 'published' });
    const stale = await loadPost(post);

    await inTransaction((transaction) => post.update({ status: 'draft' }, { transaction }));
    await inTransaction((transaction) => stale.update({ categoryId: to.id }, { transaction }));

    const row = await loadPost(post);
    expect(row).toMatchObject({ status: 'draft', categoryId: to.id });
    expect(await categoryPosts(from)).toBe(0);
    expect(await categoryPosts(to)).toBe(0);
    expect(await userCounts(author)).toEqual({ posts: 0, comments: 0 });
    await expectNoDrift();
  });

  it('counts the row as it is when a stale instance publishes a draft another transaction reassigned', async () => {
    const from = await make.user({ role: 'author' });
    const to = await make.user({ role: 'author' });
    const category = await make.category();
    const draft = await make.post(from, { category, status: 'draft' });
    const stale = await loadPost(draft);

    await inTransaction((transaction) => draft.update({ authorId: to.id }, { transaction }));
    await inTransaction((transaction) => stale.update({ status: 'published' }, { transaction }));

    expect(await loadPost(draft)).toMatchObject({ status: 'published', authorId: to.id });
    expect(await userCounts(from)).toEqual({ posts: 0, comments: 0 });
    expect(await userCounts(to)).toEqual({ posts: 1, comments: 0 });
    expect(await categoryPosts(category)).toBe(1);
    await expectNoDrift();
  });

  it('counts only the fields a save writes when it names them', async () => {
    const author = await make.user({ role: 'author' });
    const category = await make.category();
    const post = await make.post(author, { category, status: 'published' });

    await inTransaction(async (transaction) => {
      post.status = 'draft';
      post.title = 'Renamed';
      await post.save({ fields: ['title'], transaction });
    });

    expect(await loadPost(post)).toMatchObject({ status: 'published', title: 'Renamed' });
    expect(await userCounts(author)).toEqual({ posts: 1, comments: 0 });
    expect(await categoryPosts(category)).toBe(1);
    await expectNoDrift();
  });

  it('refuses with 404 to delete a post another transaction already deleted', async () => {
    const author = await make.user({ role: 'author' });
    const category = await make.category();
    const post = await make.post(author, { category, status: 'published' });
    const stale = await loadPost(post);

    await inTransaction((transaction) => post.destroy({ transaction }));
    const attempt = inTransaction((transaction) => stale.destroy({ transaction }));

    await expect(attempt).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect(await userCounts(author)).toEqual({ posts: 0, comments: 0 });
    expect(await categoryPosts(category)).toBe(0);
    await expectNoDrift();
  });
});

describe('guards', () => {
  it('refuses bulk destroys and bulk updates of counted fields, changing nothing', async () => {
    const author = await make.user({ role: 'author' });
    const reader = await make.user();
    const post = await make.post(author);
    const comment = await make.comment(post, reader);
    const { Comment: Comments, Post: Posts, User: Users } = db.models;

    await expect(
      inTransaction((transaction) => Comments.destroy({ where: { id: comment.id }, transaction })),
    ).rejects.toThrow(/Bulk changes to Comment/);
    await expect(
      inTransaction((transaction) => Posts.destroy({ where: { id: post.id }, transaction })),
    ).rejects.toThrow(/Bulk changes to Post/);
    await expect(
      inTransaction((transaction) => Users.destroy({ where: { id: reader.id }, transaction })),
    ).rejects.toThrow(/Bulk changes to User/);
    await expect(
      inTransaction((transaction) => Posts.update({ status: 'draft' }, { where: { id: post.id }, transaction })),
    ).rejects.toThrow(/Bulk changes to Post/);
    await expect(
      inTransaction((transaction) => Comments.update({ status: 'hidden' }, { where: { id: comment.id }, transaction })),
    ).rejects.toThrow(/Bulk changes to Comment/);

    expect(await exists('Comment', comment.id)).toBe(true);
    expect(await exists('Post', post.id)).toBe(true);
    expect(await exists('User', reader.id)).toBe(true);
    expect(await loadPost(post)).toMatchObject({ status: 'published', commentsCount: 1 });
    expect(await loadComment(comment)).toMatchObject({ status: 'visible' });
    expect(await userCounts(author)).toEqual({ posts: 1, comments: 0 });
    expect(await userCounts(reader)).toEqual({ posts: 0, comments: 1 });
    await expectNoDrift();
  });

  it('refuses counted changes made outside a transaction', async () => {
    const author = await make.user({ role: 'author' });
    const post = await make.post(author, { status: 'draft' });

    await expect(post.update({ status: 'published' })).rejects.toThrow(/inside a transaction/);

    expect((await loadPost(post)).status).toBe('draft');
    expect(await userCounts(author)).toEqual({ posts: 0, comments: 0 });
    await expectNoDrift();
  });
});

// Two transactions truly overlapping is only possible on PostgreSQL: SQLite ones run one at a time.
describe.runIf(process.env.TEST_DATABASE_URL)('concurrent transactions (PostgreSQL)', () => {
  /** Resolves once some backend of this database waits on a row lock. */
  async function someoneWaitsOnALock(): Promise<void> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const [row] = await db.sequelize.query<{ waiting: number | string }>(
        "SELECT COUNT(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        { type: QueryTypes.SELECT },
      );
      if (Number(row?.waiting) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('No transaction ever waited on a lock');
  }

  it("counts a reply committed while its parent's author is being deleted", async () => {
    const author = await make.user({ role: 'author' });
    const doomed = await make.user();
    const replier = await make.user();
    const post = await make.post(author);
    const parent = await make.comment(post, doomed);

    // Not db.transaction: this one must stay open while the deletion runs.
    const replying = await db.sequelize.transaction();
    const reply = await db.models.Comment.create(
      { postId: post.id, authorId: replier.id, parentId: parent.id, bodyMarkdown: 'Late reply.' },
      { transaction: replying },
    );
    const deletion = inTransaction((transaction) => doomed.destroy({ transaction }));
    await someoneWaitsOnALock();
    await replying.commit();
    await deletion;

    expect(await exists('Comment', parent.id)).toBe(false);
    expect(await exists('Comment', reply.id)).toBe(false);
    expect(await postComments(post)).toBe(0);
    expect(await userCounts(replier)).toEqual({ posts: 0, comments: 0 });
    await expectNoDrift();
  });
});
