import { createHmac } from 'node:crypto';
import { checkSignature, signedHeaders } from '@blog/contract/signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext } from '../../../test/app.js';
import { eventually, freePort, startReceiver } from '../../../test/http-receiver.js';
import type { Job } from '../../db/models/index.js';
import { createAuditLogger } from '../admin/audit.js';
import { createMediaService } from '../media/service.js';
import { createPreviewLinks } from '../posts/preview-links.js';
import { createPostService } from '../posts/service.js';
import { createTagService } from '../tags/service.js';
import { BuildListSchema, BuildSchema, PublishEventSchema } from './schema.js';
import { WEBHOOK_JOB } from './service.js';

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const SECRET = 'test-webhook-secret-0123456789abcdef-xyz';

async function webhookJobs(t: TestContext): Promise<Job[]> {
  return t.db.models.Job.findAll({ where: { kind: WEBHOOK_JOB }, order: [['id', 'ASC']] });
}
const payloads = (jobs: Job[]) => jobs.map((job) => PublishEventSchema.parse(JSON.parse(job.payload)));

describe('publish events become outbox jobs in the change transaction', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('queues one webhook job per publish, edit while published, slug change, unpublish and delete', async () => {
    const author = await t.factories.user({ role: 'author' });
    const before = (await webhookJobs(t)).length;
    const created = await t.request('POST', '/api/posts', {
      as: author,
      json: { title: 'Draft first', bodyMarkdown: 'Body.', slug: 'draft-first' },
    });
    expect(created.status).toBe(201);
    const { id } = z.object({ id: z.number() }).parse(await created.json());
    // Draft edits do not touch the site.
    expect(
      (await t.request('PATCH', `/api/posts/${id}`, { as: author, json: { title: 'Still a draft' } })).status,
    ).toBe(200);
    expect((await webhookJobs(t)).length).toBe(before);

    expect((await t.request('POST', `/api/posts/${id}/publish`, { as: author })).status).toBe(200);
    expect((await t.request('PATCH', `/api/posts/${id}`, { as: author, json: { title: 'Edited' } })).status).toBe(200);
    expect((await t.request('PATCH', `/api/posts/${id}`, { as: author, json: { slug: 'renamed' } })).status).toBe(200);
    expect((await t.request('POST', `/api/posts/${id}/unpublish`, { as: author })).status).toBe(200);
    expect((await t.request('POST', `/api/posts/${id}/publish`, { as: author })).status).toBe(200);
    expect((await t.request('DELETE', `/api/posts/${id}`, { as: author })).status).toBe(204);

    const events = payloads((await webhookJobs(t)).slice(before));
    expect(
      events.map((e) => [e.event, 'slug' in e ? e.slug : null, 'previousSlug' in e ? e.previousSlug : null]),
    ).toEqual([
      ['published', 'draft-first', null],
      ['updated', 'draft-first', null],
      ['updated', 'renamed', 'draft-first'],
      ['unpublished', 'renamed', null],
      ['published', 'renamed', null],
      ['deleted', 'renamed', null],
    ]);
    for (const event of events) {
      if (event.event !== 'rebuild') expect(event.postId).toBe(id);
      expect(new Date(event.at).toISOString()).toBe(event.at);
    }
  });

  it('creating a post as published queues a job; deleting a draft does not', async () => {
    const author = await t.factories.user({ role: 'author' });
    const before = (await webhookJobs(t)).length;
    const res = await t.request('POST', '/api/posts', {
      as: author,
      json: { title: 'Straight out', bodyMarkdown: 'Body.', status: 'published' },
    });
    expect(res.status).toBe(201);
    const draft = await t.factories.post(author, { status: 'draft' });
    expect((await t.request('DELETE', `/api/posts/${draft.id}`, { as: author })).status).toBe(204);
    expect(payloads((await webhookJobs(t)).slice(before)).map((e) => e.event)).toEqual(['published']);
  });

  it('a change whose transaction rolls back leaves no job (and no announcement)', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { status: 'draft' });
    const before = (await webhookJobs(t)).length;
    // The real outbox write, then a failure later in the same transaction.
    const posts = createPostService({
      db: t.db,
      clock: () => new Date(),
      audit: createAuditLogger(t.db, () => new Date()),
      tags: createTagService({
        db: t.db,
        clock: () => new Date(),
        audit: createAuditLogger(t.db, () => new Date()),
        jobs: t.jobs,
      }),
      media: createMediaService({
        db: t.db,
        clock: () => new Date(),
        limits: t.config.media,
        audit: createAuditLogger(t.db, () => new Date()),
      }),
      previewLinks: createPreviewLinks({
        secret: 'preview-links-test-secret-0123456789',
        clock: () => new Date(),
        ttlSeconds: 3600,
        publicUrl: 'https://blog.example',
      }),
      jobs: {
        async enqueue(...args: Parameters<TestContext['jobs']['enqueue']>) {
          const job = await t.jobs.enqueue(...args);
          expect(await t.db.models.Job.count({ where: { kind: WEBHOOK_JOB }, transaction: args[2]?.transaction })).toBe(
            before + 1,
          );
          throw new Error('failure after the job was written');
          // biome-ignore lint/correctness/noUnreachable: the type of enqueue's result
          return job;
        },
      },
    });
    await expect(posts.setPublished(String(post.id), true, { actor: author })).rejects.toThrow(
      'failure after the job was written',
    );
    expect((await webhookJobs(t)).length).toBe(before);
    expect((await post.reload()).status).toBe('draft');
  });

  it('a refused change (slug taken) queues nothing', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const other = await t.factories.post(author);
    const before = (await webhookJobs(t)).length;
    const res = await t.request('PATCH', `/api/posts/${post.id}`, {
      as: author,
      json: { title: 'x', slug: other.slug },
    });
    expect(res.status).toBe(409);
    expect((await webhookJobs(t)).length).toBe(before);
  });
});

