import { ForeignKeyConstraintError, QueryTypes, type Transaction, UniqueConstraintError } from 'sequelize';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFactories, unique } from '../../test/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import { ApiError, notFound } from '../lib/errors.js';
import type { Database } from './index.js';
import type { Comment, CommentLike, Post, PostTag, User } from './models/index.js';
import { findCountDrift } from './recount.js';

// Pass COUNTS_SEED to replay a failing run (PostgreSQL interleavings are not replayable, the operations are).
const SEED = Number(process.env.COUNTS_SEED ?? Date.now() % 2 ** 32);
const OPERATIONS = 2500;

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});
afterAll(async () => {
  await testDb.destroy();
});

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number): number => Math.floor(next() * below);
  return {
    int,
    chance: (p: number): boolean => next() < p,
    between: (min: number, max: number): number => min + int(max - min + 1),
    pick<T>(items: readonly T[]): T | undefined {
      return items.length === 0 ? undefined : items[int(items.length)];
    },
  };
}
type Random = ReturnType<typeof createRandom>;

type Operation =
  | { kind: 'createUser' }
  | { kind: 'createPost'; authorId: number; categoryId: number | null; published: boolean }
  | { kind: 'publish' | 'unpublish' | 'deletePost'; postId: number; stale: boolean }
  | { kind: 'moveCategory'; postId: number; categoryId: number | null; stale: boolean }
  | { kind: 'reassignAuthor'; postId: number; authorId: number; stale: boolean }
  | { kind: 'createComment'; postId: number; authorId: number; parentId: number | null; hidden: boolean }
  | { kind: 'hide' | 'unhide' | 'deleteComment'; commentId: number; stale: boolean }
  | { kind: 'deleteUser'; userId: number; stale: boolean }
  | { kind: 'like' | 'unlike'; commentId: number; userId: number; stale: boolean }
  | { kind: 'createTag' }
  | { kind: 'tag' | 'untag'; postId: number; tagId: number; stale: boolean }
  | { kind: 'deleteTag'; tagId: number; stale: boolean };
type Kind = Operation['kind'];

/** Ids of what exists now, to aim the next operations at. */
interface Snapshot {
  users: { id: number; owned: number }[];
  categories: number[];
  posts: { id: number; status: Post['status'] }[];
  comments: { id: number; postId: number; parentId: number | null; status: Comment['status'] }[];
  likes: { commentId: number; userId: number }[];
  tags: number[];
  postTags: { postId: number; tagId: number }[];
}

async function snapshot(): Promise<Snapshot> {
  const [users, owners, categories, posts, comments, likes, tags, postTags] = await Promise.all([
    db.models.User.findAll({ attributes: ['id'] }),
    db.sequelize.query<{ id: number | string; owned: number | string }>(
      'SELECT author_id AS id, COUNT(*) AS owned FROM posts GROUP BY author_id',
      { type: QueryTypes.SELECT },
    ),
    db.models.Category.findAll({ attributes: ['id'] }),
    db.models.Post.findAll({ attributes: ['id', 'status'] }),
    db.models.Comment.findAll({ attributes: ['id', 'postId', 'parentId', 'status'] }),
    db.models.CommentLike.findAll({ attributes: ['commentId', 'userId'] }),
    db.models.Tag.findAll({ attributes: ['id'] }),
    db.models.PostTag.findAll({ attributes: ['postId', 'tagId'] }),
  ]);
  const owned = new Map(owners.map((row) => [Number(row.id), Number(row.owned)]));
  return {
    users: users.map((user) => ({ id: user.id, owned: owned.get(user.id) ?? 0 })),
    categories: categories.map((category) => category.id),
    posts: posts.map((post) => ({ id: post.id, status: post.status })),
    comments: comments.map((comment) => ({
      id: comment.id,
      postId: comment.postId,
      parentId: comment.parentId,
      status: comment.status,
    })),
    likes: likes.map((like) => ({ commentId: like.commentId, userId: like.userId })),
    tags: tags.map((tag) => tag.id),
    postTags: postTags.map((pair) => ({ postId: pair.postId, tagId: pair.tagId })),
  };
}

