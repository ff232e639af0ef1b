import { z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/app.js';
import { expectError, read } from '../../../test/http.js';
import { findCountDrift } from '../../db/recount.js';
import { AuditListSchema } from '../admin/schema.js';
import { PostListSchema, PostSchema } from '../posts/schema.js';
import { SitePostPageSchema } from '../site/schema.js';
import { TagListSchema, TagSchema } from './schema.js';

// Tags end to end through the API, on SQLite or PostgreSQL (TEST_DATABASE_URL): created on first
// use, deduplicated, limited, renamed, merged and deleted by admins, counted exactly.

const StrictPost = PostSchema.strict();
const StrictTagList = TagListSchema.extend({ items: z.array(TagSchema.strict()) }).strict();

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

const author = () => t.factories.user({ role: 'author' });
const admin = () => t.factories.user({ role: 'admin' });

let serial = 0;
/** A tag name no other test uses (the database is shared by this file's tests). */
const fresh = (name: string) => `${name} ${process.pid}x${serial++}`;

async function createPost(as: Awaited<ReturnType<typeof author>>, json: Record<string, unknown>) {
  return read(
    await t.request('POST', '/api/posts', { as, json: { title: 'Tagged', bodyMarkdown: 'Body.', ...json } }),
    201,
    StrictPost,
  );
}

const tagRow = (slug: string) => t.db.models.Tag.findOne({ where: { slug } });
const countOf = async (slug: string) => (await tagRow(slug))?.postsCount;

describe('tags on posts', () => {
  it('creates tags on first use, trims and deduplicates them case-insensitively, and returns them by name', async () => {
    const me = await author();
    const zeta = fresh('Zeta');
    const alpha = fresh('alpha');
    const post = await createPost(me, { tags: [`  ${zeta} `, alpha, alpha.toUpperCase(), zeta.toLowerCase()] });
    expect(post.tags.map((tag) => tag.name)).toEqual([alpha, zeta]);
    expect(post.tags.every((tag) => /^[\p{Ll}\p{N}-]+$/u.test(tag.slug))).toBe(true);

    // The same name in another case on another post is the same tag.
    const other = await createPost(me, { tags: [alpha.toUpperCase()] });
    expect(other.tags).toEqual([post.tags[0]]);
    expect(await t.db.models.Tag.count({ where: { nameKey: alpha.toLowerCase() } })).toBe(1);
  });

  it('refuses more than 20 tags, a name over 60 characters, an empty name and a NUL', async () => {
    const me = await author();
    const many = Array.from({ length: 21 }, (_, i) => fresh(`t${i}`));
    for (const tags of [many, ['x'.repeat(61)], ['   '], ['a\0b'], 'one,two', [1]]) {
      const res = await t.request('POST', '/api/posts', { as: me, json: { title: 'x', bodyMarkdown: 'y', tags } });
      await expectError(res, 422, 'validation_failed');
    }
    // Twenty distinct ones, and the same one twenty-one times, are fine.
    expect((await createPost(me, { tags: many.slice(0, 20) })).tags).toHaveLength(20);
    const once = fresh('once');
    expect((await createPost(me, { tags: Array.from({ length: 21 }, () => once) })).tags).toHaveLength(1);
  });

  it('replaces the set on update when `tags` is present, keeps it when absent, and counts only published posts', async () => {
    const me = await author();
    const [a, b, c] = [fresh('a'), fresh('b'), fresh('c')];
    const draft = await createPost(me, { tags: [a, b] });
    const slugs = Object.fromEntries(draft.tags.map((tag) => [tag.name, tag.slug]));
    const slugA = slugs[a] as string;
    const slugB = slugs[b] as string;
    expect(await countOf(slugA)).toBe(0);

    const published = await read(
      await t.request('POST', `/api/posts/${draft.id}/publish`, { as: me }),
      200,
      StrictPost,
    );
    expect(published.tags.map((tag) => tag.name)).toEqual([a, b]);
    expect([await countOf(slugA), await countOf(slugB)]).toEqual([1, 1]);

    const retitled = await read(
      await t.request('PATCH', `/api/posts/${draft.id}`, { as: me, json: { title: 'New title' } }),
      200,
      StrictPost,
    );
    expect(retitled.tags.map((tag) => tag.name)).toEqual([a, b]);

    const events = (await t.publishEvents()).length;
    const retagged = await read(
      await t.request('PATCH', `/api/posts/${draft.id}`, { as: me, json: { tags: [b, c] } }),
      200,
      StrictPost,
    );
    expect(retagged.tags.map((tag) => tag.name)).toEqual([b, c]);
    expect(retagged.updatedAt >= retitled.updatedAt).toBe(true);
    // A retagged published post is announced like any edit (its tag pages re-render).
    expect((await t.publishEvents()).slice(events).map((event) => event.event)).toEqual(['updated']);
    const slugC = retagged.tags[1]?.slug as string;
    expect([await countOf(slugA), await countOf(slugB), await countOf(slugC)]).toEqual([0, 1, 1]);

    await read(await t.request('POST', `/api/posts/${draft.id}/unpublish`, { as: me }), 200, StrictPost);
    expect([await countOf(slugB), await countOf(slugC)]).toEqual([0, 0]);
    await read(await t.request('POST', `/api/posts/${draft.id}/publish`, { as: me }), 200, StrictPost);
    expect([await countOf(slugB), await countOf(slugC)]).toEqual([1, 1]);

    const res = await t.request('DELETE', `/api/posts/${draft.id}`, { as: me });
    expect(res.status).toBe(204);
    expect([await countOf(slugB), await countOf(slugC)]).toEqual([0, 0]);
    expect(await t.db.models.PostTag.count({ where: { postId: draft.id } })).toBe(0);

    // An empty list clears the set.
    const cleared = await createPost(me, { tags: [a] });
    const none = await read(
      await t.request('PATCH', `/api/posts/${cleared.id}`, { as: me, json: { tags: [] } }),
      200,
      StrictPost,
    );
    expect(none.tags).toEqual([]);
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it('shows tags in the posts list, filters it by tag, and in the site reads', async () => {
    const me = await author();
    const name = fresh('Listed');
    const tagged = await createPost(me, { tags: [name], status: 'published' });
    await createPost(me, { tags: [name] });
    await createPost(me, { status: 'published' });
    const slug = tagged.tags[0]?.slug as string;

    const list = await read(await t.request('GET', `/api/posts?tag=${slug}`), 200, PostListSchema);
    expect(list.items.map((post) => post.id)).toEqual([tagged.id]);
    expect(list.total).toBe(1);
    expect(list.items[0]?.tags).toEqual(tagged.tags);
    await expectError(await t.request('GET', '/api/posts?tag=no-such-tag-here'), 404, 'not_found');
    await expectError(await t.request('GET', '/api/posts?tag=Not%20A%20Slug'), 400, 'invalid_request');

    const page = await read(await t.request('GET', '/api/site/posts?limit=500'), 200, SitePostPageSchema);
    expect(page.items.find((post) => post.id === tagged.id)?.tags).toEqual(tagged.tags);
    const one = await read(await t.request('GET', `/api/site/posts/${tagged.id}`), 200, z.looseObject({}));
    expect(one.tags).toEqual(tagged.tags);

    const tags = await read(await t.request('GET', '/api/tags'), 200, StrictTagList);
    expect(tags.items.find((tag) => tag.slug === slug)?.postsCount).toBe(1);
  });

  it('lists publicly only tags with published posts; admins see every tag', async () => {
    const me = await author();
    const unused = fresh('Draft only');
    const post = await createPost(me, { tags: [unused] });
    const slug = post.tags[0]?.slug as string;
    const publicList = await read(await t.request('GET', '/api/tags'), 200, StrictTagList);
    expect(publicList.items.some((tag) => tag.slug === slug)).toBe(false);
    const all = await read(await t.request('GET', '/api/admin/tags', { as: await admin() }), 200, StrictTagList);
    expect(all.items.find((tag) => tag.slug === slug)?.postsCount).toBe(0);
    await expectError(await t.request('GET', '/api/admin/tags', { as: me }), 403, 'forbidden');
    await expectError(await t.request('GET', '/api/admin/tags'), 401, 'unauthorized');
  });

  it('renders a tag name inert: it is data, never markup', async () => {
    const me = await author();
    const name = `<script>alert(1)</script>${serial++}`;
    const post = await createPost(me, { tags: [name] });
    expect(post.tags[0]?.name).toBe(name);
    expect(post.tags[0]?.slug).toMatch(/^script-alert-1-script/);
  });
});

describe('admin tag management', () => {
  it('renames a tag (and its slug), refusing a name another tag has in any case, audited', async () => {
    const me = await author();
    const boss = await admin();
    const [old, taken] = [fresh('Old name'), fresh('Taken')];
    const post = await createPost(me, { tags: [old, taken], status: 'published' });
    const tag = post.tags.find((ref) => ref.name === old);
    if (!tag) throw new Error('tag missing');
    const events = (await t.publishEvents()).length;
    const wanted = fresh('renamed').toLowerCase().replace(/\W+/g, '-');

    const renamed = await read(
      await t.request('PATCH', `/api/admin/tags/${tag.id}`, {
        as: boss,
        json: { name: '  New   name ', slug: wanted },
      }),
      200,
      TagSchema.strict(),
    );
    expect(renamed).toMatchObject({ id: tag.id, name: 'New name', slug: wanted, postsCount: 1 });
    const reread = await read(await t.request('GET', `/api/posts/${post.id}`), 200, StrictPost);
    expect(reread.tags.find((ref) => ref.id === tag.id)).toEqual({ id: tag.id, name: 'New name', slug: wanted });
    const rebuilds = (await t.db.models.Job.findAll({ where: { kind: 'webhook' } })).slice(events);
    expect(rebuilds.some((job) => JSON.parse(job.payload).event === 'rebuild')).toBe(true);

    await expectError(
      await t.request('PATCH', `/api/admin/tags/${tag.id}`, { as: boss, json: { name: taken.toUpperCase() } }),
      409,
      'tag_name_taken',
    );
    const takenSlug = post.tags.find((ref) => ref.name === taken)?.slug;
    await expectError(
      await t.request('PATCH', `/api/admin/tags/${tag.id}`, { as: boss, json: { name: 'Whatever', slug: takenSlug } }),
      409,
      'slug_taken',
    );
    // Its own name in another case is a rename, not a conflict.
    const recased = await read(
      await t.request('PATCH', `/api/admin/tags/${tag.id}`, { as: boss, json: { name: 'NEW NAME' } }),
      200,
      TagSchema,
    );
    expect(recased.name).toBe('NEW NAME');

    const audit = await read(await t.request('GET', '/api/admin/audit?action=tag', { as: boss }), 200, AuditListSchema);
    expect(audit.items.filter((entry) => entry.targetId === String(tag.id)).map((entry) => entry.action)).toEqual([
      'tag.update',
      'tag.update',
    ]);
  });

  it('merges a tag into another: posts move, a post with both keeps one, counts exact, the source gone', async () => {
    const me = await author();
    const boss = await admin();
    const [from, into] = [fresh('From'), fresh('Into')];
    const onlyFrom = await createPost(me, { tags: [from], status: 'published' });
    const both = await createPost(me, { tags: [from, into], status: 'published' });
    const draft = await createPost(me, { tags: [from] });
    const fromRef = onlyFrom.tags[0];
    const intoRef = both.tags.find((ref) => ref.name === into);
    if (!fromRef || !intoRef) throw new Error('tags missing');
    expect([await countOf(fromRef.slug), await countOf(intoRef.slug)]).toEqual([2, 1]);

    const merged = await read(
      await t.request('POST', `/api/admin/tags/${fromRef.id}/merge`, { as: boss, json: { into: intoRef.id } }),
      200,
      TagSchema.strict(),
    );
    expect(merged).toMatchObject({ id: intoRef.id, postsCount: 2 });
    expect(await tagRow(fromRef.slug)).toBeNull();
    for (const post of [onlyFrom, both, draft]) {
      const reread = await read(await t.request('GET', `/api/posts/${post.id}`, { as: me }), 200, StrictPost);
      expect(reread.tags).toEqual([intoRef]);
    }
    expect(await findCountDrift(t.db)).toEqual([]);

    await expectError(
      await t.request('POST', `/api/admin/tags/${intoRef.id}/merge`, { as: boss, json: { into: intoRef.id } }),
      422,
      'merge_into_self',
    );
    await expectError(
      await t.request('POST', `/api/admin/tags/${intoRef.id}/merge`, { as: boss, json: { into: 2_000_000_000 } }),
      422,
      'unknown_tag',
    );
    await expectError(
      await t.request('POST', `/api/admin/tags/${fromRef.id}/merge`, { as: boss, json: { into: intoRef.id } }),
      404,
      'not_found',
    );
  });

  it('deletes a tag: its posts stay, without it', async () => {
    const me = await author();
    const boss = await admin();
    const [gone, kept] = [fresh('Gone'), fresh('Kept')];
    const post = await createPost(me, { tags: [gone, kept], status: 'published' });
    const goneRef = post.tags.find((ref) => ref.name === gone);
    if (!goneRef) throw new Error('tag missing');
    const res = await t.request('DELETE', `/api/admin/tags/${goneRef.id}`, { as: boss });
    expect(res.status).toBe(204);
    const reread = await read(await t.request('GET', `/api/posts/${post.id}`), 200, StrictPost);
    expect(reread.tags.map((ref) => ref.name)).toEqual([kept]);
    await expectError(await t.request('DELETE', `/api/admin/tags/${goneRef.id}`, { as: boss }), 404, 'not_found');
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it('is for admins only: 401 signed out, 403 for authors and readers', async () => {
    const me = await author();
    const post = await createPost(me, { tags: [fresh('Guarded')] });
    const id = post.tags[0]?.id;
    const reader = await t.factories.user();
    for (const as of [me, reader, undefined]) {
      const status = as ? 403 : 401;
      const code = as ? 'forbidden' : 'unauthorized';
      await expectError(await t.request('PATCH', `/api/admin/tags/${id}`, { as, json: { name: 'x' } }), status, code);
      await expectError(
        await t.request('POST', `/api/admin/tags/${id}/merge`, { as, json: { into: 1 } }),
        status,
        code,
      );
      await expectError(await t.request('DELETE', `/api/admin/tags/${id}`, { as }), status, code);
    }
    expect(await t.db.models.Tag.findByPk(id)).not.toBeNull();
  });
});

describe('tags under concurrency', () => {
  it('N parallel posts tagging the same new tag make one tag with an exact count', async () => {
    const writers = await Promise.all(Array.from({ length: 4 }, () => author()));
    const name = fresh('Race');
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        t.request('POST', '/api/posts', {
          as: writers[i % writers.length],
          json: { title: `Race ${i}`, bodyMarkdown: 'Body.', status: 'published', tags: [name, `${name} ${i % 2}`] },
        }),
      ),
    );
    expect(results.map((res) => res.status)).toEqual(results.map(() => 201));
    expect(await t.db.models.Tag.count({ where: { nameKey: name.toLowerCase() } })).toBe(1);
    const tag = await t.db.models.Tag.findOne({ where: { nameKey: name.toLowerCase() } });
    expect(tag?.postsCount).toBe(16);
    const halves = await t.db.models.Tag.findAll({
      where: { nameKey: [`${name} 0`.toLowerCase(), `${name} 1`.toLowerCase()] },
    });
    expect(halves.map((half) => half.postsCount)).toEqual([8, 8]);
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it('concurrent publish, unpublish, retag, merge and delete keep every tag count exact', async () => {
    const me = await author();
    const boss = await admin();
    const names = [fresh('P'), fresh('Q'), fresh('R')];
    const posts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createPost(me, { tags: names.slice(i % 3), status: 'published' })),
    );
    const ids = await t.db.models.Tag.findAll({ where: { nameKey: names.map((name) => name.toLowerCase()) } });
    const byKey = new Map(ids.map((tag) => [tag.nameKey, tag.id]));
    const [p, q] = names.map((name) => byKey.get(name.toLowerCase()));
    const ops = posts.flatMap((post, i) => [
      t.request('POST', `/api/posts/${post.id}/${i % 2 ? 'unpublish' : 'publish'}`, { as: me }),
      t.request('PATCH', `/api/posts/${post.id}`, { as: me, json: { tags: names.slice((i + 1) % 3) } }),
      ...(i % 4 === 0 ? [t.request('DELETE', `/api/posts/${post.id}`, { as: me })] : []),
    ]);
    ops.push(t.request('POST', `/api/admin/tags/${p}/merge`, { as: boss, json: { into: q } }));
    const answers = await Promise.all(ops);
    // A write racing a deletion may lose: its post deleted (404), or a tag it names merged away
    // between reading it and writing the pair (409 reference_gone, nothing written); nothing
    // fails otherwise.
    const lost = [];
    for (const res of answers) {
      if ([200, 204, 404].includes(res.status)) continue;
      const body = (await res.json()) as { error?: { code?: string } };
      if (res.status !== 409 || body.error?.code !== 'reference_gone')
        lost.push(`${res.status} ${JSON.stringify(body)}`);
    }
    expect(lost).toEqual([]);
    expect(await findCountDrift(t.db)).toEqual([]);
  });
});
