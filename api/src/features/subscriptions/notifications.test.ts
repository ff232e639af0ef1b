import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext, unique } from '../../../test/app.js';
import { expectError, read } from '../../../test/http.js';
import { type ReceivedMail, startSmtpServer, type TestSmtpServer } from '../../../test/smtp.js';
import type { Comment, Post, User } from '../../db/models/index.js';
import { createRateLimiter } from '../../lib/rate-limit.js';
import { SubscriptionListSchema, SubscriptionStateSchema, UnsubscribedSchema } from './schema.js';
import { createSubscriptionService, DIGEST_JOB, type SubscriptionService } from './service.js';

// Comment notifications through the real outbox and a real SMTP server: reply mails, post
// subscriptions, the digest window, and the one-click unsubscribe of RFC 8058.

const WINDOW_SECONDS = 600;
let t: TestContext;
let smtp: TestSmtpServer;
let service: SubscriptionService;
let clockOffsetMs = 0;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestContext({ SMTP_URL: smtp.url, NOTIFY_DIGEST_SECONDS: String(WINDOW_SECONDS) });
  const clock = () => new Date(Date.now() + clockOffsetMs);
  service = createSubscriptionService({
    db: t.db,
    clock,
    jobs: t.jobs,
    rateLimiter: createRateLimiter(t.db, clock),
    secret: t.config.sessionSecret,
    publicUrl: t.config.publicUrl,
    siteName: t.config.siteName,
    locale: t.config.siteLocale,
    digestSeconds: WINDOW_SECONDS,
    newsletter: t.config.newsletter,
  });
});

afterAll(async () => {
  await t?.destroy();
  await smtp?.close();
});

/** Moves the app's clock past the digest window and runs every due job (mails included) until none is left. */
async function endWindow(): Promise<void> {
  clockOffsetMs += (WINDOW_SECONDS + 1) * 1000;
  t.setNow(new Date(Date.now() + clockOffsetMs));
  while ((await t.jobs.drain()) > 0) {
    // Digest jobs write mail jobs: drain again until a round runs nothing.
  }
}

