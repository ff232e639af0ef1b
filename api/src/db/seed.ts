import { randomBytes } from 'node:crypto';
import { tagKey } from '@blog/contract';
import { hashPassword } from '../auth/passwords.js';
import type { Clock } from '../lib/clock.js';
import { slugify } from '../lib/slug.js';
import { type PersonKey, PICTURE_PLACEHOLDER } from './demo/content.js';
import { EN } from './demo/en.js';
import type { Database } from './index.js';
import type { Comment, Tag, User, UserRole } from './models/index.js';

/** Demo accounts share this password in development, so a newcomer can sign in as anyone. */
export const DEMO_PASSWORD = 'demo-password-2026';

export interface SeedResult {
  admin: { email: string; password: string };
  users: number;
  categories: number;
  posts: number;
  comments: number;
  likes: number;
}

export interface SeedOptions {
  /** Production: the admin gets a random password instead of the demo one. */
  production?: boolean;
}

const PEOPLE: Array<{ key: PersonKey; role: UserRole; unverified?: true }> = [
  { key: 'admin', role: 'admin' },
  { key: 'grace', role: 'author' },
  { key: 'linus', role: 'author' },
  { key: 'minji', role: 'user' },
  { key: 'sam', role: 'user' },
  { key: 'noor', role: 'user' },
  { key: 'tomas', role: 'user' },
  { key: 'yuki', role: 'user' },
  { key: 'ulla', role: 'user', unverified: true },
];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `body` without its picture placeholder (the demo has no pictures yet). */
const withoutPicture = (body: string) =>
  body
    .split('\n')
    .filter((line) => line.trim() !== PICTURE_PLACEHOLDER)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');

/**
 * A demo blog into an empty database (null if it has users): three authors with bios, readers,
 * four categories, twenty posts and a draft with real text, threaded comments and likes.
 */
export async function seedDemo(db: Database, clock: Clock, options: SeedOptions = {}): Promise<SeedResult | null> {
  const { User: UserModel, Category, Post, Comment, CommentLike, Tag: TagModel, PostTag } = db.models;
  if ((await UserModel.count()) > 0) return null;
  const content = EN;
  const now = clock().getTime();
  // Never a known admin password outside development.
  const adminPassword = options.production ? randomBytes(12).toString('base64url') : DEMO_PASSWORD;
  const demoHash = await hashPassword(DEMO_PASSWORD);
  const adminHash = options.production ? await hashPassword(adminPassword) : demoHash;

  const people = await db.transaction(async (transaction) => {
    const made = new Map<PersonKey, User>();
    for (const [i, person] of PEOPLE.entries()) {
      const { name, bio } = content.people[person.key];
      made.set(
        person.key,
        await UserModel.create(
          {
            name,
            email: `${person.key}@example.com`,
            role: person.role,
            passwordHash: person.role === 'admin' ? adminHash : demoHash,
            emailVerifiedAt: person.unverified ? null : new Date(now - (90 - i) * DAY),
            ...(bio ? { bio } : {}),
          },
          { transaction },
        ),
      );
    }
    return made;
  });
  const person = (key: PersonKey): User => {
    const user = people.get(key);
    if (!user) throw new Error(`the demo names an unknown person: ${key}`);
    return user;
  };

  return db.transaction(async (transaction) => {
    const categories = [];
    for (const category of content.categories) categories.push(await Category.create(category, { transaction }));

    const tags = new Map<string, Tag>();
    const tagNamed = async (name: string) => {
      let tag = tags.get(name);
      if (!tag) {
        tag = await TagModel.create({ name, nameKey: tagKey(name), slug: slugify(name) }, { transaction });
        tags.set(name, tag);
      }
      return tag;
    };

    let comments = 0;
    let likes = 0;
    // Likes through the model, so the count hooks keep likes_count exact.
    const like = async (comment: Comment, likedBy: PersonKey[] = []) => {
      for (const [n, key] of likedBy.entries()) {
        await CommentLike.create(
          {
            commentId: comment.id,
            userId: person(key).id,
            createdAt: new Date(comment.createdAt.getTime() + (n + 1) * 7 * 60_000),
          },
          { transaction },
        );
        likes++;
      }
    };

    const count = content.posts.length;
    for (const [i, demo] of content.posts.entries()) {
      const publishedAt = new Date(now - (count - i) * 2.5 * DAY);
      const post = await Post.create(
        {
          authorId: person(demo.author).id,
          categoryId: categories[demo.category]?.id ?? null,
          title: demo.title,
          subtitle: demo.subtitle,
          slug: demo.slug,
          bodyMarkdown: withoutPicture(demo.body),
          status: demo.draft ? 'draft' : 'published',
          publishedAt: demo.draft ? null : publishedAt,
        },
        { transaction },
      );
      for (const name of demo.tags) {
        await PostTag.create({ postId: post.id, tagId: (await tagNamed(name)).id }, { transaction });
      }
      if (demo.draft) continue;
      for (const [t, thread] of demo.threads.entries()) {
        const at = new Date(publishedAt.getTime() + (t + 1) * 3 * HOUR);
        const parent = await Comment.create(
          {
            postId: post.id,
            authorId: person(thread.by).id,
            parentId: null,
            bodyMarkdown: thread.text,
            status: thread.hidden ? 'hidden' : 'visible',
            createdAt: at,
          },
          { transaction },
        );
        comments++;
        await like(parent, thread.likedBy);
        for (const [r, reply] of (thread.replies ?? []).entries()) {
          const answer = await Comment.create(
            {
              postId: post.id,
              authorId: person(reply.by).id,
              parentId: parent.id,
              bodyMarkdown: reply.text,
              createdAt: new Date(at.getTime() + (r + 1) * 40 * 60_000),
            },
            { transaction },
          );
          comments++;
          await like(answer, reply.likedBy);
        }
      }
    }
    return {
      admin: { email: 'admin@example.com', password: adminPassword },
      users: people.size,
      categories: categories.length,
      posts: count,
      comments,
      likes,
    };
  });
}

/** Creates the configured admin, or resets its password and role; email counts as verified. */
export async function ensureAdmin(db: Database, clock: Clock, admin: { email: string; password: string }) {
  const passwordHash = await hashPassword(admin.password);
  await db.transaction(async (transaction) => {
    const existing = await db.models.User.findOne({ where: { email: admin.email }, transaction });
    if (existing) {
      await existing.update(
        { passwordHash, role: 'admin', emailVerifiedAt: existing.emailVerifiedAt ?? clock(), bannedAt: null },
        { transaction },
      );
      await db.models.Session.destroy({ where: { userId: existing.id }, transaction });
    } else {
      await db.models.User.create(
        { email: admin.email, name: 'Admin', role: 'admin', passwordHash, emailVerifiedAt: clock() },
        { transaction },
      );
    }
  });
}

/**
 * Start-up content: the demo seed first (it only fills an empty database), then the configured
 * admin. The other order would leave a database with one user, which the seed takes as in use.
 */
export async function prepareContent(
  db: Database,
  clock: Clock,
  config: {
    seedDemo: boolean;
    env: string;
    admin: { email: string; password: string } | null;
  },
): Promise<SeedResult | null> {
  const seeded = config.seedDemo ? await seedDemo(db, clock, { production: config.env === 'production' }) : null;
  if (config.admin) await ensureAdmin(db, clock, config.admin);
  return seeded;
}