/** The same snapshot narrowed to a few users, posts and their comments, so concurrent operations collide. */
function hotSpot(random: Random, now: Snapshot): Snapshot {
  const few = <T>(items: T[], about: number): T[] =>
    items.filter(() => random.chance(about / Math.max(items.length, about)));
  const posts = few(now.posts, 3);
  const ids = new Set(posts.map((post) => post.id));
  const comments = now.comments.filter((comment) => ids.has(comment.postId));
  const commentIds = new Set(comments.map((comment) => comment.id));
  return {
    ...now,
    users: few(now.users, 4),
    posts,
    comments,
    likes: now.likes.filter((like) => commentIds.has(like.commentId)),
    tags: few(now.tags, 2),
    postTags: now.postTags.filter((pair) => ids.has(pair.postId)),
  };
}

const WEIGHTS: [Kind, number][] = [
  ['createUser', 2],
  ['createPost', 6],
  ['publish', 5],
  ['unpublish', 4],
  ['moveCategory', 5],
  ['reassignAuthor', 3],
  ['deletePost', 3],
  ['createComment', 22],
  ['hide', 8],
  ['unhide', 5],
  ['deleteComment', 6],
  ['deleteUser', 3],
  ['like', 14],
  ['unlike', 6],
  ['createTag', 2],
  ['tag', 10],
  ['untag', 5],
  ['deleteTag', 1],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);

function chooseKind(random: Random): Kind {
  let ticket = random.int(TOTAL_WEIGHT);
  for (const [kind, weight] of WEIGHTS) {
    ticket -= weight;
    if (ticket < 0) return kind;
  }
  return 'createComment';
}

/** A random operation aimed at rows of `now`; null when there is nothing to aim at. */
function chooseOperation(random: Random, now: Snapshot): Operation | null {
  const kind = chooseKind(random);
  const stale = random.chance(0.5);
  const user = random.pick(now.users);
  const post = random.pick(now.posts);
  const comment = random.pick(now.comments);
  const category = (): number | null => (random.chance(0.2) ? null : (random.pick(now.categories) ?? null));
  switch (kind) {
    case 'createUser':
      return { kind };
    case 'createPost':
      return user ? { kind, authorId: user.id, categoryId: category(), published: random.chance(0.6) } : null;
    case 'publish':
    case 'unpublish':
    case 'deletePost':
      return post ? { kind, postId: post.id, stale } : null;
    case 'moveCategory':
      return post ? { kind, postId: post.id, categoryId: category(), stale } : null;
    case 'reassignAuthor':
      return post && user ? { kind, postId: post.id, authorId: user.id, stale } : null;
    case 'createComment': {
      if (!user) return null;
      const topLevel = now.comments.filter((c) => c.parentId === null);
      const parent = random.chance(0.4) ? random.pick(topLevel) : undefined;
      const postId = parent?.postId ?? post?.id;
      if (postId === undefined) return null;
      return { kind, postId, authorId: user.id, parentId: parent?.id ?? null, hidden: random.chance(0.1) };
    }
    case 'hide':
    case 'unhide':
    case 'deleteComment':
      return comment ? { kind, commentId: comment.id, stale } : null;
    case 'like':
      // The hot spot narrows users and comments, so likes and unlikes of one comment collide.
      return comment && user ? { kind, commentId: comment.id, userId: user.id, stale } : null;
    case 'unlike': {
      const liked = random.pick(now.likes);
      return liked ? { kind, commentId: liked.commentId, userId: liked.userId, stale } : null;
    }
    case 'createTag':
      return { kind };
    case 'tag': {
      const tagId = random.pick(now.tags);
      return post && tagId !== undefined ? { kind, postId: post.id, tagId, stale } : null;
    }
    case 'untag': {
      const pair = random.pick(now.postTags);
      return pair ? { kind, postId: pair.postId, tagId: pair.tagId, stale } : null;
    }
    case 'deleteTag': {
      const tagId = random.pick(now.tags);
      return tagId !== undefined ? { kind, tagId, stale } : null;
    }
    case 'deleteUser': {
      // Mostly users who can go; sometimes an author, to be refused.
      const postless = now.users.filter((u) => u.owned === 0);
      const target = random.chance(0.8) ? random.pick(postless) : user;
      return target ? { kind, userId: target.id, stale } : null;
    }
  }
}