async function reply(post: Post, author: User, parent: Comment | null, body = unique('A reply ')): Promise<number> {
  const res = await t.request('POST', `/api/posts/${post.id}/comments`, {
    as: author,
    json: { body, ...(parent ? { parentId: parent.id } : {}) },
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return Number(JSON.parse(text).id);
}

const mailsTo = (user: { email: string }, since = 0): ReceivedMail[] =>
  smtp.mails.slice(since).filter((mail) => mail.to.includes(user.email.toLowerCase()));

/** The path and query of the mail's List-Unsubscribe URL (checked to be ours and HTTPS-or-test-origin). */
function unsubscribePath(mail: ReceivedMail): string {
  const header = mail.headers['list-unsubscribe'] ?? '';
  const match = /^<([^>]+)>$/.exec(header);
  expect(match, header).not.toBeNull();
  const url = new URL(match?.[1] ?? '');
  expect(url.origin).toBe(t.config.publicUrl);
  expect(url.pathname).toBe('/api/unsubscribe');
  expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  return `${url.pathname}${url.search}`;
}

/** The RFC 8058 POST a mail client sends: no cookie, no Origin of ours, a form body. */
const oneClick = (path: string, headers: Record<string, string> = {}) =>
  t.request('POST', path, {
    body: 'List-Unsubscribe=One-Click',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });

describe('reply notifications', () => {
  it('mails the parent comment’s author once per window, with links to the replies and a one-click unsubscribe', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { title: 'Line\r\nBcc: evil@example.com' });
    const alice = await t.factories.user({ name: 'Alice' });
    const parent = await t.factories.comment(post, alice);
    const repliers = await Promise.all([1, 2, 3, 4, 5].map((n) => t.factories.user({ name: `Replier ${n}` })));
    const since = smtp.mails.length;
    const digestsBefore = await t.db.models.Job.count({ where: { kind: DIGEST_JOB } });
    const ids: number[] = [];
    for (const [n, replier] of repliers.entries()) ids.push(await reply(post, replier, parent, `Reply number ${n}`));
    // One digest job for the five replies: the first scheduled it, the others joined.
    expect((await t.db.models.Job.count({ where: { kind: DIGEST_JOB } })) - digestsBefore).toBe(1);
    await endWindow();
    const mail = await smtp.waitForMail(alice.email, since);
    expect(mailsTo(alice, since)).toHaveLength(1);
    expect(mail.subject).toContain('5 new replies');
    for (const id of ids) expect(mail.text).toContain(`${t.config.publicUrl}/posts/${post.slug}/#comment-${id}`);
    expect(mail.html).toContain(`#comment-${ids[0]}`);
    // Repliers were not mailed about their own replies, and the title's CR/LF added no header.
    for (const replier of repliers) expect(mailsTo(replier, since)).toHaveLength(0);
    expect(Object.keys(mail.headers)).not.toContain('bcc');
    expect(mail.to).toEqual([alice.email.toLowerCase()]);

    // The link's page (a plain form), then the one-click POST without cookies, from no page of ours.
    const path = unsubscribePath(mail);
    const page = await t.request('GET', path);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<form method="post"');
    const res = await oneClick(path, { origin: 'https://mail.example', 'sec-fetch-site': 'cross-site' });
    expect(res.status, await res.clone().text()).toBe(200);
    // Idempotent (here as multipart/form-data, which RFC 8058 says clients SHOULD send), and JSON for who asks.
    const again = await t.request('POST', path, {
      body: '--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n',
      headers: { 'content-type': 'multipart/form-data; boundary=b', accept: 'application/json' },
    });
    expect(UnsubscribedSchema.parse(await again.json())).toEqual({ unsubscribed: true, kind: 'replies' });

    // Unsubscribed from reply mails: the next reply mails nothing.
    const after = smtp.mails.length;
    await reply(post, repliers[0] as User, parent);
    await endWindow();
    expect(mailsTo(alice, after)).toHaveLength(0);
  });

  it('mails the author of the reply you answered, not the thread’s first comment', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const [alice, bob, carol] = await Promise.all([t.factories.user(), t.factories.user(), t.factories.user()]);
    const top = await t.factories.comment(post, alice);
    const bobsReply = await t.factories.comment(post, bob, { parent: top });
    const since = smtp.mails.length;
    await reply(post, carol, bobsReply, 'Answering Bob');
    await endWindow();
    const mail = await smtp.waitForMail(bob.email, since);
    expect(mail.text).toContain('Answering Bob');
    expect(mailsTo(alice, since)).toHaveLength(0);
  });

  it('does not mail you about your own reply', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const alice = await t.factories.user();
    const parent = await t.factories.comment(post, alice);
    const since = smtp.mails.length;
    await reply(post, alice, parent);
    await endWindow();
    expect(mailsTo(alice, since)).toHaveLength(0);
  });

  it('refuses forged, altered and borrowed tokens with 403 invalid_token', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const [alice, bob] = await Promise.all([t.factories.user(), t.factories.user()]);
    const [a, b] = await Promise.all([t.factories.comment(post, alice), t.factories.comment(post, bob)]);
    const carol = await t.factories.user();
    const since = smtp.mails.length;
    await reply(post, carol, a);
    await reply(post, carol, b);
    await endWindow();
    const aliceMail = await smtp.waitForMail(alice.email, since);
    const bobMail = await smtp.waitForMail(bob.email, since);
    const token = new URL(`http://x${unsubscribePath(aliceMail)}`).searchParams.get('token') ?? '';
    const bobToken = new URL(`http://x${unsubscribePath(bobMail)}`).searchParams.get('token') ?? '';
    const [aliceId = '', mac = ''] = token.split('.');
    const [bobId = '', bobMac = ''] = bobToken.split('.');
    const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [
      `${aliceId}.${flipped}`, // altered MAC
      `${bobId}.${mac}`, // Alice's MAC on Bob's subscription
      `${aliceId}.${bobMac}`,
      `${aliceId}.1999999999.${mac}`, // an unsubscribe token passed off as a confirmation's shape
      '999999.abc',
    ]) {
      await expectError(await oneClick(`/api/unsubscribe?token=${forged}`), 403, 'invalid_token');
      await expectError(await t.request('GET', `/api/unsubscribe?token=${forged}`), 403, 'invalid_token');
    }
    await expectError(await oneClick('/api/unsubscribe?token=%3Cscript%3E'), 400, 'invalid_request');
    // Nothing was unsubscribed by the attempts; Bob's own link still works on his only.
    const list = async (user: User) =>
      read(await t.request('GET', '/api/subscriptions', { as: user }), 200, SubscriptionListSchema);
    expect((await list(alice)).items.map((s) => s.active)).toEqual([true]);
    expect((await oneClick(`/api/unsubscribe?token=${bobToken}`)).status).toBe(200);
    expect((await list(bob)).items.map((s) => s.active)).toEqual([false]);
    expect((await list(alice)).items.map((s) => s.active)).toEqual([true]);
  });
});

