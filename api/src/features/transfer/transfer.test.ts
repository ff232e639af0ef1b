import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type ImportEvent,
  ImportEventSchema,
  type ImportReport,
  type SiteArchive,
  SiteArchiveSchema,
} from '@blog/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext, transferServiceOf } from '../../../test/app.js';
import { expectError, read } from '../../../test/http.js';
import type { User } from '../../db/models/index.js';
import { findCountDrift } from '../../db/recount.js';
import { SCHEDULED_PUBLISH_JOB } from '../scheduling/schedule.js';
import { siteOfArchive } from './readers/archive.js';
import { readWxr } from './readers/wxr.js';
import { stagedPathOf } from './service.js';

// Import and export through the API on SQLite or PostgreSQL (TEST_DATABASE_URL): a site exported
// and imported into an empty one comes back exactly, counters included; WordPress, Ghost and
// Markdown exports land with their threads, tags and media; hostile files are refused or
// reported per item, and nothing is ever half-written.

const run = promisify(execFile);
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

let source: TestContext;
beforeAll(async () => {
  source = await createTestContext();
});
afterAll(async () => {
  await source.destroy();
});

async function withSite<T>(run: (t: TestContext) => Promise<T>): Promise<T> {
  const t = await createTestContext();
  try {
    return await run(t);
  } finally {
    await t.destroy();
  }
}

/** POST /api/admin/import with `files` as the form's `file` fields; the events it streams. */
async function importFiles(
  t: TestContext,
  as: User | null,
  files: { name: string; content: string | Uint8Array }[],
  format?: string,
): Promise<Response> {
  const form = new FormData();
  if (format) form.append('format', format);
  for (const file of files)
    form.append(
      'file',
      new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)]),
      file.name,
    );
  const headers: Record<string, string> = as ? { cookie: await t.factories.sessionCookie(as) } : {};
  return t.app.request('/api/admin/import', { method: 'POST', body: form, headers });
}

async function eventsOf(res: Response): Promise<ImportEvent[]> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
  const text = await res.text();
  return text
    .trim()
    .split('\n')
    .map((line) => ImportEventSchema.parse(JSON.parse(line)));
}

async function reportOf(res: Response): Promise<{ report: ImportReport; progress: ImportEvent[] }> {
  const events = await eventsOf(res);
  const last = events.at(-1);
  if (last?.type !== 'report') throw new Error(`no report: ${JSON.stringify(events)}`);
  return { report: last.report, progress: events.filter((event) => event.type === 'progress') };
}

async function exportArchive(t: TestContext, as: User): Promise<SiteArchive> {
  return read(await t.request('GET', '/api/admin/export?format=json', { as }), 200, SiteArchiveSchema);
}

/** An archive with its ids replaced by natural keys (emails, slugs, comment bodies), comparable across sites. */
function comparable(archive: SiteArchive) {
  const email = new Map(archive.users.map((user) => [user.id, user.email]));
  const category = new Map(archive.categories.map((c) => [c.id, c.slug]));
  return {
    users: archive.users.map(({ id: _id, ...user }) => user).sort((a, b) => a.email.localeCompare(b.email)),
    categories: archive.categories.map(({ id: _id, ...c }) => c).sort((a, b) => a.slug.localeCompare(b.slug)),
    posts: archive.posts
      .map(({ id: _id, authorId, categoryId, comments, ...post }) => {
        const body = new Map(comments.map((comment) => [comment.id, comment.bodyMarkdown]));
        return {
          ...post,
          author: email.get(authorId),
          category: categoryId === null ? null : category.get(categoryId),
          comments: comments
            .map(({ id: _cid, authorId: commenter, parentId, likedBy, ...comment }) => ({
              ...comment,
              author: email.get(commenter),
              parent: parentId === null ? null : body.get(parentId),
              likedBy: likedBy.map((id) => email.get(id)).sort(),
            }))
            .sort((a, b) => a.bodyMarkdown.localeCompare(b.bodyMarkdown)),
        };
      })
      .sort((a, b) => a.slug.localeCompare(b.slug)),
  };
}