/**
 * Loads the row, either now (outside the transaction, so another one may change it
 * before it is used: a stale instance) or inside the transaction.
 */
async function loader<M>(
  stale: boolean,
  find: (transaction?: Transaction) => Promise<M | null>,
  what: string,
): Promise<(transaction: Transaction) => Promise<M>> {
  const early = stale ? await find() : null;
  return async (transaction) => {
    const row = stale ? early : await find(transaction);
    if (!row) throw notFound(what);
    return row;
  };
}

async function run(operation: Operation): Promise<void> {
  const { User, Post, Comment, CommentLike } = db.models;
  switch (operation.kind) {
    case 'createUser':
      await db.transaction((transaction) =>
        User.create(
          { email: `${unique('prop')}@example.com`, name: 'Random', passwordHash: null, emailVerifiedAt: new Date() },
          { transaction },
        ),
      );
      return;
    case 'createPost':
      await db.transaction((transaction) =>
        Post.create(
          {
            authorId: operation.authorId,
            categoryId: operation.categoryId,
            title: 'Random post',
            slug: unique('prop-'),
            bodyMarkdown: 'Body.',
            status: operation.published ? 'published' : 'draft',
            publishedAt: operation.published ? new Date() : null,
          },
          { transaction },
        ),
      );
      return;
    case 'createComment':
      await db.transaction((transaction) =>
        Comment.create(
          {
            postId: operation.postId,
            authorId: operation.authorId,
            parentId: operation.parentId,
            bodyMarkdown: 'Random comment.',
            status: operation.hidden ? 'hidden' : 'visible',
          },
          { transaction },
        ),
      );
      return;
    case 'publish':
    case 'unpublish':
    case 'moveCategory':
    case 'reassignAuthor':
    case 'deletePost': {
      const load = await loader<Post>(
        operation.stale,
        (transaction) => Post.findByPk(operation.postId, { transaction }),
        'Post',
      );
      await db.transaction(async (transaction) => {
        const post = await load(transaction);
        switch (operation.kind) {
          case 'deletePost':
            return post.destroy({ transaction });
          case 'publish':
            return post.update({ status: 'published', publishedAt: new Date() }, { transaction });
          case 'unpublish':
            return post.update({ status: 'draft' }, { transaction });
          case 'moveCategory':
            return post.update({ categoryId: operation.categoryId }, { transaction });
          case 'reassignAuthor':
            return post.update({ authorId: operation.authorId }, { transaction });
        }
      });
      return;
    }
    case 'hide':
    case 'unhide':
    case 'deleteComment': {
      const load = await loader<Comment>(
        operation.stale,
        (transaction) => Comment.findByPk(operation.commentId, { transaction }),
        'Comment',
      );
      await db.transaction(async (transaction) => {
        const comment = await load(transaction);
        if (operation.kind === 'deleteComment') await comment.destroy({ transaction });
        else await comment.update({ status: operation.kind === 'hide' ? 'hidden' : 'visible' }, { transaction });
      });
      return;
    }
    case 'like':
      await db.transaction(async (transaction) => {
        const existing = await CommentLike.findOne({
          where: { commentId: operation.commentId, userId: operation.userId },
          transaction,
        });
        if (existing) return;
        await CommentLike.create({ commentId: operation.commentId, userId: operation.userId }, { transaction });
      });
      return;
    case 'unlike': {
      const load = await loader<CommentLike>(
        operation.stale,
        (transaction) =>
          CommentLike.findOne({ where: { commentId: operation.commentId, userId: operation.userId }, transaction }),
        'Like',
      );
      await db.transaction(async (transaction) => (await load(transaction)).destroy({ transaction }));
      return;
    }
    case 'createTag': {
      const name = unique('tag');
      await db.transaction((transaction) =>
        db.models.Tag.create({ name, nameKey: name, slug: name.toLowerCase() }, { transaction }),
      );
      return;
    }
    case 'tag':
      await db.transaction((transaction) =>
        db.models.PostTag.create({ postId: operation.postId, tagId: operation.tagId }, { transaction }),
      );
      return;
    case 'untag': {
      const load = await loader<PostTag>(
        operation.stale,
        (transaction) =>
          db.models.PostTag.findOne({ where: { postId: operation.postId, tagId: operation.tagId }, transaction }),
        'Tag on this post',
      );
      await db.transaction(async (transaction) => (await load(transaction)).destroy({ transaction }));
      return;
    }
    case 'deleteTag': {
      const load = await loader(
        operation.stale,
        (transaction) => db.models.Tag.findByPk(operation.tagId, { transaction }),
        'Tag',
      );
      await db.transaction(async (transaction) => (await load(transaction)).destroy({ transaction }));
      return;
    }
    case 'deleteUser': {
      const load = await loader<User>(
        operation.stale,
        (transaction) => User.findByPk(operation.userId, { transaction }),
        'User',
      );
      await db.transaction(async (transaction) => (await load(transaction)).destroy({ transaction }));
      return;
    }
  }
}