describe('post subscriptions', () => {
  it('toggles with PUT/DELETE and mails new comments to subscribers but not to the comment’s author', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { title: 'Watched post' });
    const [dave, erin] = await Promise.all([t.factories.user(), t.factories.user()]);
    const state = async (method: string, user: User) =>
      read(await t.request(method, `/api/posts/${post.slug}/subscription`, { as: user }), 200, SubscriptionStateSchema);
    expect(await state('GET', dave)).toEqual({ subscribed: false });
    expect(await state('PUT', dave)).toEqual({ subscribed: true });
    expect(await state('PUT', dave)).toEqual({ subscribed: true });
    expect(await state('GET', dave)).toEqual({ subscribed: true });
    expect(await state('PUT', erin)).toEqual({ subscribed: true });

    const since = smtp.mails.length;
    const id = await reply(post, erin, null, 'First!');
    await reply(post, dave, null, 'Dave too.');
    await endWindow();
    const mail = await smtp.waitForMail(dave.email, since);
    expect(mail.subject).toContain('1 new comment on “Watched post”');
    expect(mail.text).toContain(`/posts/${post.slug}/#comment-${id}`);
    expect(unsubscribePath(mail)).toContain('token=');
    // Each got the other's comment only.
    expect(mailsTo(dave, since)).toHaveLength(1);
    expect(mailsTo(erin, since)).toHaveLength(1);
    expect(mailsTo(erin, since)[0]?.text).not.toContain(`#comment-${id}`);

    expect(await state('DELETE', dave)).toEqual({ subscribed: false });
    const after = smtp.mails.length;
    await reply(post, erin, null, 'Anyone?');
    await endWindow();
    expect(mailsTo(dave, after)).toHaveLength(0);
  });

  it('needs a verified account to subscribe, and finds no draft of someone else', async () => {
    const author = await t.factories.user({ role: 'author' });
    const draft = await t.factories.post(author, { status: 'draft' });
    const published = await t.factories.post(author);
    const unverified = await t.factories.user({ verified: false });
    await expectError(
      await t.request('PUT', `/api/posts/${published.id}/subscription`, { as: unverified }),
      403,
      'email_not_verified',
    );
    await expectError(await t.request('PUT', `/api/posts/${published.id}/subscription`), 401, 'unauthorized');
    await expectError(
      await t.request('PUT', `/api/posts/${draft.id}/subscription`, { as: await t.factories.user() }),
      404,
      'not_found',
    );
  });
});

describe('subscriptions of a reader', () => {
  it('lists them, stops one, and exports them as plain JSON', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const reader = await t.factories.user();
    await t.request('PUT', `/api/posts/${post.id}/subscription`, { as: reader });
    await t.request('PUT', '/api/newsletter/subscription', { as: reader });
    const { items } = await read(
      await t.request('GET', '/api/subscriptions', { as: reader }),
      200,
      SubscriptionListSchema,
    );
    expect(items.map((s) => [s.kind, s.post?.id ?? null, s.active])).toEqual([
      ['post', post.id, true],
      ['site', null, true],
    ]);
    const other = await t.factories.user();
    await expectError(await t.request('DELETE', `/api/subscriptions/${items[0]?.id}`, { as: other }), 404, 'not_found');
    expect((await t.request('DELETE', `/api/subscriptions/${items[0]?.id}`, { as: reader })).status).toBe(204);
    const exported = await service.exportSubscriptions(reader.id);
    expect(JSON.parse(JSON.stringify(exported))).toEqual([
      expect.objectContaining({ kind: 'post', active: false, post: { id: post.id, slug: post.slug } }),
      expect.objectContaining({ kind: 'site', active: true, post: null, email: null }),
    ]);
  });
});

