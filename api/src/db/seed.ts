import { randomBytes } from 'node:crypto';
import { tagKey } from '@blog/contract';
import { hashPassword } from '../auth/passwords.js';
import { createAuditLogger } from '../features/admin/audit.js';
import { presentMedia } from '../features/media/presenter.js';
import { createMediaService, type MediaLimits, type MediaService } from '../features/media/service.js';
import type { Clock } from '../lib/clock.js';
import { slugify } from '../lib/slug.js';
import { scenePng } from './demo/art.js';
import { type DemoPicture, type PersonKey, PICTURE_PLACEHOLDER } from './demo/content.js';
import { EN } from './demo/en.js';
import type { Database } from './index.js';
import type { Comment, Media, Tag, User, UserRole } from './models/index.js';

/** Demo accounts share this password in development, so a newcomer can sign in as anyone. */
export const DEMO_PASSWORD = 'demo-password-2026';

export interface SeedResult {
  admin: { email: string; password: string };
  users: number;
  categories: number;
  posts: number;
  comments: number;
  likes: number;
  /** Pictures made through the media library (covers and inline images); 0 without `media`. */
  images: number;
}

export interface SeedOptions {
  /** Production: the admin gets a random password instead of the demo one. */
  production?: boolean;
  /**
   * The media library to draw the posts' covers and inline pictures into. Without it the demo
   * has no images (what most tests want: drawing and encoding them takes seconds).
   */
  media?: MediaService;
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

// Covers fill the masthead (shown darkened behind the title) and inline pictures the text
// column; these sizes keep both sharp enough while the media library's variants (AVIF, WebP,
// JPEG at each width) stay quick to make.
const COVER_SIZE = { width: 1200, height: 675 };
const PICTURE_SIZE = { width: 960, height: 540 };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Draws `picture` and uploads it through the media library, as an author's upload would be. */
async function upload(media: MediaService, owner: User, picture: DemoPicture, name: string, size: typeof COVER_SIZE) {
  const png = await scenePng(picture.scene, size.width, size.height);
  return media.upload(owner, new File([new Uint8Array(png)], name, { type: 'image/png' }), picture.alt);
}

/** `body` with its picture placeholder replaced by the editor's Markdown for `picture`, or dropped. */
function withPicture(body: string, picture: Media | undefined): string {
  const markdown = picture ? presentMedia(picture, 0).markdown : null;
  return body
    .split('\n')
    .flatMap((line) => (line.trim() === PICTURE_PLACEHOLDER ? (markdown ? [markdown] : []) : [line]))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

/**
 * A demo blog into an empty database (null if it has users): three authors with bios, readers,
 * four categories, twenty posts and a draft with real text, threaded comments and likes, and,
 * with `options.media`, a drawn cover for every post and a few inline pictures.
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

  // The people first, on their own: an upload is a transaction of its own, with its owner in it.
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

  // Pictures through the media library (checked, made into variants, stored under MEDIA_DIR).
  const covers = new Map<number, Media>();
  const pictures = new Map<number, Media>();
  const { media } = options;
  if (media) {
    const work = content.posts.flatMap(({ author, slug, cover, picture }, i) => {
      const owner = person(author);
      return [
        async () => covers.set(i, await upload(media, owner, cover, `${slug}-cover.png`, COVER_SIZE)),
        ...(picture
          ? [async () => pictures.set(i, await upload(media, owner, picture, `${slug}.png`, PICTURE_SIZE))]
          : []),
      ];
    });
    // Two at a time: sharp runs each pipeline on one thread here (its default on glibc), so
    // this keeps two cores busy.
    const next = async (): Promise<void> => {
      const job = work.shift();
      if (job) await job().then(next);
    };
    await Promise.all([next(), next()]);
  }

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
      const cover = covers.get(i);
      if (cover && options.media) await options.media.coverFor(cover.id, transaction);
      const post = await Post.create(
        {
          authorId: person(demo.author).id,
          categoryId: categories[demo.category]?.id ?? null,
          title: demo.title,
          subtitle: demo.subtitle,
          slug: demo.slug,
          bodyMarkdown: withPicture(demo.body, pictures.get(i)),
          coverMediaId: cover?.id ?? null,
          status: demo.draft ? 'draft' : 'published',
          publishedAt: demo.draft ? null : publishedAt,
          // Written when published and not touched since: no "updated" line on every demo post.
          createdAt: publishedAt,
          updatedAt: publishedAt,
        },
        // silent: Sequelize would stamp updatedAt with the time of the seed.
        { transaction, silent: true },
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
      images: covers.size + pictures.size,
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
    media: MediaLimits;
  },
): Promise<SeedResult | null> {
  // The demo's pictures go through the media library, as an author's uploads would.
  const seeded = config.seedDemo
    ? await seedDemo(db, clock, {
        production: config.env === 'production',
        media: createMediaService({ db, clock, limits: config.media, audit: createAuditLogger(db, clock) }),
      })
    : null;
  if (config.admin) await ensureAdmin(db, clock, config.admin);
  return seeded;
}
