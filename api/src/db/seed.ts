import { randomBytes } from 'node:crypto';
import { tagKey } from '@blog/contract';
import { hashPassword } from '../auth/passwords.js';
import type { Clock } from '../lib/clock.js';
import { slugify } from '../lib/slug.js';
import type { Database } from './index.js';
import type { Tag, User } from './models/index.js';

/** Demo accounts share this password in development, so a newcomer can sign in as anyone. */
export const DEMO_PASSWORD = 'demo-password-2026';

export interface SeedResult {
  admin: { email: string; password: string };
  users: number;
  categories: number;
  posts: number;
  comments: number;
}

// A tiny deterministic PRNG, so every fresh clone gets the same demo blog.
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORIES = [
  { name: 'Engineering', slug: 'engineering', description: 'Building things that stay up.' },
  { name: 'Travel', slug: 'travel', description: 'Trains, trails and slow mornings.' },
  { name: 'Food', slug: 'food', description: 'What we cooked and what we learned.' },
  { name: 'Notes', slug: 'notes', description: 'Short thoughts, kept.' },
];

const PEOPLE = [
  { name: 'Ada Admin', email: 'admin@example.com', role: 'admin' },
  { name: 'Grace Hopper', email: 'grace@example.com', role: 'author' },
  { name: 'Linus Park', email: 'linus@example.com', role: 'author' },
  { name: 'Min-ji Kim', email: 'minji@example.com', role: 'user' },
  { name: 'Sam Reader', email: 'sam@example.com', role: 'user' },
  { name: 'Noor Haddad', email: 'noor@example.com', role: 'user' },
  { name: 'Tomás Silva', email: 'tomas@example.com', role: 'user' },
  { name: 'Yuki Sato', email: 'yuki@example.com', role: 'user' },
  { name: 'Unverified Ulla', email: 'ulla@example.com', role: 'user', unverified: true },
] as const;

const TITLES: Array<[string, string, number]> = [
  ['Why our pages are static', 'Fast by default, dynamic where it matters', 0],
  ['Counting things correctly', 'Counters that never drift, even under load', 0],
  ['A week on the night trains', 'From Vienna to Naples without a plane', 1],
  ['The perfect kimchi jjigae', 'Old kimchi, good stock and patience', 2],
  ['Sessions without JWTs', 'Server-side sessions are still a great idea', 0],
  ['Notes on writing every day', 'Small habits, long arcs', 3],
  ['Hiking the Jeju Olle trails', 'Twenty-seven routes around one island', 1],
  ['Sourdough for the impatient', 'A loaf that fits into a working week', 2],
  ['What a 2-core server can do', 'Measuring before optimising', 0],
  ['Reading old manuals', 'The best documentation was written in 1987', 3],
  ['Lisbon in the rain', 'Trams, tiles and pastel de nata', 1],
  ['Ramen at home, properly', 'Tare, fat, noodles, broth', 2],
  ['Designing for no JavaScript', 'Progressive enhancement in practice', 0],
  ['On keeping a paper notebook', 'The one device that never needs an update', 3],
  ['Crossing the Alps by bike', 'Seven passes, one very tired back', 1],
  ['Fermentation basics', 'Salt, time and a clean jar', 2],
  ['Markdown, safely', 'Rendering user content without regrets', 0],
  ['The joy of small tools', 'Do one thing and keep doing it', 3],
  ['Seoul by subway', 'Line 2 is a city tour', 1],
  ['Weeknight dumplings', 'Folding is faster than you think', 2],
  ['Backups you can restore', 'An untested backup is a hope', 0],
];

/** The demo posts' tags, by the index of their title in TITLES. */
const TAGS: string[][] = [
  ['Performance', 'Astro'],
  ['Databases', 'Testing'],
  ['Trains', 'Europe'],
  ['Korean food', 'Soup'],
  ['Security'],
  ['Habits'],
  ['Hiking', 'Korea'],
  ['Baking'],
  ['Performance', 'Benchmarks'],
  ['Documentation'],
  ['Europe', 'Cities'],
  ['Noodles'],
  ['Accessibility', 'Performance'],
  ['Habits', 'Paper'],
  ['Cycling', 'Europe'],
  ['Fermentation', 'Korean food'],
  ['Security', 'Markdown'],
  ['Tools'],
  ['Korea', 'Cities'],
  ['Dumplings'],
  ['Backups'],
];

const PARAGRAPHS = [
  'Most of what a blog does is the same for every reader, so we do that work once, ahead of time, and let the web server hand out files. The parts that differ per reader are small, and they load only where they are needed.',
  'Every shortcut here was measured first. A number on a 2-core machine tells you more than an opinion on a laptop, and a benchmark that prints a ratio against a baseline in the same run survives a noisy neighbour.',
  'The trick is not cleverness but boring discipline: one place that decides what counts, one transaction per change, and a test that tries thousands of random operations to prove the rule holds.',
  'We left early, before the city woke up, and the light on the water made the whole plan feel worth it. Slow travel is mostly waiting, and waiting is mostly looking out of the window.',
  'Cook it low and slow. The first attempt was too salty, the second too timid; the third one, with the older kimchi and a spoon of gochugaru, was the one we will make again.',
  'Write it down, even when it seems obvious. Future you is a stranger who has forgotten everything and has very little patience.',
  'There is a kind of calm that comes from tools that do exactly one thing. They do not update themselves at night, and they do not ask for your attention.',
];