describe('address subscriptions and accounts', () => {
  it('shows a newsletter sign-up of an address only to an account that verified that address', async () => {
    const email = `${unique('addr')}@example.com`;
    await t.db.models.Subscription.create({
      userId: null,
      email,
      subscriber: `email:${email}`,
      kind: 'site',
      postId: null,
      scope: '-',
      confirmedAt: new Date(),
      secret: unique('s'),
    });
    const squatter = await t.factories.user({ email, verified: false });
    const list = async (user: User) =>
      (await read(await t.request('GET', '/api/subscriptions', { as: user }), 200, SubscriptionListSchema)).items;
    expect(await list(squatter)).toEqual([]);
    await squatter.update({ emailVerifiedAt: new Date() });
    const [own] = await list(squatter);
    expect(own).toMatchObject({ kind: 'site', active: true });
    expect((await t.request('DELETE', `/api/subscriptions/${own?.id}`, { as: squatter })).status).toBe(204);
    expect((await list(squatter))[0]?.active).toBe(false);
  });
});

describe('deletions', () => {
  it('takes a user’s and a post’s subscriptions and pending events with them', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const [reader, other] = await Promise.all([t.factories.user(), t.factories.user()]);
    await t.request('PUT', `/api/posts/${post.id}/subscription`, { as: reader });
    await t.request('PUT', `/api/posts/${post.id}/subscription`, { as: other });
    const parent = await t.factories.comment(post, reader);
    await reply(post, other, parent);
    const { Subscription, NotificationEvent } = t.db.models;
    expect(await Subscription.count({ where: { userId: reader.id } })).toBe(2);
    // Account deletion asks for a recent sign-in: on the real clock, the factory session is.
    t.setNow(null);
    const deleted = await t.request('DELETE', '/api/auth/me', { as: reader });
    expect(deleted.status, await deleted.clone().text()).toBe(204);
    expect(await Subscription.count({ where: { userId: reader.id } })).toBe(0);
    expect((await t.request('DELETE', `/api/posts/${post.id}`, { as: author })).status).toBe(204);
    expect(await Subscription.count({ where: { postId: post.id } })).toBe(0);
    // The digest job finds nothing left to mail.
    const since = smtp.mails.length;
    await endWindow();
    expect(mailsTo(reader, since)).toHaveLength(0);
    expect(await NotificationEvent.count()).toBe(0);
  });
});

describe('comments waiting for approval', () => {
  it('alerts the admins and the post’s author (not the comment’s author) in one digest each; approval then mails the subscribers', async () => {
    const admin = await t.factories.user({ role: 'admin', email: `${unique('admin')}@example.com` });
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { title: 'Moderated' });
    await post.update({ commentModeration: 'all' });
    const [reader, watcher] = await Promise.all([t.factories.user(), t.factories.user()]);
    await t.request('PUT', `/api/posts/${post.id}/subscription`, { as: watcher });
    const since = smtp.mails.length;
    const held = [await reply(post, reader, null, 'Held one'), await reply(post, reader, null, 'Held two')];
    await endWindow();
    const toAuthor = await smtp.waitForMail(author.email, since);
    const toAdmin = await smtp.waitForMail(admin.email, since);
    expect(toAuthor.subject).toContain('2 comments waiting for approval');
    expect(toAdmin.subject).toContain('2 comments waiting for approval');
    expect(toAuthor.text).toContain(`${t.config.publicUrl}/admin/comments`);
    expect(mailsTo(author, since)).toHaveLength(1);
    expect(mailsTo(reader, since)).toHaveLength(0);
    // Not shown yet: the post's subscriber hears nothing until a moderator approves.
    expect(mailsTo(watcher, since)).toHaveLength(0);

    const approved = await t.request('POST', `/api/admin/comments/${held[0]}/approve`, { as: author });
    expect(approved.status, await approved.clone().text()).toBe(200);
    await endWindow();
    const toWatcher = await smtp.waitForMail(watcher.email, since);
    expect(toWatcher.text).toContain(`#comment-${held[0]}`);
    expect(toWatcher.text).not.toContain(`#comment-${held[1]}`);

    // The author turns these alerts off with one click; the admin still gets them.
    expect((await oneClick(unsubscribePath(toAuthor))).status).toBe(200);
    const after = smtp.mails.length;
    await reply(post, reader, null, 'Held three');
    await endWindow();
    expect(mailsTo(author, after)).toHaveLength(0);
    expect(mailsTo(admin, after).length).toBeGreaterThanOrEqual(1);
  });

  it('exposes notifyPendingComment for comments held back elsewhere', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const held = await t.factories.comment(post, await t.factories.user(), { status: 'pending' });
    const since = smtp.mails.length;
    await service.notifyPendingComment(held);
    await endWindow();
    expect((await smtp.waitForMail(author.email, since)).subject).toContain('1 comment waiting for approval');
  });
});
