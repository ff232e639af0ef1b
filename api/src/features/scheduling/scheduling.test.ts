import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/app.js';
import { expectError, read } from '../../../test/http.js';
import { createApp } from '../../app.js';
import { findCountDrift } from '../../db/recount.js';
import { createBackgroundJobs } from '../../jobs/index.js';
import { createLogger } from '../../lib/logger.js';
import { PostSchema } from '../posts/schema.js';
import { SCHEDULED_PUBLISH_JOB } from './schedule.js';
import { RevisionListSchema, RevisionSchema } from './schema.js';

// Scheduling (the outbox publishes a post at its time, once, on any replica), version
// preconditions (409 instead of a silent overwrite) and revisions, on SQLite or PostgreSQL.

const StrictPost = PostSchema.strict();
const HOUR = 3_600_000;

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  t.setNow(null);
  await t.destroy();
});

type User = Awaited<ReturnType<TestContext['factories']['user']>>;
const author = () => t.factories.user({ role: 'author' });

async function create(as: User, json: Record<string, unknown> = {}) {
  return read(
    await t.request('POST', '/api/posts', { as, json: { title: 'Planned', bodyMarkdown: 'Body.', ...json } }),
    201,
    StrictPost,
  );
}

const patch = (as: User, id: number, json: Record<string, unknown>) =>
  t.request('PATCH', `/api/posts/${id}`, { as, json });

/** Runs every due job at `at` (the test clock), then puts the clock back. */
async function runJobsAt(at: Date) {
  t.setNow(at);
  try {
    while ((await t.jobs.drain()) > 0) {}
  } finally {
    t.setNow(null);
  }
}

const eventsFor = async (postId: number) => (await t.publishEvents()).filter((event) => event.postId === postId);
const inFuture = (ms: number) => new Date(Date.now() + ms);

