import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_ORIGIN, type TestContext, unique } from '../../../test/app.js';
import { expectError, read } from '../../../test/http.js';
import { type ReceivedMail, startSmtpServer, type TestSmtpServer } from '../../../test/smtp.js';
import type { User } from '../../db/models/index.js';
import { createRateLimiter } from '../../lib/rate-limit.js';
import {
  AdminNewsletterSchema,
  NewsletterSubscribeAcceptedSchema,
  SubscriptionStateSchema,
  UnsubscribedSchema,
} from './schema.js';
import { createSubscriptionService, NEWSLETTER_JOB } from './service.js';

// The newsletter through the real outbox and a real SMTP server: double opt-in, one mail per
// confirmed subscriber when a post is first published, batches spaced by the rate limit, the
// admin's numbers, and the send rate to a local SMTP server.

let t: TestContext;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestContext({
    SMTP_URL: smtp.url,
    NEWSLETTER_BATCH_SIZE: '50',
    NEWSLETTER_RATE_PER_MINUTE: '600000',
  });
});

afterAll(async () => {
  await t?.destroy();
  await smtp?.close();
});

/** Runs every due job until a round runs none (fan-out jobs write mail jobs, digests too). */
async function drainAll(): Promise<void> {
  while ((await t.jobs.drain()) > 0) {
    // again
  }
}

const subscribe = (email: string, ip = '10.0.0.1') =>
  t.request('POST', '/api/newsletter/subscribe', { json: { email }, headers: { 'x-real-ip': ip } });

const linkIn = (mail: ReceivedMail, path: string): string => {
  const match = new RegExp(`${TEST_ORIGIN}(${path}\\?token=[\\w.%-]+)`).exec(mail.text);
  if (!match?.[1]) throw new Error(`no ${path} link in "${mail.subject}"`);
  return match[1];
};

const mailsTo = (email: string, since = 0) => smtp.mails.slice(since).filter((mail) => mail.to.includes(email));

async function publishNewPost(author: User, title: string) {
  const created = await t.request('POST', '/api/posts', {
    as: author,
    json: { title, bodyMarkdown: 'The first paragraph of the new post.\n\nMore.', status: 'draft' },
  });
  const post = JSON.parse(await created.text());
  const published = await t.request('POST', `/api/posts/${post.id}/publish`, { as: author });
  expect(published.status, await published.clone().text()).toBe(200);
  return { id: Number(post.id), slug: String(post.slug) };
}