/**
 * A row that vanished, an author who still owns posts, or the same like made twice at once: the
 * refusals concurrent work may meet.
 */
function isExpectedRefusal(error: unknown): boolean {
  if (error instanceof ApiError) return error.status === 404 || error.status === 409;
  return error instanceof ForeignKeyConstraintError || error instanceof UniqueConstraintError;
}

interface Tally {
  done: number;
  refused: number;
}

/** Every counter next to a COUNT(*) computed here, independently of recount.ts. */
async function storedAndCounted(): Promise<{ stored: Record<string, number>; counted: Record<string, number> }> {
  const select = (sql: string) =>
    db.sequelize.query<{ id: number | string; n: number | string }>(sql, { type: QueryTypes.SELECT });
  const stored: Record<string, number> = {};
  const counted: Record<string, number> = {};
  const add = (into: Record<string, number>, rows: { id: number | string; n: number | string }[], key: string) => {
    for (const row of rows) into[`${key}#${Number(row.id)}`] = Number(row.n);
  };
  const pairs: [string, string, string][] = [
    [
      'users.posts_count',
      'SELECT id, posts_count AS n FROM users',
      "SELECT author_id AS id, COUNT(*) AS n FROM posts WHERE status = 'published' GROUP BY author_id",
    ],
    [
      'users.comments_count',
      'SELECT id, comments_count AS n FROM users',
      "SELECT author_id AS id, COUNT(*) AS n FROM comments WHERE status = 'visible' GROUP BY author_id",
    ],
    [
      'categories.posts_count',
      'SELECT id, posts_count AS n FROM categories',
      "SELECT category_id AS id, COUNT(*) AS n FROM posts WHERE status = 'published' AND category_id IS NOT NULL GROUP BY category_id",
    ],
    [
      'posts.comments_count',
      'SELECT id, comments_count AS n FROM posts',
      "SELECT post_id AS id, COUNT(*) AS n FROM comments WHERE status = 'visible' GROUP BY post_id",
    ],
    [
      'comments.likes_count',
      'SELECT id, likes_count AS n FROM comments',
      'SELECT comment_id AS id, COUNT(*) AS n FROM comment_likes GROUP BY comment_id',
    ],
    [
      'tags.posts_count',
      'SELECT id, posts_count AS n FROM tags',
      "SELECT pt.tag_id AS id, COUNT(*) AS n FROM post_tags pt JOIN posts p ON p.id = pt.post_id WHERE p.status = 'published' GROUP BY pt.tag_id",
    ],
  ];
  for (const [key, storedSql, countSql] of pairs) {
    const storedRows = await select(storedSql);
    add(stored, storedRows, key);
    // Rows with nothing to count are absent from the GROUP BY: they must be 0.
    for (const row of storedRows) counted[`${key}#${Number(row.id)}`] = 0;
    add(counted, await select(countSql), key);
  }
  return { stored, counted };
}