describe('webhook delivery to the builder', () => {
  it('POSTs the event with X-Blog-Timestamp (unix seconds) and X-Blog-Signature (sha256 HMAC of "timestamp.body")', async () => {
    const builder = await startReceiver();
    const t = await createTestContext({ BUILDER_URL: `${builder.url}/`, WEBHOOK_SECRET: SECRET });
    try {
      await t.jobs.start();
      const author = await t.factories.user({ role: 'author' });
      const post = await t.factories.post(author, { status: 'draft', slug: 'signed-post' });
      const sent = Math.floor(Date.now() / 1000);
      expect((await t.request('POST', `/api/posts/${post.id}/publish`, { as: author })).status).toBe(200);

      const request = await builder.waitFor(1);
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/hooks/publish');
      expect(request.headers['content-type']).toBe('application/json');
      const timestamp = request.headers['x-blog-timestamp'];
      expect(timestamp).toMatch(/^\d{10}$/);
      expect(Math.abs(Number(timestamp) - sent)).toBeLessThanOrEqual(5);
      const expected = createHmac('sha256', SECRET)
        .update(`${String(timestamp)}.${request.body}`)
        .digest('hex');
      expect(request.headers['x-blog-signature']).toBe(`sha256=${expected}`);
      const body = JSON.parse(request.body) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['at', 'event', 'postId', 'slug']);
      expect(body).toMatchObject({ event: 'published', postId: post.id, slug: 'signed-post' });

      const job = await eventually(async () => {
        const [row] = await webhookJobs(t);
        return row?.status === 'done' ? row : undefined;
      });
      expect(job.attempts).toBe(1);
    } finally {
      await t.destroy();
      await builder.close();
    }
  });

  it('retries with backoff while the builder is down and delivers once it is up', async () => {
    const port = await freePort();
    const t = await createTestContext({ BUILDER_URL: `http://127.0.0.1:${port}`, WEBHOOK_SECRET: SECRET });
    let builder: Awaited<ReturnType<typeof startReceiver>> | null = null;
    try {
      await t.jobs.start();
      const author = await t.factories.user({ role: 'author' });
      const post = await t.factories.post(author, { status: 'draft' });
      expect((await t.request('POST', `/api/posts/${post.id}/publish`, { as: author })).status).toBe(200);

      const failing = await eventually(async () => {
        const [row] = await webhookJobs(t);
        return row && row.attempts >= 2 && row.status === 'pending' ? row : undefined;
      });
      expect(failing.lastError).toMatch(/builder unreachable/);
      expect(failing.runAt.getTime()).toBeGreaterThan(failing.updatedAt.getTime() - 1000);

      builder = await startReceiver({ port });
      const request = await builder.waitFor(1, 20_000);
      expect(JSON.parse(request.body)).toMatchObject({ event: 'published', postId: post.id });
      const done = await eventually(async () => {
        const [row] = await webhookJobs(t);
        return row?.status === 'done' ? row : undefined;
      });
      expect(done.attempts).toBeGreaterThanOrEqual(3);
      expect(builder.requests).toHaveLength(1);
    } finally {
      await t.destroy();
      await builder?.close();
    }
  });

  it('treats a non-2xx answer as a failure to retry, with a fresh timestamp each time', async () => {
    const builder = await startReceiver({ respond: (_request, index) => (index === 0 ? 503 : 202) });
    const t = await createTestContext({ BUILDER_URL: builder.url, WEBHOOK_SECRET: SECRET });
    try {
      await t.jobs.start();
      const author = await t.factories.user({ role: 'author' });
      const post = await t.factories.post(author);
      expect((await t.request('DELETE', `/api/posts/${post.id}`, { as: author })).status).toBe(204);
      await builder.waitFor(2);
      const done = await eventually(async () => {
        const [row] = await webhookJobs(t);
        return row?.status === 'done' ? row : undefined;
      });
      expect(done.attempts).toBe(2);
      const [first, second] = builder.requests;
      expect(first?.body).toBe(second?.body);
      for (const request of builder.requests) {
        const check = checkSignature(
          SECRET,
          String(request.headers['x-blog-timestamp']),
          String(request.headers['x-blog-signature']),
          request.body,
          new Date(),
        );
        expect(check.ok).toBe(true);
      }
    } finally {
      await t.destroy();
      await builder.close();
    }
  });
});

