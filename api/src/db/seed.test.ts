import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Op } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import { verifyPassword } from '../auth/passwords.js';
import { variantsOf } from '../lib/pictures.js';
import { PICTURE_PLACEHOLDER } from './demo/content.js';
import { EN } from './demo/en.js';
import { findCountDrift } from './recount.js';
import { prepareContent, type SeedResult, seedDemo } from './seed.js';

const admin = { email: 'owner@blog.example', password: 'the-owners-password' };

/** The words of a title worth finding in its body (no short words, no digits). */
const keyWords = (title: string) =>
  title
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((word) => word.length > 3 && !['what', 'with', 'without', 'week', 'from'].includes(word));

describe('the demo blog, as `npm start` seeds it (pictures included)', () => {
  let test: TestDatabase;
  let mediaDir: string;
  let seeded: SeedResult | null;
  beforeAll(async () => {
    test = await createTestDatabase();
    mediaDir = await mkdtemp(join(tmpdir(), 'blog-seed-media-'));
    const media = { dir: mediaDir, maxBytes: 15 * 1024 * 1024, maxPixels: 40_000_000 };
    seeded = await prepareContent(test.db, () => new Date(), { seedDemo: true, env: 'development', admin, media });
  }, 120_000);
  afterAll(async () => {
    await test?.destroy();
    if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
  });

  it('seeds a fresh database even with ADMIN_EMAIL/ADMIN_PASSWORD set, then ensures that admin', async () => {
    expect(seeded?.posts).toBeGreaterThan(0);
    expect(await test.db.models.Post.count()).toBe(seeded?.posts);
    const owner = await test.db.models.User.findOne({ where: { email: admin.email } });
    expect(owner?.role).toBe('admin');
    expect(await verifyPassword(admin.password, owner?.passwordHash ?? '')).toBe(true);
    // A second start seeds nothing more and keeps the admin.
    const media = { dir: mediaDir, maxBytes: 15 * 1024 * 1024, maxPixels: 40_000_000 };
    expect(
      await prepareContent(test.db, () => new Date(), { seedDemo: true, env: 'development', admin, media }),
    ).toBeNull();
    expect(await test.db.models.User.count({ where: { email: admin.email } })).toBe(1);
  });

  it('gives every post a cover from the media library, with alt text and its variants on disk', async () => {
    const posts = await test.db.models.Post.findAll({ include: [{ model: test.db.models.Media, as: 'cover' }] });
    expect(posts.length).toBe(EN.posts.length);
    for (const post of posts) {
      const cover = post.cover;
      expect(cover, post.slug).toBeTruthy();
      if (!cover) continue;
      expect(cover.alt.trim().length, post.slug).toBeGreaterThan(20);
      expect(cover.ownerId).toBe(post.authorId);
      const variants = variantsOf(cover);
      expect(new Set(variants.map((variant) => variant.format))).toEqual(new Set(['avif', 'webp', 'jpeg']));
      for (const variant of variants)
        expect(existsSync(join(mediaDir, cover.key, variant.file)), variant.file).toBe(true);
    }
    expect(seeded?.images).toBe(await test.db.models.Media.count());
  });

  it('puts an inline picture into a few bodies, as the editor inserts it, rendered as a <picture>', async () => {
    const posts = await test.db.models.Post.findAll({ where: { bodyMarkdown: { [Op.like]: '%](/media/%' } } });
    expect(posts.length).toBeGreaterThanOrEqual(3);
    for (const post of posts) {
      const [, alt, key] = /!\[([^\]]+)\]\(\/media\/([0-9a-f]{16})\/\d+\.jpg\)/.exec(post.bodyMarkdown) ?? [];
      const media = await test.db.models.Media.findOne({ where: { key: key ?? '' } });
      expect(media?.alt, post.slug).toBe(alt);
      expect(post.bodyHtml).toContain('<picture');
      expect(post.bodyHtml).toContain(`/media/${key}/480.avif 480w`);
      expect(post.bodyMarkdown).not.toContain(PICTURE_PLACEHOLDER);
    }
  });

  it('writes each body about its title: a few hundred words, with headings or lists', async () => {
    const posts = await test.db.models.Post.findAll();
    for (const post of posts) {
      const words = post.bodyMarkdown.split(/\s+/).filter(Boolean).length;
      expect(words, post.slug).toBeGreaterThanOrEqual(200);
      expect(words, post.slug).toBeLessThanOrEqual(520);
      expect(post.bodyMarkdown, post.slug).toMatch(/^(## |- |1\. )/m);
      const body = post.bodyMarkdown.toLowerCase();
      const wanted = keyWords(post.title);
      // Every word of the title, give or take an ending (static/statically, trains/train).
      const found = wanted.filter((word) => body.includes(word.slice(0, Math.max(4, word.length - 2))));
      expect(found, post.slug).toEqual(wanted);
    }
  });

  it('dates each post when it was published, with no later edit', async () => {
    const posts = await test.db.models.Post.findAll({ where: { status: 'published' } });
    for (const post of posts) expect(post.updatedAt.getTime(), post.slug).toBe(post.publishedAt?.getTime());
  });

  it('gives the authors bios', async () => {
    const authors = await test.db.models.User.findAll({ where: { postsCount: { [Op.gt]: 0 } } });
    expect(authors.map((author) => author.email).sort()).toEqual([
      'admin@example.com',
      'grace@example.com',
      'linus@example.com',
    ]);
    for (const author of authors) expect(author.bio.length, author.email).toBeGreaterThan(40);
  });

  it('has conversations in threads and likes, with every counter exact', async () => {
    const { Comment, CommentLike } = test.db.models;
    const comments = await Comment.findAll({ include: [{ model: test.db.models.User, as: 'author' }] });
    expect(comments.length).toBe(seeded?.comments);
    const byParent = new Map<number | null, typeof comments>();
    for (const reply of comments.filter((c) => c.parentId !== null)) {
      byParent.set(reply.parentId, [...(byParent.get(reply.parentId) ?? []), reply]);
    }
    // Replies answering replies: threading is one level deep, so they join the thread and name who they answer.
    const answersToReplies = comments.filter((reply) => {
      const siblings = byParent.get(reply.parentId) ?? [];
      return siblings.some((other) => other.id < reply.id && reply.bodyMarkdown.startsWith(`@${other.author?.name} `));
    });
    expect(answersToReplies.length).toBeGreaterThanOrEqual(5);
    expect([...byParent.values()].some((replies) => replies.length >= 3)).toBe(true);
    // Likes, never on one's own comment, counted by the hooks.
    expect(await CommentLike.count()).toBe(seeded?.likes);
    expect(seeded?.likes).toBeGreaterThan(50);
    const likes = await CommentLike.findAll();
    const authorOf = new Map(comments.map((c) => [c.id, c.authorId]));
    expect(likes.filter((l) => authorOf.get(l.commentId) === l.userId)).toEqual([]);
    expect(comments.some((c) => c.status === 'hidden')).toBe(true);
    expect(await findCountDrift(test.db)).toEqual([]);
  });
});

describe('the demo blog without pictures (what most tests seed)', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test?.destroy();
  });

  it('has the same posts and comments, no images, and no placeholder left in a body', async () => {
    const seeded = await seedDemo(test.db, () => new Date());
    expect(seeded).toMatchObject({ posts: EN.posts.length, images: 0 });
    expect(await test.db.models.Media.count()).toBe(0);
    const posts = await test.db.models.Post.findAll();
    expect(posts.every((post) => post.coverMediaId === null)).toBe(true);
    expect(posts.some((post) => post.bodyMarkdown.includes(PICTURE_PLACEHOLDER))).toBe(false);
    expect(posts.some((post) => post.bodyMarkdown.includes('/media/'))).toBe(false);
    expect(await findCountDrift(test.db)).toEqual([]);
  });
});