it(`keeps every counter exact through ${OPERATIONS} random operations, some concurrent (seed ${SEED})`, async () => {
  const random = createRandom(SEED);
  const make = createFactories(db, () => new Date());
  const users: User[] = [];
  for (let i = 0; i < 15; i++) users.push(await make.user());
  const categories = [await make.category(), await make.category(), await make.category(), await make.category()];
  for (let i = 0; i < 6; i++) {
    const name = unique('tag');
    await db.transaction((transaction) =>
      db.models.Tag.create({ name, nameKey: name, slug: name.toLowerCase() }, { transaction }),
    );
  }
  for (let i = 0; i < 30; i++) {
    const author = random.pick(users);
    if (!author) throw new Error('no users were made');
    await make.post(author, {
      status: random.chance(0.7) ? 'published' : 'draft',
      category: random.chance(0.2) ? null : (random.pick(categories) ?? null),
    });
  }

  const tally = new Map<Kind, Tally>();
  const attempt = async (operation: Operation): Promise<void> => {
    const entry = tally.get(operation.kind) ?? { done: 0, refused: 0 };
    tally.set(operation.kind, entry);
    try {
      await run(operation);
      entry.done++;
    } catch (error) {
      if (!isExpectedRefusal(error)) {
        throw new Error(`Unexpected failure of ${JSON.stringify(operation)} (seed ${SEED}): ${String(error)}`, {
          cause: error,
        });
      }
      entry.refused++;
    }
  };

  const started = performance.now();
  let performed = 0;
  let concurrentBatches = 0;
  while (performed < OPERATIONS) {
    const concurrent = random.chance(0.4);
    const all = await snapshot();
    const now = concurrent && random.chance(0.5) ? hotSpot(random, all) : all;
    const size = concurrent ? random.between(8, 16) : random.between(1, 8);
    const batch: Operation[] = [];
    while (batch.length < size) {
      const operation = chooseOperation(random, now);
      if (operation) batch.push(operation);
    }
    if (concurrent) {
      concurrentBatches++;
      // Settle every transaction before failing, so none is left running against a closing database.
      const results = await Promise.allSettled(batch.map(attempt));
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    } else {
      for (const operation of batch) await attempt(operation);
    }
    performed += batch.length;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);

  expect(await findCountDrift(db), `drift after seed ${SEED}`).toEqual([]);
  const { stored, counted } = await storedAndCounted();
  expect(stored, `counters after seed ${SEED}`).toEqual(counted);

  // The run must have exercised every operation, not just been refused.
  for (const [kind] of WEIGHTS) {
    expect(tally.get(kind)?.done ?? 0, `${kind} never succeeded (seed ${SEED})`).toBeGreaterThan(0);
  }
  const summary = [...tally].map(([kind, { done, refused }]) => `${kind} ${done}/${refused}`).join(', ');
  console.info(
    `${db.dialect}: ${performed} operations (${concurrentBatches} concurrent batches) in ${seconds}s, seed ${SEED}; done/refused: ${summary}`,
  );
}, 180_000);