describe('build records and rebuilds', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await t.destroy();
  });

  const signed = (method: string, path: string, json: unknown, now = new Date(), secret = SECRET) => {
    const body = JSON.stringify(json);
    return t.request(method, path, { body, headers: signedHeaders(secret, body, now, `${method} ${path}`) });
  };

  it('records a build and its progress from signed builder requests', async () => {
    const created = await signed('POST', '/api/builds', { reason: 'post 3 published', postId: 3, status: 'running' });
    expect(created.status).toBe(201);
    const build = BuildSchema.parse(await created.json());
    expect(build).toMatchObject({ reason: 'post 3 published', postId: 3, status: 'running', durationMs: null });

    const startedAt = new Date(Date.now() - 1500).toISOString();
    const finishedAt = new Date().toISOString();
    const updated = await signed('PATCH', `/api/builds/${build.id}`, {
      status: 'done',
      startedAt,
      finishedAt,
      durationMs: 1500,
      pages: 42,
    });
    expect(updated.status).toBe(200);
    expect(BuildSchema.parse(await updated.json())).toMatchObject({
      id: build.id,
      status: 'done',
      startedAt,
      finishedAt,
      durationMs: 1500,
      pages: 42,
      error: null,
    });

    const failed = await signed('PATCH', `/api/builds/${build.id}`, {
      status: 'failed',
      error: 'astro build exited 1',
    });
    expect(BuildSchema.parse(await failed.json())).toMatchObject({
      status: 'failed',
      error: 'astro build exited 1',
      pages: 42,
    });
  });

  it('refuses a signed request sent to another path or method than it was signed for', async () => {
    const created = await signed('POST', '/api/builds', { reason: 'a build' });
    const { id } = BuildSchema.parse(await created.json());
    const other = await signed('POST', '/api/builds', { reason: 'another build' });
    const { id: otherId } = BuildSchema.parse(await other.json());
    const patch = JSON.stringify({ status: 'failed', error: 'sabotage' });
    const headers = signedHeaders(SECRET, patch, new Date(), `PATCH /api/builds/${id}`);
    const moved = await t.request('PATCH', `/api/builds/${otherId}`, { body: patch, headers });
    expect(moved.status).toBe(401);
    expect(await moved.json()).toMatchObject({ error: { code: 'bad_signature' } });
    // Unscoped (the webhook's own form) is refused here too.
    const unscoped = await t.request('PATCH', `/api/builds/${id}`, {
      body: patch,
      headers: signedHeaders(SECRET, patch, new Date()),
    });
    expect(unscoped.status).toBe(401);
  });

  it('refuses a replayed signed request with 409, on every path it is tried', async () => {
    const body = JSON.stringify({ reason: 'post 9 published', postId: 9, status: 'running' });
    const headers = signedHeaders(SECRET, body, new Date(), 'POST /api/builds');
    const first = await t.request('POST', '/api/builds', { body, headers });
    expect(first.status).toBe(201);
    const count = await t.db.models.BuildEvent.count();
    const again = await t.request('POST', '/api/builds', { body, headers });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'replayed' } });
    expect(await t.db.models.BuildEvent.count()).toBe(count);
    // The same update, replayed.
    const { id } = BuildSchema.parse(await first.json());
    const patch = JSON.stringify({ status: 'done', durationMs: 5, pages: 3 });
    const patchHeaders = signedHeaders(SECRET, patch, new Date(), `PATCH /api/builds/${id}`);
    expect((await t.request('PATCH', `/api/builds/${id}`, { body: patch, headers: patchHeaders })).status).toBe(200);
    expect((await t.request('PATCH', `/api/builds/${id}`, { body: patch, headers: patchHeaders })).status).toBe(409);
  });

  it('refuses unsigned, wrongly signed, stale and future-dated requests with 401', async () => {
    const json = { reason: 'sneaky' };
    const body = JSON.stringify(json);
    const count = await t.db.models.BuildEvent.count();
    const attempts: Array<[string, Response]> = [
      ['unsigned', await t.request('POST', '/api/builds', { json })],
      ['wrong secret', await signed('POST', '/api/builds', json, new Date(), 'another-secret-another-secret-0000')],
      ['stale', await signed('POST', '/api/builds', json, new Date(Date.now() - 6 * 60 * 1000))],
      ['future', await signed('POST', '/api/builds', json, new Date(Date.now() + 2 * 60 * 1000))],
      [
        'body changed',
        await t.request('POST', '/api/builds', {
          body: JSON.stringify({ reason: 'other' }),
          headers: signedHeaders(SECRET, body, new Date(), 'POST /api/builds'),
        }),
      ],
      [
        'malformed',
        await t.request('POST', '/api/builds', {
          body,
          headers: { 'content-type': 'application/json', 'x-blog-timestamp': 'yesterday', 'x-blog-signature': 'abc' },
        }),
      ],
      ['patch unsigned', await t.request('PATCH', '/api/builds/1', { json: { status: 'done' } })],
    ];
    for (const [name, res] of attempts) {
      expect(`${name}: ${res.status}`).toBe(`${name}: 401`);
      expect(ErrorBody.parse(await res.json()).error.code).toBe('bad_signature');
    }
    expect(await t.db.models.BuildEvent.count()).toBe(count);
    // A session does not replace the signature.
    const admin = await t.factories.user({ role: 'admin' });
    expect((await t.request('POST', '/api/builds', { as: admin, json })).status).toBe(401);
  });

  it('validates signed bodies (422) and unknown builds (404)', async () => {
    expect((await signed('POST', '/api/builds', { reason: '' })).status).toBe(422);
    expect((await signed('POST', '/api/builds', { reason: 'x', status: 'exploded' })).status).toBe(422);
    expect((await signed('POST', '/api/builds', { reason: 'x', extra: 1 })).status).toBe(422);
    expect((await signed('PATCH', '/api/builds/999999', { status: 'done' })).status).toBe(404);
    expect((await signed('PATCH', '/api/builds/1', { durationMs: -1 })).status).toBe(422);
    expect((await signed('PATCH', '/api/builds/1', { pages: 0 })).status).toBe(422);
  });

  it('lists builds to admins, newest first, paginated', async () => {
    const own = await createTestContext({ WEBHOOK_SECRET: SECRET });
    try {
      for (const reason of ['first', 'second', 'third']) {
        const body = JSON.stringify({ reason });
        const res = await own.request('POST', '/api/builds', {
          body,
          headers: signedHeaders(SECRET, body, new Date(), 'POST /api/builds'),
        });
        expect(res.status).toBe(201);
      }
      const admin = await own.factories.user({ role: 'admin' });
      const page1 = BuildListSchema.parse(
        await (await own.request('GET', '/api/admin/rebuilds?limit=2', { as: admin })).json(),
      );
      expect(page1.items.map((b) => b.reason)).toEqual(['third', 'second']);
      expect(page1).toMatchObject({ page: 1, limit: 2, total: 3, totalPages: 2 });
      const page2 = BuildListSchema.parse(
        await (await own.request('GET', '/api/admin/rebuilds?limit=2&page=2', { as: admin })).json(),
      );
      expect(page2.items.map((b) => b.reason)).toEqual(['first']);
      expect((await own.request('GET', '/api/admin/rebuilds?limit=1000', { as: admin })).status).toBe(400);
    } finally {
      await own.destroy();
    }
  });

  it('lets only admins list builds and request a rebuild', async () => {
    const user = await t.factories.user();
    const author = await t.factories.user({ role: 'author' });
    for (const [method, as, status] of [
      ['GET', undefined, 401],
      ['POST', undefined, 401],
      ['GET', user, 403],
      ['POST', author, 403],
    ] as const) {
      const res = await t.request(method, '/api/admin/rebuilds', as ? { as } : {});
      expect(`${method} ${res.status}`).toBe(`${method} ${status}`);
    }
  });

  it('queues a full rebuild through the outbox, audited', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const before = (await webhookJobs(t)).length;
    const res = await t.request('POST', '/api/admin/rebuilds', { as: admin, json: { reason: 'new theme' } });
    expect(res.status).toBe(202);
    const queued = z.object({ jobId: z.number(), event: z.literal('rebuild'), at: z.string() }).parse(await res.json());
    const jobs = (await webhookJobs(t)).slice(before);
    expect(jobs.map((job) => job.id)).toEqual([queued.jobId]);
    expect(payloads(jobs)).toEqual([{ event: 'rebuild', reason: 'new theme', at: queued.at }]);
    const audit = await t.db.models.AuditLog.findOne({ where: { action: 'rebuild', actorId: admin.id } });
    expect(audit).not.toBeNull();
    // Without a body too.
    expect((await t.request('POST', '/api/admin/rebuilds', { as: admin })).status).toBe(202);
  });
});