const COMMENTS = [
  'Great write-up, thanks for sharing!',
  'I tried this last weekend and it worked exactly as described.',
  'Could you say more about how you measured that?',
  'This is the **clearest** explanation I have read on the topic.',
  'I disagree a little: in my experience the second approach is simpler to maintain.',
  'Bookmarked. The part about `transactions` is gold.',
  'Beautiful photos would make this even better :)',
  'Has anyone tried this on a Raspberry Pi?',
  '감사합니다! 정말 유용한 글이에요.',
];

function bodyFor(index: number, random: () => number): string {
  const pick = () => PARAGRAPHS[Math.floor(random() * PARAGRAPHS.length)] ?? '';
  return [
    pick(),
    '## What we learned',
    pick(),
    `- first, measure\n- then, change one thing\n- finally, measure again (run ${index + 1})`,
    '> Simple things should be simple; complex things should be possible.',
    pick(),
    '```ts\nconst answer = await measure(() => build(site));\n```',
    pick(),
  ].join('\n\n');
}

/** A demo blog (users, categories, ~20 posts, comments and replies) into an empty database; null if it has users. */
export async function seedDemo(db: Database, clock: Clock, production = false): Promise<SeedResult | null> {
  const { User, Category, Post, Comment, Tag: TagModel, PostTag } = db.models;
  if ((await User.count()) > 0) return null;
  const random = prng(20261125);
  const now = clock().getTime();
  // Never a known admin password outside development.
  const adminPassword = production ? randomBytes(12).toString('base64url') : DEMO_PASSWORD;
  const demoHash = await hashPassword(DEMO_PASSWORD);
  const adminHash = production ? await hashPassword(adminPassword) : demoHash;

  return db.transaction(async (transaction) => {
    const users: User[] = [];
    for (const [i, person] of PEOPLE.entries()) {
      users.push(
        await User.create(
          {
            name: person.name,
            email: person.email,
            role: person.role,
            passwordHash: person.role === 'admin' ? adminHash : demoHash,
            emailVerifiedAt: 'unverified' in person ? null : new Date(now - (90 - i) * 86_400_000),
          },
          { transaction },
        ),
      );
    }
    const categories = [];
    for (const category of CATEGORIES) categories.push(await Category.create(category, { transaction }));

    const tags = new Map<string, Tag>();
    const tagNamed = async (name: string) => {
      let tag = tags.get(name);
      if (!tag) {
        tag = await TagModel.create({ name, nameKey: tagKey(name), slug: slugify(name) }, { transaction });
        tags.set(name, tag);
      }
      return tag;
    };

    const writers = users.filter((u) => u.role !== 'user');
    const readers = users.filter((u) => u.emailVerifiedAt !== null);
    let comments = 0;
    for (const [i, [title, subtitle, categoryIndex]] of TITLES.entries()) {
      const draft = i === TITLES.length - 1;
      const publishedAt = new Date(now - (TITLES.length - i) * 2.5 * 86_400_000);
      const post = await Post.create(
        {
          authorId: writers[i % writers.length]?.id ?? 1,
          categoryId: categories[categoryIndex]?.id ?? null,
          title,
          subtitle,
          slug: title
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '-')
            .replace(/^-|-$/g, ''),
          bodyMarkdown: bodyFor(i, random),
          status: draft ? 'draft' : 'published',
          publishedAt: draft ? null : publishedAt,
        },
        { transaction },
      );
      for (const name of TAGS[i] ?? []) {
        await PostTag.create({ postId: post.id, tagId: (await tagNamed(name)).id }, { transaction });
      }
      if (draft) continue;
      const threadCount = Math.floor(random() * 5);
      for (let t = 0; t < threadCount; t++) {
        const at = new Date(publishedAt.getTime() + (t + 1) * 3_600_000);
        const parent = await Comment.create(
          {
            postId: post.id,
            authorId: readers[Math.floor(random() * readers.length)]?.id ?? 1,
            parentId: null,
            bodyMarkdown: COMMENTS[Math.floor(random() * COMMENTS.length)] ?? 'Nice.',
            status: random() < 0.08 ? 'hidden' : 'visible',
            createdAt: at,
          },
          { transaction },
        );
        comments++;
        const replies = Math.floor(random() * 3);
        for (let r = 0; r < replies; r++) {
          await Comment.create(
            {
              postId: post.id,
              authorId: readers[Math.floor(random() * readers.length)]?.id ?? 1,
              parentId: parent.id,
              bodyMarkdown: COMMENTS[Math.floor(random() * COMMENTS.length)] ?? 'Agreed.',
              createdAt: new Date(at.getTime() + (r + 1) * 600_000),
            },
            { transaction },
          );
          comments++;
        }
      }
    }
    return {
      admin: { email: 'admin@example.com', password: adminPassword },
      users: users.length,
      categories: categories.length,
      posts: TITLES.length,
      comments,
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
  config: { seedDemo: boolean; env: string; admin: { email: string; password: string } | null },
): Promise<SeedResult | null> {
  const seeded = config.seedDemo ? await seedDemo(db, clock, config.env === 'production') : null;
  if (config.admin) await ensureAdmin(db, clock, config.admin);
  return seeded;
}