describe('the newsletter', () => {
  it('asks for confirmation, mails a new post once to each confirmed subscriber, and says so to admins', async () => {
    const confirmed = `${unique('news')}@example.com`;
    const unconfirmed = `${unique('news')}@example.com`;
    const since = smtp.mails.length;

    // Double opt-in: the same answer whoever asks, and a signed link in the mail.
    const accepted = await read(await subscribe(confirmed), 202, NewsletterSubscribeAcceptedSchema);
    expect(accepted).toEqual({ status: 'check_your_inbox' });
    await read(await subscribe(unconfirmed), 202, NewsletterSubscribeAcceptedSchema);
    await drainAll();
    const confirmation = await smtp.waitForMail(confirmed, since);
    await smtp.waitForMail(unconfirmed, since);
    expect(confirmation.headers['list-unsubscribe']).toBeUndefined();
    const confirmLink = linkIn(confirmation, '/api/newsletter/confirm');
    // An altered link does nothing.
    await expectError(await t.request('GET', `${confirmLink.slice(0, -2)}xx`), 403, 'invalid_token');
    const page = await t.request('GET', confirmLink);
    expect(page.status, await page.clone().text()).toBe(200);
    expect(await page.text()).toContain('Subscribed');

    // Already subscribed: the same 202, and no second mail (nobody learns who subscribed).
    const before = smtp.mails.length;
    expect(await read(await subscribe(confirmed), 202, NewsletterSubscribeAcceptedSchema)).toEqual(accepted);
    await drainAll();
    expect(mailsTo(confirmed, before)).toHaveLength(0);

    // A signed-in, verified reader subscribes at once.
    const reader = await t.factories.user();
    const toggled = await t.request('PUT', '/api/newsletter/subscription', { as: reader });
    expect(await read(toggled, 200, SubscriptionStateSchema)).toEqual({ subscribed: true });

    const author = await t.factories.user({ role: 'author' });
    const admin = await t.factories.user({ role: 'admin' });
    const publishedAt = smtp.mails.length;
    const post = await publishNewPost(author, 'Fresh <news> & more');
    await drainAll();
    const toConfirmed = await smtp.waitForMail(confirmed, publishedAt);
    await smtp.waitForMail(reader.email, publishedAt);
    expect(mailsTo(confirmed, publishedAt)).toHaveLength(1);
    expect(mailsTo(reader.email, publishedAt)).toHaveLength(1);
    expect(mailsTo(unconfirmed, publishedAt)).toHaveLength(0);
    expect(toConfirmed.subject).toContain('Fresh <news> & more');
    expect(toConfirmed.text).toContain('The first paragraph of the new post.');
    expect(toConfirmed.text).toContain(`${TEST_ORIGIN}/posts/${post.slug}/`);
    expect(toConfirmed.html).toContain('Fresh &lt;news&gt; &amp; more');
    expect(toConfirmed.headers['list-unsubscribe']).toMatch(/^<http:\/\/blog\.test\/api\/unsubscribe\?token=[\w.-]+>$/);
    expect(toConfirmed.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');

    // Published again after an unpublish: no second send.
    await t.request('POST', `/api/posts/${post.id}/unpublish`, { as: author });
    await t.request('POST', `/api/posts/${post.id}/publish`, { as: author });
    await drainAll();
    expect(mailsTo(confirmed, publishedAt)).toHaveLength(1);

    const stats = await read(
      await t.request('GET', '/api/admin/newsletter', { as: admin }),
      200,
      AdminNewsletterSchema,
    );
    expect(stats.subscribers).toEqual({ confirmed: 2, pending: 1, unsubscribed: 0 });
    expect(stats.sends[0]).toMatchObject({ postId: post.id, recipients: 2, sent: 2, queued: 0, failed: 0, retried: 0 });
    expect(stats.sends[0]?.finishedAt).not.toBeNull();

    // One click in the newsletter mail; the old confirmation link cannot undo it.
    const unsubscribe = /^<http:\/\/blog\.test(\/api\/unsubscribe\?token=[\w.-]+)>$/.exec(
      toConfirmed.headers['list-unsubscribe'] ?? '',
    )?.[1];
    const res = await t.request('POST', unsubscribe ?? '', {
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
    expect(UnsubscribedSchema.parse(await res.json())).toEqual({ unsubscribed: true, kind: 'site' });
    await expectError(await t.request('GET', confirmLink), 410, 'link_expired');
    const after = await read(
      await t.request('GET', '/api/admin/newsletter', { as: admin }),
      200,
      AdminNewsletterSchema,
    );
    expect(after.subscribers).toEqual({ confirmed: 1, pending: 1, unsubscribed: 1 });
  });

  it('takes a plain HTML form (no JavaScript) and sends it back to the newsletter page', async () => {
    const email = `${unique('form')}@example.com`;
    const res = await t.request('POST', '/api/newsletter/subscribe', {
      body: `email=${encodeURIComponent(email)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_ORIGIN, 'x-real-ip': '10.0.0.9' },
    });
    expect(res.status, await res.clone().text()).toBe(303);
    expect(res.headers.get('location')).toBe('/newsletter/#check-your-inbox');
    expect(await t.db.models.Subscription.count({ where: { subscriber: `email:${email}` } })).toBe(1);
    // A form from another site is refused like any cross-site write.
    const cross = await t.request('POST', '/api/newsletter/subscribe', {
      body: `email=${encodeURIComponent(email)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    });
    await expectError(cross, 403, 'csrf_rejected');
  });

  it('limits sign-ups per address and per client address, and expires confirmation links', async () => {
    const email = `${unique('limit')}@example.com`;
    for (const n of [1, 2, 3]) expect((await subscribe(email, `10.1.0.${n}`)).status).toBe(202);
    await expectError(await subscribe(email, '10.1.0.4'), 429, 'rate_limited');
    await expectError(await subscribe('not an address'), 422, 'validation_failed');

    const late = `${unique('late')}@example.com`;
    const since = smtp.mails.length;
    await subscribe(late, '10.1.1.1');
    await drainAll();
    const link = linkIn(await smtp.waitForMail(late, since), '/api/newsletter/confirm');
    t.setNow(new Date(Date.now() + 8 * 86_400_000));
    try {
      await expectError(await t.request('GET', link), 410, 'link_expired');
    } finally {
      t.setNow(null);
    }
  });
});

describe('sending in batches', () => {
  it('spaces the mails by NEWSLETTER_RATE_PER_MINUTE and fans out NEWSLETTER_BATCH_SIZE per run', async () => {
    const slow = await createTestContext({ NEWSLETTER_BATCH_SIZE: '3', NEWSLETTER_RATE_PER_MINUTE: '60' });
    try {
      const { Subscription, Job } = slow.db.models;
      await Subscription.bulkCreate(
        Array.from({ length: 7 }, (_, n) => ({
          userId: null,
          email: `batch${n}@example.com`,
          subscriber: `email:batch${n}@example.com`,
          kind: 'site' as const,
          postId: null,
          scope: '-',
          confirmedAt: new Date(),
          secret: randomBytes(12).toString('base64url'),
        })),
      );
      const author = await slow.factories.user({ role: 'author' });
      const created = await slow.request('POST', '/api/posts', {
        as: author,
        json: { title: 'Batched', bodyMarkdown: 'Body.', status: 'draft' },
      });
      const { id } = JSON.parse(await created.text());
      expect((await slow.request('POST', `/api/posts/${id}/publish`, { as: author })).status).toBe(200);
      // The first run queues 3 mails a second apart and schedules the next run.
      await slow.jobs.drain();
      const mails = await Job.findAll({ where: { kind: 'mail' }, order: [['id', 'ASC']] });
      expect(mails.length).toBeGreaterThanOrEqual(3);
      const first = mails.slice(0, 3).map((job) => job.runAt.getTime());
      expect([(first[1] ?? 0) - (first[0] ?? 0), (first[2] ?? 0) - (first[1] ?? 0)]).toEqual([1000, 1000]);
      const fanOuts = await Job.findAll({ where: { kind: NEWSLETTER_JOB }, order: [['id', 'ASC']] });
      expect(fanOuts.length).toBe(2);
      expect(fanOuts[1]?.runAt.getTime()).toBeGreaterThanOrEqual(first[2] ?? 0);

      // A relay slower than the rate: the batch's mails are overdue, so the next run waits for
      // them instead of queuing more (here run by hand, 10 s on, before the worker sent them).
      const later = new Date(Date.now() + 10_000);
      const service = createSubscriptionService({
        db: slow.db,
        clock: () => later,
        jobs: slow.jobs,
        rateLimiter: createRateLimiter(slow.db, () => later),
        secret: slow.config.sessionSecret,
        publicUrl: slow.config.publicUrl,
        siteName: slow.config.siteName,
        locale: slow.config.siteLocale,
        digestSeconds: 0,
        newsletter: slow.config.newsletter,
      });
      const mailsBefore = await Job.count({ where: { kind: 'mail' } });
      const [send] = await slow.db.models.NewsletterSend.findAll();
      await service.sendNewsletterBatch(send?.id ?? 0);
      expect(await Job.count({ where: { kind: 'mail' } })).toBe(mailsBefore);
      const postponed = await Job.findAll({ where: { kind: NEWSLETTER_JOB }, order: [['id', 'ASC']] });
      expect(postponed).toHaveLength(3);
      expect(postponed[2]?.runAt.getTime()).toBeGreaterThanOrEqual(later.getTime() + 1000);
    } finally {
      await slow.destroy();
    }
  });

  it('shows each recipient’s delivery state from its mail job: retried while the relay is down, then failed', async () => {
    // A relay nobody listens on: every attempt is refused at once.
    const down = await createTestContext({ SMTP_URL: 'smtp://127.0.0.1:9', NEWSLETTER_RATE_PER_MINUTE: '600000' });
    try {
      const reader = await down.factories.user();
      const admin = await down.factories.user({ role: 'admin' });
      expect((await down.request('PUT', '/api/newsletter/subscription', { as: reader })).status).toBe(200);
      const author = await down.factories.user({ role: 'author' });
      const created = await down.request('POST', '/api/posts', {
        as: author,
        json: { title: 'Undeliverable', bodyMarkdown: 'Body.', status: 'draft' },
      });
      const { id } = JSON.parse(await created.text());
      await down.request('POST', `/api/posts/${id}/publish`, { as: author });
      const stats = async () =>
        (await read(await down.request('GET', '/api/admin/newsletter', { as: admin }), 200, AdminNewsletterSchema))
          .sends[0];
      await down.jobs.drain();
      await down.jobs.drain();
      expect(await stats()).toMatchObject({ recipients: 1, sent: 0, retried: 1, failed: 0, queued: 0 });
      // Past every backoff until the last attempt gives up.
      let now = Date.now();
      for (let round = 0; round < 20 && (await stats())?.failed === 0; round++) {
        now += 15 * 60_000;
        down.setNow(new Date(now));
        await down.jobs.drain();
      }
      expect(await stats()).toMatchObject({ recipients: 1, sent: 0, retried: 0, failed: 1, queued: 0 });
    } finally {
      await down.destroy();
    }
  }, 60_000);

  it('measures the send rate to a local SMTP server (200 subscribers, rate limit out of the way)', async () => {
    const count = 200;
    await t.db.models.Subscription.bulkCreate(
      Array.from({ length: count }, (_, n) => ({
        userId: null,
        email: `bench${n}@example.com`,
        subscriber: `email:bench${n}@example.com`,
        kind: 'site' as const,
        postId: null,
        scope: '-',
        confirmedAt: new Date(),
        secret: randomBytes(12).toString('base64url'),
      })),
    );
    const confirmedNow = (
      await read(
        await t.request('GET', '/api/admin/newsletter', { as: await t.factories.user({ role: 'admin' }) }),
        200,
        AdminNewsletterSchema,
      )
    ).subscribers.confirmed;
    const author = await t.factories.user({ role: 'author' });
    const since = smtp.mails.length;
    await t.jobs.start();
    const started = performance.now();
    await publishNewPost(author, 'Bench post');
    await smtp.waitForMail(`bench${count - 1}@example.com`, since, 120_000);
    const deadline = Date.now() + 60_000;
    while (smtp.mails.length - since < confirmedNow && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    await t.jobs.stop();
    const received = smtp.mails.length - since;
    expect(received).toBe(confirmedNow);
    console.log(
      `newsletter send rate: ${received} mails in ${seconds.toFixed(2)} s = ${(received / seconds).toFixed(0)} mails/s ` +
        `(${t.db.dialect}, one worker, NEWSLETTER_BATCH_SIZE=50, local SMTP)`,
    );
  });
});