describe('scheduling', () => {
  it('keeps a scheduled post off the site and out of the counts until its time, then publishes it once, dated then', async () => {
    const me = await author();
    const at = inFuture(2 * HOUR);
    const post = await create(me, { publishAt: at.toISOString() });
    expect(post).toMatchObject({ status: 'scheduled', publishAt: at.toISOString(), publishedAt: null });
    await expectError(await t.request('GET', `/api/posts/${post.id}`), 404, 'not_found');
    expect((await me.reload()).postsCount).toBe(0);
    const job = await t.db.models.Job.findOne({ where: { kind: SCHEDULED_PUBLISH_JOB }, order: [['id', 'DESC']] });
    expect(job?.runAt.toISOString()).toBe(at.toISOString());

    // An hour early: nothing happens.
    await runJobsAt(new Date(at.getTime() - HOUR));
    expect((await t.db.models.Post.findByPk(post.id))?.status).toBe('scheduled');
    expect(await eventsFor(post.id)).toEqual([]);

    await runJobsAt(new Date(at.getTime() + 1000));
    const published = await read(await t.request('GET', `/api/posts/${post.id}`), 200, StrictPost);
    expect(published).toMatchObject({ status: 'published', publishAt: null, publishedAt: at.toISOString() });
    expect((await me.reload()).postsCount).toBe(1);
    expect((await eventsFor(post.id)).map((event) => event.event)).toEqual(['published']);
    expect((await job?.reload())?.status).toBe('done');
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it('reschedules (the old time does nothing) and cancels back to a draft', async () => {
    const me = await author();
    const first = inFuture(HOUR);
    const later = inFuture(5 * HOUR);
    const post = await create(me, { publishAt: first.toISOString() });
    const moved = await read(await patch(me, post.id, { publishAt: later.toISOString() }), 200, StrictPost);
    expect(moved).toMatchObject({ status: 'scheduled', publishAt: later.toISOString() });
    await runJobsAt(new Date(first.getTime() + 1000));
    expect((await t.db.models.Post.findByPk(post.id))?.status).toBe('scheduled');
    await runJobsAt(new Date(later.getTime() + 1000));
    expect((await t.db.models.Post.findByPk(post.id))?.status).toBe('published');
    expect((await eventsFor(post.id)).map((event) => event.event)).toEqual(['published']);

    const other = await create(me, { publishAt: first.toISOString() });
    const cancelled = await read(await patch(me, other.id, { publishAt: null }), 200, StrictPost);
    expect(cancelled).toMatchObject({ status: 'draft', publishAt: null });
    await runJobsAt(new Date(first.getTime() + 1000));
    expect((await t.db.models.Post.findByPk(other.id))?.status).toBe('draft');
    expect(await eventsFor(other.id)).toEqual([]);
  });

  it('publishing a scheduled post by hand wins: its job later does nothing', async () => {
    const me = await author();
    const at = inFuture(HOUR);
    const post = await create(me, { publishAt: at.toISOString() });
    const now = await read(await t.request('POST', `/api/posts/${post.id}/publish`, { as: me }), 200, StrictPost);
    expect(now).toMatchObject({ status: 'published', publishAt: null });
    await runJobsAt(new Date(at.getTime() + 1000));
    expect((await eventsFor(post.id)).map((event) => event.event)).toEqual(['published']);
    expect((await t.db.models.Post.findByPk(post.id))?.publishedAt?.getTime()).toBe(
      new Date(now.publishedAt ?? 0).getTime(),
    );
  });

  it('publishes once when two replicas run the due job at the same moment', async () => {
    const me = await author();
    const at = inFuture(HOUR);
    const post = await create(me, { publishAt: at.toISOString() });
    const after = new Date(at.getTime() + 1000);
    const clock = () => after;
    const logger = createLogger('silent');
    const replica = createBackgroundJobs({ config: t.config, db: t.db, logger, clock });
    // Its own services register its own handler, as a second API process would.
    createApp({ config: t.config, db: t.db, logger, clock, jobs: replica });
    t.setNow(after);
    try {
      await Promise.all([t.jobs.drain(), replica.drain(), t.jobs.drain(), replica.drain()]);
    } finally {
      t.setNow(null);
    }
    expect((await t.db.models.Post.findByPk(post.id))?.status).toBe('published');
    expect((await eventsFor(post.id)).map((event) => event.event)).toEqual(['published']);
    expect((await me.reload()).postsCount).toBe(1);
  });

  it('refuses a time in the past or too far ahead, a schedule with status published, and one on a published post', async () => {
    const me = await author();
    await expectError(
      await t.request('POST', '/api/posts', {
        as: me,
        json: { title: 'x', bodyMarkdown: 'y', publishAt: new Date(Date.now() - 60_000).toISOString() },
      }),
      422,
      'invalid_publish_at',
    );
    await expectError(
      await t.request('POST', '/api/posts', {
        as: me,
        json: { title: 'x', bodyMarkdown: 'y', publishAt: inFuture(6 * 366 * 24 * HOUR).toISOString() },
      }),
      422,
      'invalid_publish_at',
    );
    await expectError(
      await t.request('POST', '/api/posts', {
        as: me,
        json: { title: 'x', bodyMarkdown: 'y', status: 'published', publishAt: inFuture(HOUR).toISOString() },
      }),
      422,
      'not_schedulable',
    );
    for (const publishAt of ['tomorrow', '2027-13-01T00:00:00Z', 12]) {
      await expectError(
        await t.request('POST', '/api/posts', { as: me, json: { title: 'x', bodyMarkdown: 'y', publishAt } }),
        422,
        'validation_failed',
      );
    }
    const live = await create(me, { status: 'published' });
    await expectError(await patch(me, live.id, { publishAt: inFuture(HOUR).toISOString() }), 422, 'not_schedulable');
    expect((await t.db.models.Post.findByPk(live.id))?.status).toBe('published');
  });
});

describe('versions and revisions', () => {
  it('answers 409 version_conflict to an edit made on an older version, changing nothing', async () => {
    const me = await author();
    const post = await create(me);
    expect(post.version).toBe(1);
    const saved = await read(await patch(me, post.id, { title: 'Tab one', version: 1 }), 200, StrictPost);
    expect(saved.version).toBe(2);
    const error = await expectError(
      await patch(me, post.id, { title: 'Tab two', version: 1 }),
      409,
      'version_conflict',
    );
    expect(error.details?.[0]).toMatchObject({ path: 'version', version: 2 });
    expect((await t.db.models.Post.findByPk(post.id))?.title).toBe('Tab one');
  });

  it('lets exactly one of two simultaneous edits of the same version through', async () => {
    const me = await author();
    const post = await create(me);
    const results = await Promise.all(
      ['A', 'B', 'C'].map((title) => patch(me, post.id, { title: `Racer ${title}`, version: post.version })),
    );
    expect(results.map((res) => res.status).sort()).toEqual([200, 409, 409]);
    const row = await t.db.models.Post.findByPk(post.id);
    expect(row?.version).toBe(2);
    const winner = await read(results.find((res) => res.status === 200) as Response, 200, StrictPost);
    expect(row?.title).toBe(winner.title);
  });

  it('keeps the last 20 saved versions, newest first, and restores one as a new version', async () => {
    const me = await author();
    const post = await create(me, { title: 'Version 1', bodyMarkdown: 'Body 1' });
    for (let v = 2; v <= 23; v++) {
      await read(await patch(me, post.id, { title: `Version ${v}`, bodyMarkdown: `Body ${v}` }), 200, StrictPost);
    }
    // A change that is not the text bumps the version but writes no revision.
    const closed = await read(await patch(me, post.id, { commentsClosed: true }), 200, StrictPost);
    expect(closed.version).toBe(24);
    const list = await read(
      await t.request('GET', `/api/posts/${post.id}/revisions`, { as: me }),
      200,
      RevisionListSchema,
    );
    expect(list.items.map((item) => item.version)).toEqual(Array.from({ length: 20 }, (_, i) => 23 - i));
    expect(list.items[0]).toMatchObject({ title: 'Version 23', by: { id: me.id } });
    expect(await t.db.models.PostRevision.count({ where: { postId: post.id } })).toBe(20);

    const old = await read(
      await t.request('GET', `/api/posts/${post.id}/revisions/5`, { as: me }),
      200,
      RevisionSchema,
    );
    expect(old).toMatchObject({ version: 5, title: 'Version 5', bodyMarkdown: 'Body 5' });
    await expectError(await t.request('GET', `/api/posts/${post.id}/revisions/2`, { as: me }), 404, 'not_found');
    await expectError(await t.request('GET', `/api/posts/${post.id}/revisions/0`, { as: me }), 400, 'invalid_request');

    const restored = await read(
      await t.request('POST', `/api/posts/${post.id}/revisions/5/restore`, { as: me }),
      200,
      StrictPost,
    );
    expect(restored).toMatchObject({ title: 'Version 5', bodyMarkdown: 'Body 5', version: 25 });
    const after = await read(
      await t.request('GET', `/api/posts/${post.id}/revisions`, { as: me }),
      200,
      RevisionListSchema,
    );
    expect(after.items[0]).toMatchObject({ version: 25, title: 'Version 5' });
    expect(after.items).toHaveLength(20);
  });

  it("keeps another author and readers out of a post's history", async () => {
    const me = await author();
    const post = await create(me, { status: 'published' });
    const other = await author();
    await expectError(await t.request('GET', `/api/posts/${post.id}/revisions`, { as: other }), 403, 'not_owner');
    await expectError(
      await t.request('POST', `/api/posts/${post.id}/revisions/1/restore`, { as: other }),
      403,
      'not_owner',
    );
    await expectError(
      await t.request('GET', `/api/posts/${post.id}/revisions`, { as: await t.factories.user() }),
      403,
      'forbidden',
    );
    await expectError(await t.request('GET', `/api/posts/${post.id}/revisions`), 401, 'unauthorized');
  });
});