/** Every counter of a site by natural key. */
async function counters(t: TestContext) {
  const { User: Users, Category, Tag, Post, Comment } = t.db.models;
  return {
    users: (await Users.findAll()).map((u) => [u.email, u.postsCount, u.commentsCount]).sort(),
    categories: (await Category.findAll()).map((c) => [c.slug, c.postsCount]).sort(),
    tags: (await Tag.findAll()).map((tag) => [tag.slug, tag.postsCount]).sort(),
    posts: (await Post.findAll()).map((p) => [p.slug, p.commentsCount]).sort(),
    comments: (await Comment.findAll()).map((c) => [c.bodyMarkdown, c.likesCount]).sort(),
  };
}

describe('the JSON archive', () => {
  let admin: User;
  let archive: SiteArchive;

  beforeAll(async () => {
    const t = source;
    admin = await t.factories.user({ role: 'admin', name: 'Ada Admin', email: 'ada-admin@example.com' });
    const author = await t.factories.user({ role: 'author', name: 'Grace Author', email: 'grace@example.com' });
    const readerA = await t.factories.user({ name: 'Reader A', email: 'reader-a@example.com' });
    const readerB = await t.factories.user({ name: 'Reader B', email: 'reader-b@example.com', verified: false });
    await t.factories.user({ name: 'Banned', email: 'banned@example.com', banned: true });
    await readerA.update({ bio: 'Reads everything.' });
    const food = await t.factories.category({ name: 'Food', slug: 'food' });
    await t.factories.category({ name: 'Empty', slug: 'empty' });

    const first = await t.factories.post(author, { title: 'Kimchi at home', slug: 'kimchi-at-home', category: food });
    await first.update({
      metaDescription: 'How to make kimchi.',
      customExcerpt: 'Salt, time, a clean jar.',
      canonicalUrl: 'https://elsewhere.example.com/kimchi',
      ogImageUrl: 'https://elsewhere.example.com/kimchi.png',
      commentsClosed: true,
      commentModeration: 'first',
    });
    await t.factories.tag(first, 'Korean food', 'Fermentation');
    const second = await t.factories.post(admin, { title: 'Draft notes', slug: 'draft-notes', status: 'draft' });
    await t.factories.tag(second, 'Fermentation');
    const third = await t.factories.post(author, { title: '감사 인사', slug: '감사-인사', body: '한국어 **본문**.' });

    const thread = await t.factories.comment(first, readerA, { body: 'Top comment one' });
    const reply = await t.factories.comment(first, readerB, { parent: thread, body: 'A reply' });
    await t.factories.comment(first, readerA, { parent: thread, body: 'A hidden reply', status: 'hidden' });
    await t.factories.comment(first, author, { body: 'Pending comment', status: 'pending' });
    const pinned = await t.factories.comment(third, readerA, { body: 'Pinned comment' });
    await pinned.update({ pinnedAt: new Date('2026-03-01T00:00:00Z'), editedAt: new Date('2026-03-02T00:00:00Z') });
    await t.db.transaction(async (transaction) => {
      await t.db.models.CommentLike.create({ commentId: thread.id, userId: readerB.id }, { transaction });
      await t.db.models.CommentLike.create({ commentId: thread.id, userId: author.id }, { transaction });
      await t.db.models.CommentLike.create({ commentId: reply.id, userId: readerA.id }, { transaction });
    });

    // A scheduled post, made through the API.
    const publishAt = new Date(Date.now() + 86_400_000).toISOString();
    await read(
      await t.request('POST', '/api/posts', {
        as: author,
        json: { title: 'Next week', bodyMarkdown: 'Soon.', publishAt, tags: ['Soon'] },
      }),
      201,
      z.object({ status: z.literal('scheduled') }),
    );
    archive = await exportArchive(t, admin);
  });

  it('holds every user (no password), category, post with its tags and fields, comment and like', () => {
    expect(archive.format).toBe('blog-archive');
    expect(archive.users.map((u) => u.email).sort()).toEqual(
      [
        'ada-admin@example.com',
        'banned@example.com',
        'grace@example.com',
        'reader-a@example.com',
        'reader-b@example.com',
      ].sort(),
    );
    expect(JSON.stringify(archive)).not.toMatch(/passwordHash|password_hash|session/i);
    const kimchi = archive.posts.find((p) => p.slug === 'kimchi-at-home');
    expect(kimchi).toMatchObject({
      tags: ['Fermentation', 'Korean food'],
      metaDescription: 'How to make kimchi.',
      commentsClosed: true,
      commentModeration: 'first',
    });
    expect(kimchi?.comments.map((c) => c.bodyMarkdown)).toEqual([
      'Top comment one',
      'A reply',
      'A hidden reply',
      'Pending comment',
    ]);
    expect(archive.posts.find((p) => p.slug === 'next-week')).toMatchObject({ status: 'scheduled', tags: ['Soon'] });
  });

  it('imports into an empty site exactly, counters equal and recounted, and a second import adds nothing', async () => {
    await withSite(async (t) => {
      const a = archive.users.find((u) => u.email === admin.email);
      const me = await t.factories.user({
        role: 'admin',
        name: admin.name,
        email: admin.email,
        createdAt: new Date(a?.createdAt ?? 0),
      });
      await me.update({ emailVerifiedAt: new Date(a?.emailVerifiedAt ?? 0) });
      const res = await importFiles(t, me, [{ name: 'archive.json', content: JSON.stringify(archive) }]);
      const { report, progress } = await reportOf(res);
      expect(report).toMatchObject({
        format: 'archive',
        total: 4,
        imported: { users: 4, categories: 2, posts: 4, comments: 5, likes: 3 },
        skipped: [],
        countDrift: 0,
      });
      expect(progress.at(-1)).toEqual({ type: 'progress', done: 4, total: 4 });

      const again = await exportArchive(t, me);
      expect(comparable(again)).toEqual(comparable(archive));
      expect(await counters(t)).toEqual(await counters(source));
      expect(await findCountDrift(t.db)).toEqual([]);
      // The scheduled post is scheduled again: its outbox job is there.
      expect(await t.db.models.Job.count({ where: { kind: SCHEDULED_PUBLISH_JOB } })).toBe(1);
      // One audit entry and one rebuild for the whole import.
      expect(await t.db.models.AuditLog.count({ where: { action: 'import' } })).toBe(1);

      const second = await reportOf(
        await importFiles(t, me, [{ name: 'archive.json', content: JSON.stringify(archive) }], 'archive'),
      );
      expect(second.report.imported).toEqual({ users: 0, categories: 0, posts: 0, comments: 0, likes: 0 });
      expect(second.report.skipped.map((s) => [s.kind, s.reason])).toEqual(
        archive.posts.map(() => ['post', 'duplicate_slug']),
      );
      expect(comparable(await exportArchive(t, me))).toEqual(comparable(archive));
    });
  });

  it('round-trips the Markdown folder: posts, fields and tags (comments travel in the archive only)', async () => {
    const res = await source.request('GET', '/api/admin/export?format=markdown', { as: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-tar');
    const folder = res.headers.get('content-disposition')?.match(/filename="(blog-markdown-[\d-]+)\.tar"/)?.[1];
    expect(folder).toBeTruthy();
    // Opened by the system's own tar, as a blogger would.
    const dir = mkdtempSync(path.join(tmpdir(), 'blog-markdown-'));
    try {
      writeFileSync(path.join(dir, 'export.tar'), Buffer.from(await res.arrayBuffer()));
      await run('tar', ['-xf', 'export.tar'], { cwd: dir });
      const posts = path.join(dir, folder ?? '', 'posts');
      const names = (await readdir(posts)).sort();
      expect(names).toEqual(archive.posts.map((p) => `${p.slug}.md`).sort());
      const files = names.map((name) => ({
        name: `posts/${name}`,
        content: readFileSync(path.join(posts, name), 'utf8'),
      }));
      await withSite(async (t) => {
        const me = await t.factories.user({ role: 'admin', email: admin.email, name: admin.name });
        const { report } = await reportOf(await importFiles(t, me, files));
        // Authors come with their names ("Name <email>" in the front matter).
        expect((await t.db.models.User.findOne({ where: { email: 'grace@example.com' } }))?.name).toBe('Grace Author');
        expect(report).toMatchObject({ format: 'markdown', imported: { posts: 4 }, skipped: [], countDrift: 0 });
        const back = comparable(await exportArchive(t, me)).posts;
        const fields = (list: typeof back) => list.map(({ comments: _c, ...post }) => post);
        expect(fields(back)).toEqual(fields(comparable(archive).posts));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('WordPress, Ghost and Markdown exports', () => {
  it('imports a WXR: posts, categories, tags, threads flattened, spam left out, markup never kept', async () => {
    await withSite(async (t) => {
      const me = await t.factories.user({ role: 'admin' });
      const { report } = await reportOf(
        await importFiles(t, me, [{ name: 'export.xml', content: fixture('wordpress.xml') }]),
      );
      expect(report.format).toBe('wxr');
      expect(report.imported.posts).toBe(3);
      expect(report.countDrift).toBe(0);
      // Over HTTP attachments have no local file: reported, never downloaded.
      expect(report.skipped.filter((s) => s.kind === 'attachment').map((s) => s.reason)).toEqual(['not_local']);
      expect(report.skipped.map((s) => s.reason)).toEqual(expect.arrayContaining(['page', 'trashed', 'spam']));
      expect(report.warnings.map((w) => w.reason)).toEqual(expect.arrayContaining(['thread_flattened']));

      const posts = await t.db.models.Post.findAll({ order: [['id', 'ASC']] });
      const engine = posts.find((p) => p.slug === 'analytical-engine');
      expect(engine?.title).toBe('On the Analytical Engine & its notes');
      expect(engine?.status).toBe('published');
      const scripted = posts.find((p) => p.title.startsWith('<script>'));
      expect(scripted?.status).toBe('draft');
      for (const post of posts) {
        expect(post.bodyHtml).not.toMatch(/<script|onerror|javascript:/i);
      }
      const future = posts.find((p) => p.slug === 'difference-engine');
      expect(future?.status === 'scheduled' || future?.status === 'published').toBe(true);
      // Every reply hangs off a top-level comment (threads are one level deep here).
      const comments = await t.db.models.Comment.findAll({ where: { postId: engine?.id } });
      const ids = new Set(comments.filter((c) => c.parentId === null).map((c) => c.id));
      expect(comments.every((c) => c.parentId === null || ids.has(c.parentId))).toBe(true);
      expect(comments.length).toBeGreaterThanOrEqual(3);
      expect(await findCountDrift(t.db)).toEqual([]);
    });
  });

  it('takes a WXR’s local attachments into the media library as the cover and in the body', async () => {
    await withSite(async (t) => {
      const me = await t.factories.user({ role: 'admin' });
      const site = transferServiceOf(t).read({
        format: 'wxr',
        content: fixture('wordpress.xml'),
        attachmentsDir: path.join(fixtures, 'wp-uploads'),
      });
      const report = await transferServiceOf(t).import(me, site, 'wxr');
      expect(report.skipped.filter((s) => s.kind === 'attachment')).toEqual([]);
      const media = await t.db.models.Media.findAll();
      expect(media).toHaveLength(1);
      const engine = await t.db.models.Post.findOne({ where: { slug: 'analytical-engine' } });
      expect(engine?.coverMediaId).toBe(media[0]?.id);
      expect(engine?.bodyMarkdown).toContain(`/media/${media[0]?.key}/`);
      expect(engine?.bodyMarkdown).not.toContain('wp-content/uploads');
      const files = await readdir(path.join(t.config.media.dir, media[0]?.key ?? ''));
      expect(files.length).toBeGreaterThan(0);
    });
  });

  it('takes the attachments sent with a WXR (its uploads folder picked in the admin), nothing outside', async () => {
    await withSite(async (t) => {
      const me = await t.factories.user({ role: 'admin' });
      const png = readFileSync(path.join(fixtures, 'wp-uploads/2024/01/photo.png'));
      const { report } = await reportOf(
        await importFiles(t, me, [
          { name: 'export.xml', content: fixture('wordpress.xml') },
          { name: 'uploads/2024/01/photo.png', content: png },
          { name: 'uploads/../../escape.png', content: png },
          { name: 'uploads/notes.txt', content: 'not an image' },
        ]),
      );
      expect(report.format).toBe('wxr');
      expect(report.skipped.filter((s) => s.kind === 'attachment')).toEqual([]);
      const media = await t.db.models.Media.findAll();
      expect(media).toHaveLength(1);
      const engine = await t.db.models.Post.findOne({ where: { slug: 'analytical-engine' } });
      expect(engine?.coverMediaId).toBe(media[0]?.id);
      // The staging folder is gone once the import is done.
      const staged = (await readdir(tmpdir())).filter((name) => name.startsWith('blog-import-'));
      expect(staged).toEqual([]);
    });
  });

  it('places staged attachments only inside the folder, and only images', () => {
    expect(stagedPathOf('uploads/2024/01/photo.png')).toBe('2024/01/photo.png');
    expect(stagedPathOf('site/wp-content/uploads/2024/01/photo.JPG')).toBe('2024/01/photo.JPG');
    expect(stagedPathOf('pictures/2024/photo.webp')).toBe('2024/photo.webp');
    expect(stagedPathOf('photo.gif')).toBe('photo.gif');
    expect(stagedPathOf('uploads/../../etc/x.png')).toBeNull();
    expect(stagedPathOf('uploads/./x.png')).toBeNull();
    expect(stagedPathOf('uploads\\..\\x.png')).toBeNull();
    expect(stagedPathOf('uploads/x.png\0.txt')).toBeNull();
    expect(stagedPathOf('uploads/notes.txt')).toBeNull();
    expect(stagedPathOf('uploads/shell.php')).toBeNull();
  });

  it('imports a Ghost export: posts, tags without internal ones, pages left out', async () => {
    await withSite(async (t) => {
      const me = await t.factories.user({ role: 'admin' });
      const { report } = await reportOf(
        await importFiles(t, me, [{ name: 'ghost.json', content: fixture('ghost.json') }]),
      );
      expect(report.format).toBe('ghost');
      expect(report.skipped.map((s) => [s.kind, s.reason])).toContainEqual(['page', 'page']);
      const welcome = await t.db.models.Post.findOne({ where: { slug: 'welcome-to-the-lighthouse' } });
      expect(welcome?.status).toBe('published');
      const tags = await t.db.models.Tag.findAll();
      expect(tags.length).toBeGreaterThan(0);
      expect(tags.some((tag) => tag.name.startsWith('#'))).toBe(false);
      expect((await t.db.models.Post.findOne({ where: { slug: 'members-only' } }))?.status).toBe('draft');
      expect(await findCountDrift(t.db)).toEqual([]);
    });
  });

  it('imports a Markdown folder and reports the files it could not read', async () => {
    const root = path.join(fixtures, 'markdown');
    const files: { name: string; content: string }[] = [];
    const walk = async (dir: string) => {
      for (const entry of await readdir(dir)) {
        const full = path.join(dir, entry);
        if ((await stat(full)).isDirectory()) await walk(full);
        else files.push({ name: path.relative(root, full), content: readFileSync(full, 'utf8') });
      }
    };
    await walk(root);
    // A site folder may hold XML of its own: it is no WordPress export.
    files.push({ name: 'public/sitemap.xml', content: '<?xml version="1.0"?><urlset/>' });
    await withSite(async (t) => {
      const me = await t.factories.user({ role: 'admin' });
      const { report } = await reportOf(await importFiles(t, me, files));
      expect(report.format).toBe('markdown');
      expect(report.imported.posts).toBeGreaterThanOrEqual(4);
      expect(report.skipped.map((s) => s.reason)).toEqual(
        expect.arrayContaining(['bad_front_matter', 'toml_front_matter', 'missing_title']),
      );
      const old = await t.db.models.Post.findOne({ where: { slug: 'old-friend' } });
      expect(old?.publishedAt?.toISOString().slice(0, 10)).toBe('2023-05-06');
    });
  });
});

describe('hostile and malformed imports', () => {
  it('refuses a file it cannot read at all before writing anything (entities, bad XML, not JSON)', async () => {
    await withSite(async (t) => {
      const me = await t.factories.user({ role: 'admin' });
      const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><rss><channel><item><title>&lol2;</title></item></channel></rss>`;
      await expectError(await importFiles(t, me, [{ name: 'x.xml', content: bomb }]), 422, 'import_unreadable');
      await expectError(
        await importFiles(t, me, [{ name: 'x.xml', content: '<rss><channel><item>' }], 'wxr'),
        422,
        'import_unreadable',
      );
      await expectError(await importFiles(t, me, [{ name: 'x.json', content: '{"db": 1' }]), 422, 'import_unreadable');
      await expectError(
        await importFiles(t, me, [{ name: 'x.json', content: '{"format":"blog-archive","version":2}' }]),
        422,
        'import_unreadable',
      );
      expect(await t.db.models.Post.count()).toBe(0);
      expect(await t.db.models.User.count()).toBe(1);
    });
  });

  it('skips an item with a huge or invalid field whole, mends what it can say it mended, and imports the rest', async () => {
    await withSite(async (t) => {
      const me = await t.factories.user({ role: 'admin' });
      const site = siteOfArchive({
        format: 'blog-archive',
        version: 1,
        exportedAt: new Date().toISOString(),
        users: [],
        categories: [],
        posts: [],
      });
      const post = (slug: string, over: Record<string, unknown> = {}) => ({
        ref: slug,
        title: `Title ${slug}`,
        subtitle: '',
        slug,
        bodyMarkdown: 'Body',
        status: 'published' as const,
        publishedAt: new Date('2024-01-01T00:00:00Z'),
        authorRef: null,
        categoryRefs: [],
        comments: [],
        tags: [],
        attachments: [],
        ...over,
      });
      site.posts.push(
        post('huge-title', { title: 'x'.repeat(10_000) }),
        post('bad-canonical', {
          canonicalUrl: 'javascript:alert(1)',
          ogImageUrl: '__GHOST_URL__/content/images/a.png',
        }),
        post('nul-body', { bodyMarkdown: 'a\0b' }),
        post('too-many-tags', { tags: Array.from({ length: 30 }, (_, i) => `t${i}`) }),
        post('long-excerpt', { customExcerpt: 'word '.repeat(100), metaDescription: 'd'.repeat(400) }),
        post('fine', {
          title: '<script>alert(1)</script>',
          bodyMarkdown: '<img src=x onerror=alert(1)> [x](javascript:alert(1))',
          comments: [
            {
              ref: 'c1',
              parentRef: null,
              authorRef: 'nobody',
              bodyMarkdown: 'orphan',
              status: 'visible',
              createdAt: new Date(),
            },
          ],
        }),
      );
      const report = await transferServiceOf(t).import(me, site, 'archive');
      expect(report.imported.posts).toBe(3);
      // A URL a post cannot take is left out, an excerpt or description too long is cut, each
      // said so; the post comes in.
      expect(report.warnings.map((w) => [w.ref, w.reason])).toEqual([
        ['bad-canonical', 'url_dropped'],
        ['bad-canonical', 'url_dropped'],
        ['long-excerpt', 'truncated'],
        ['long-excerpt', 'truncated'],
      ]);
      expect((await t.db.models.Post.findOne({ where: { slug: 'bad-canonical' } }))?.canonicalUrl).toBeNull();
      const cut = await t.db.models.Post.findOne({ where: { slug: 'long-excerpt' } });
      expect(cut?.customExcerpt.length).toBe(300);
      expect(cut?.metaDescription).toBe(`${'d'.repeat(299)}…`);
      expect(report.skipped.map((s) => [s.ref, s.reason])).toEqual([
        ['huge-title', 'invalid'],
        ['nul-body', 'invalid'],
        ['too-many-tags', 'invalid'],
        ['fine/c1', 'author_missing'],
      ]);
      expect(report.skipped[0]?.message).toMatch(/title/);
      const fine = await t.db.models.Post.findOne({ where: { slug: 'fine' } });
      expect(fine?.title).toBe('<script>alert(1)</script>');
      expect(fine?.bodyHtml).not.toMatch(/<img[^>]*onerror|href="javascript/i);
      expect(await t.db.models.Post.count()).toBe(3);
      expect(await t.db.models.Tag.count()).toBe(0);
    });
  });

  it('fills what a source leaves out: an untitled post, a date in the future, an author page address in use, a bad email, a long name', async () => {
    await withSite(async (t) => {
      const me = await t.factories.user({ role: 'admin' });
      const holder = await t.factories.user({ role: 'author', name: 'Holder' });
      await holder.update({ slug: 'taken-address' });
      const tomorrow = new Date(Date.now() + 86_400_000);
      const site = siteOfArchive({
        format: 'blog-archive',
        version: 1,
        exportedAt: new Date().toISOString(),
        users: [
          {
            id: 8,
            email: 'not an address',
            name: 'N'.repeat(120),
            role: 'author',
            emailVerifiedAt: null,
            bannedAt: null,
            slug: null,
            bio: '',
            createdAt: new Date().toISOString(),
          },
          {
            id: 7,
            email: 'writer@example.org',
            name: 'Writer',
            role: 'author',
            emailVerifiedAt: null,
            bannedAt: null,
            slug: 'taken-address',
            bio: '',
            createdAt: new Date().toISOString(),
          },
        ],
        categories: [],
        posts: [],
      });
      const base = {
        subtitle: '',
        bodyMarkdown: 'Body',
        status: 'published' as const,
        authorRef: '7',
        categoryRefs: [],
        comments: [],
        tags: [],
        attachments: [],
      };
      site.posts.push(
        { ...base, ref: 'a', title: '  ', slug: 'no-title', publishedAt: new Date('2024-01-01T00:00:00Z') },
        { ...base, ref: 'b', title: 'Soon', slug: 'soon', publishedAt: tomorrow },
        {
          ...base,
          ref: 'c',
          title: 'By N',
          slug: 'by-n',
          authorRef: '8',
          publishedAt: new Date('2024-01-01T00:00:00Z'),
        },
      );
      const report = await transferServiceOf(t).import(me, site, 'markdown');
      expect(report.skipped).toEqual([]);
      expect(report.warnings.map((w) => [w.ref, w.reason])).toEqual([
        ['8', 'email_replaced'],
        ['a', 'untitled'],
      ]);
      const n = await t.db.models.User.findOne({ where: { name: 'N'.repeat(80) } });
      expect(n?.email).toMatch(/@import\.invalid$/);
      expect((await t.db.models.Post.findOne({ where: { slug: 'by-n' } }))?.authorId).toBe(n?.id);
      expect((await t.db.models.Post.findOne({ where: { slug: 'no-title' } }))?.title).toBe('Untitled');
      const soon = await t.db.models.Post.findOne({ where: { slug: 'soon' } });
      expect(soon?.status).toBe('scheduled');
      expect(soon?.publishAt?.toISOString()).toBe(tomorrow.toISOString());
      expect(soon?.publishedAt).toBeNull();
      expect(await t.db.models.Job.count({ where: { kind: SCHEDULED_PUBLISH_JOB } })).toBe(1);
      const writer = await t.db.models.User.findOne({ where: { email: 'writer@example.org' } });
      expect(writer?.slug).toBeTruthy();
      expect(writer?.slug).not.toBe('taken-address');
    });
  });

  it('rolls a post back whole when a write fails midway (no post without its comments)', async () => {
    await withSite(async (t) => {
      const me = await t.factories.user({ role: 'admin' });
      const site = readWxr(fixture('wordpress.xml'));
      const engine = site.posts.find((p) => p.slug === 'analytical-engine');
      if (!engine) throw new Error('fixture changed');
      // A comment with a status of no kind is skipped alone; a write that fails inside the post's
      // transaction (the database refusing a row: here a hook throwing) takes the post back whole.
      const author = engine.comments[0]?.authorRef ?? '';
      engine.comments.push(
        {
          ref: 'odd',
          parentRef: null,
          authorRef: author,
          bodyMarkdown: 'odd',
          status: 'odd' as 'visible',
          createdAt: new Date(),
        },
        {
          ref: 'boom',
          parentRef: null,
          authorRef: author,
          bodyMarkdown: 'boom',
          status: 'visible',
          createdAt: new Date(),
        },
      );
      t.db.models.Comment.addHook('beforeCreate', 'failOnBoom', (comment) => {
        if (comment.get('bodyMarkdown') === 'boom') throw new Error('the database refused the row');
      });
      const report = await transferServiceOf(t)
        .import(me, site, 'wxr')
        .finally(() => t.db.models.Comment.removeHook('beforeCreate', 'failOnBoom'));
      expect(report.skipped).toContainEqual(
        expect.objectContaining({ kind: 'post', ref: engine.ref, reason: 'write_failed' }),
      );
      expect(report.imported.posts).toBe(2);
      expect(await t.db.models.Post.findOne({ where: { slug: 'analytical-engine' } })).toBeNull();
      expect(await t.db.models.Comment.count()).toBe(0);
      expect(await findCountDrift(t.db)).toEqual([]);
    });
  });

  it('is for admins only, refuses a non-multipart body, and holds strangers to MAX_BODY_BYTES', async () => {
    const author = await source.factories.user({ role: 'author' });
    const file = [{ name: 'a.json', content: '{}' }];
    await expectError(await importFiles(source, null, file), 401, 'unauthorized');
    await expectError(await importFiles(source, author, file), 403, 'forbidden');
    await expectError(await source.request('GET', '/api/admin/export', { as: author }), 403, 'forbidden');
    const admin = await source.factories.user({ role: 'admin' });
    await expectError(
      await source.request('POST', '/api/admin/import', { as: admin, json: { format: 'archive' } }),
      415,
      'unsupported_media_type',
    );
    await expectError(await importFiles(source, admin, file, 'zip'), 422, 'validation_failed');
    const huge = [{ name: 'a.json', content: 'x'.repeat(source.config.maxBodyBytes + 10) }];
    // Admins may send up to IMPORT_MAX_BYTES; a body over it is refused.
    await withSite(async (t) => {
      const me = await t.factories.user({ role: 'admin' });
      const small = await createTestContext({ IMPORT_MAX_BYTES: '4096' });
      try {
        const boss = await small.factories.user({ role: 'admin' });
        await expectError(await importFiles(small, boss, huge), 413, 'payload_too_large');
      } finally {
        await small.destroy();
      }
      await expectError(await importFiles(t, me, huge), 422, 'import_unreadable');
    });
  });
});
