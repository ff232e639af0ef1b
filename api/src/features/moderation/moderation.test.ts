import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, read } from '../../../test/admin.js';
import { createTestContext, type TestContext } from '../../../test/app.js';
import type { Post, User } from '../../db/models/index.js';
import { findCountDrift } from '../../db/recount.js';
import { createAuditLogger } from '../admin/audit.js';
import { AdminCommentListSchema, AdminCommentSchema } from '../admin/content.schema.js';
import { AdminStatsSchema, BulkResultSchema } from '../admin/schema.js';
import { CommentPageSchema, CommentSchema, CommentViewerSchema, SiteCommentListSchema } from '../comments/schema.js';
import { PostSchema } from '../posts/schema.js';
import { BanSchema, ModerationLogSchema, ModerationSettingsSchema } from './schema.js';
import { createModerationService } from './service.js';

// Moderation modes, approval, closed comments and the spam rules, each refusal with its code and
// a logged reason, through the real API on a real database (SQLite here, PostgreSQL with
// TEST_DATABASE_URL).

let t: TestContext;
beforeAll(async () => {
  // Behind a trusted proxy: each test speaks from an address of its own (bans, per-address limits).
  t = await createTestContext({ TRUST_PROXY: 'true', COMMENT_MODERATION: 'first' });
});
afterAll(async () => {
  await t.destroy();
});

let addresses = 0;
const freshIp = () => {
  addresses += 1;
  return `203.0.${Math.floor(addresses / 250)}.${addresses % 250}`;
};
const DAY = 86_400_000;
/** A reader whose account is older than a day (the new-account link rule leaves them be). */
const reader = (overrides: { email?: string } = {}) =>
  t.factories.user({ createdAt: new Date(Date.now() - 3 * DAY), ...overrides });

async function post(overrides: { commentModeration?: 'open' | 'first' | 'all' | null; commentsClosed?: boolean } = {}) {
  const author = await t.factories.user({ role: 'author' });
  const created = await t.factories.post(author);
  await t.db.models.Post.update(overrides, { where: { id: created.id } });
  return { author, post: created };
}

const send = (on: Post, as: User, body: object, ip = freshIp()) =>
  t.request('POST', `/api/posts/${on.id}/comments`, { as, json: body, headers: { 'x-real-ip': ip } });

const listed = async (on: Post) =>
  (await read(await t.request('GET', `/api/posts/${on.id}/comments`), 200, CommentPageSchema)).items.map((c) => c.id);

const shown = async (on: Post) =>
  (await read(await t.request('GET', `/api/site/posts/${on.id}/comments`), 200, SiteCommentListSchema)).items.map(
    (c) => c.id,
  );

const commentsCount = async (on: Post) => (await t.db.models.Post.findByPk(on.id))?.commentsCount;

const logOf = async (user: User) => {
  const admin = await t.factories.user({ role: 'admin' });
  return (
    await read(
      await t.request('GET', `/api/admin/moderation/log?user=${user.id}`, { as: admin }),
      200,
      ModerationLogSchema,
    )
  ).items.map((e) => ({ decision: e.decision, reason: e.reason }));
};

describe('moderation modes (COMMENT_MODERATION=first in this file)', () => {
  it('first: a new commenter waits until one of theirs is approved; then they are trusted', async () => {
    const { post: p, author } = await post();
    const alice = await reader();
    const eventsOf = async () => (await t.commentEvents()).filter((event) => event.postId === p.id).length;
    const first = await read(await send(p, alice, { body: 'Hello, first time here.' }), 201, CommentSchema);
    // Nothing to re-render: the static page does not change.
    expect(await eventsOf()).toBe(0);
    expect(first.status).toBe('pending');
    // Its author sees it (body and all), with nothing to edit; nobody else does, and it counts nothing.
    expect(first.bodyHtml).toContain('first time here');
    expect(first.editableUntil).toBeUndefined();
    expect(await listed(p)).toEqual([]);
    expect(await shown(p)).toEqual([]);
    expect(await commentsCount(p)).toBe(0);
    const viewer = await read(
      await t.request('GET', `/api/posts/${p.id}/comments/viewer`, { as: alice }),
      200,
      CommentViewerSchema,
    );
    expect(viewer.pending.map((c) => [c.id, c.status])).toEqual([[first.id, 'pending']]);
    const other = await reader();
    expect(
      (
        await read(
          await t.request('GET', `/api/posts/${p.id}/comments/viewer`, { as: other }),
          200,
          CommentViewerSchema,
        )
      ).pending,
    ).toEqual([]);
    // No replies to a comment nobody sees, and no edits while it waits.
    await expectError(await send(p, other, { body: 'Reply', parentId: first.id }), 422, 'invalid_parent');
    await expectError(
      await t.request('PATCH', `/api/comments/${first.id}`, { as: alice, json: { body: 'changed' } }),
      403,
      'comment_pending',
    );
    const second = await read(await send(p, alice, { body: 'And another thought.' }), 201, CommentSchema);
    expect(second.status).toBe('pending');

    // The post's author finds both in their queue and approves the first.
    const queue = await read(
      await t.request('GET', `/api/admin/comments?status=pending&post=${p.id}`, { as: author }),
      200,
      AdminCommentListSchema,
    );
    expect(queue.items.map((c) => [c.id, c.moderationReason])).toEqual([
      [second.id, 'first_comment'],
      [first.id, 'first_comment'],
    ]);
    const approved = await read(
      await t.request('POST', `/api/admin/comments/${first.id}/approve`, { as: author }),
      200,
      AdminCommentSchema,
    );
    expect(approved.status).toBe('visible');
    expect(await eventsOf()).toBe(1);
    expect(await listed(p)).toEqual([first.id]);
    expect(await shown(p)).toEqual([first.id]);
    expect(await commentsCount(p)).toBe(1);
    await expectError(
      await t.request('POST', `/api/admin/comments/${first.id}/approve`, { as: author }),
      409,
      'not_pending',
    );
    // The second still waits (it was written before the approval); the next goes straight up.
    const third = await read(await send(p, alice, { body: 'Trusted now.' }), 201, CommentSchema);
    expect(third.status).toBe('visible');
    expect(third.editableUntil).toBeDefined();
    await read(
      await t.request('POST', `/api/admin/comments/${second.id}/reject`, { as: author }),
      200,
      AdminCommentSchema,
    );
    expect(await listed(p)).toEqual([first.id, third.id]);
    expect(await commentsCount(p)).toBe(2);
    expect(await logOf(alice)).toEqual([
      { decision: 'rejected', reason: 'first_comment' },
      { decision: 'approved', reason: 'first_comment' },
      { decision: 'queued', reason: 'first_comment' },
      { decision: 'queued', reason: 'first_comment' },
    ]);
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it('per post: all holds every comment, open lets a new commenter through, admins and the post’s author never wait', async () => {
    const { post: strict, author } = await post({ commentModeration: 'all' });
    const trusted = await reader();
    await t.factories.comment(strict, trusted, { body: 'Approved long ago' });
    expect((await read(await send(strict, trusted, { body: 'Still held' }), 201, CommentSchema)).status).toBe(
      'pending',
    );
    const admin = await t.factories.user({ role: 'admin' });
    expect((await read(await send(strict, admin, { body: 'From the admin' }), 201, CommentSchema)).status).toBe(
      'visible',
    );
    expect((await read(await send(strict, author, { body: 'From the author' }), 201, CommentSchema)).status).toBe(
      'visible',
    );
    const { post: open } = await post({ commentModeration: 'open' });
    expect((await read(await send(open, await reader(), { body: 'Straight up' }), 201, CommentSchema)).status).toBe(
      'visible',
    );
  });

  it('takes the per-post mode and "comments closed" from the editor, and refuses comments on a closed post', async () => {
    const { post: p, author } = await post();
    const edited = await read(
      await t.request('PATCH', `/api/posts/${p.id}`, {
        as: author,
        json: { commentsClosed: true, commentModeration: 'all' },
      }),
      200,
      PostSchema,
    );
    expect(edited).toMatchObject({ commentsClosed: true, commentModeration: 'all' });
    const alice = await reader();
    await expectError(await send(p, alice, { body: 'Too late' }), 403, 'comments_closed');
    await expectError(
      await t.request('PATCH', `/api/posts/${p.id}`, { as: author, json: { commentModeration: 'sometimes' } }),
      422,
      'validation_failed',
    );
    const reopened = await read(
      await t.request('PATCH', `/api/posts/${p.id}`, {
        as: author,
        json: { commentsClosed: false, commentModeration: null },
      }),
      200,
      PostSchema,
    );
    expect(reopened).toMatchObject({ commentsClosed: false, commentModeration: null });
  });

  it('approves and rejects in bulk with per-id results, counts exact', async () => {
    const { post: p } = await post({ commentModeration: 'all' });
    const admin = await t.factories.user({ role: 'admin' });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push((await read(await send(p, await reader(), { body: `Held ${i}` }), 201, CommentSchema)).id);
    }
    const visible = await t.factories.comment(p, await reader());
    const approve = await read(
      await t.request('POST', '/api/admin/bulk', {
        as: admin,
        json: { resource: 'comments', action: 'approve', ids: [ids[0], ids[1], visible.id] },
      }),
      200,
      BulkResultSchema,
    );
    expect(approve.results.map((r) => [r.id, r.ok, r.error])).toEqual([
      [ids[0], true, undefined],
      [ids[1], true, undefined],
      [visible.id, false, 'not_pending'],
    ]);
    const reject = await read(
      await t.request('POST', '/api/admin/bulk', {
        as: admin,
        json: { resource: 'comments', action: 'reject', ids: [ids[2], ids[3]] },
      }),
      200,
      BulkResultSchema,
    );
    expect(reject.applied).toBe(2);
    expect(await commentsCount(p)).toBe(3);
    const stats = await read(await t.request('GET', '/api/admin/stats', { as: admin }), 200, AdminStatsSchema);
    expect(stats.comments.pending).toBeGreaterThanOrEqual(0);
    expect(await findCountDrift(t.db)).toEqual([]);
  });
});

describe('spam rules', () => {
  it('refuses the honeypot, a too-quick form, many links from a new account and a duplicate, each logged', async () => {
    const { post: p } = await post({ commentModeration: 'open' });
    const bot = await reader();
    await expectError(await send(p, bot, { body: 'Buy now', website: 'http://spam.example' }), 422, 'spam_honeypot');
    await expectError(await send(p, bot, { body: 'Quick', elapsedMs: 400 }), 422, 'too_fast');
    expect((await read(await send(p, bot, { body: 'Considered', elapsedMs: 9000 }), 201, CommentSchema)).status).toBe(
      'visible',
    );
    await expectError(await send(p, bot, { body: 'Considered' }), 409, 'duplicate_comment');

    const newcomer = await t.factories.user();
    const links = 'See https://a.example and https://b.example and www.c.example';
    const refused = await expectError(await send(p, newcomer, { body: links }), 422, 'too_many_links');
    expect(refused.message).toMatch(/at most 2 links/);
    expect(
      (await read(await send(p, newcomer, { body: 'One link: https://a.example' }), 201, CommentSchema)).status,
    ).toBe('visible');
    expect((await read(await send(p, await reader(), { body: links }), 201, CommentSchema)).status).toBe('visible');

    expect(await logOf(bot)).toEqual([
      { decision: 'refused', reason: 'duplicate_comment' },
      { decision: 'refused', reason: 'too_fast' },
      { decision: 'refused', reason: 'spam_honeypot' },
    ]);
    expect(await logOf(newcomer)).toEqual([{ decision: 'refused', reason: 'too_many_links' }]);
    // Nothing of the refused comments was written.
    expect(await t.db.models.Comment.count({ where: { authorId: bot.id } })).toBe(1);
  });

  it('lets the same body again once the duplicate window has passed', async () => {
    const { post: p } = await post({ commentModeration: 'open' });
    const alice = await reader();
    await read(await send(p, alice, { body: '+1' }), 201, CommentSchema);
    t.setNow(new Date(Date.now() + 2 * 3600_000));
    try {
      await read(await send(p, alice, { body: '+1' }), 201, CommentSchema);
    } finally {
      t.setNow(null);
    }
  });

  it('sends comments with a forbidden word (a whole word, any case) to the queue with the word as the reason', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const settings = await read(
      await t.request('PUT', '/api/admin/moderation/settings', {
        as: admin,
        json: { forbiddenWords: ['Casino', 'casino', 'cheap pills'] },
      }),
      200,
      ModerationSettingsSchema,
    );
    expect(settings.forbiddenWords).toEqual(['casino', 'cheap pills']);
    expect(settings.mode).toBe('first');
    try {
      const { post: p } = await post({ commentModeration: 'open' });
      const alice = await reader();
      const held = await read(await send(p, alice, { body: 'Best CASINO in town' }), 201, CommentSchema);
      expect(held.status).toBe('pending');
      const row = await t.db.models.Comment.findByPk(held.id);
      expect(row?.moderationReason).toBe('forbidden_word: casino');
      // Not a whole word: not a match.
      expect((await read(await send(p, alice, { body: 'casinos are not it' }), 201, CommentSchema)).status).toBe(
        'visible',
      );
      expect((await read(await send(p, alice, { body: 'Get cheap pills!' }), 201, CommentSchema)).status).toBe(
        'pending',
      );
      await expectError(
        await t.request('PUT', '/api/admin/moderation/settings', { as: admin, json: { forbiddenWords: [''] } }),
        422,
        'validation_failed',
      );
    } finally {
      await t.request('PUT', '/api/admin/moderation/settings', { as: admin, json: { forbiddenWords: [] } });
    }
  });
});

describe('bans', () => {
  it('refuses comments from a banned address, a banned prefix (IPv4 and IPv6) and a banned email domain', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const { post: p } = await post({ commentModeration: 'open' });
    const ban = async (kind: 'ip' | 'email_domain', value: string) =>
      read(
        await t.request('POST', '/api/admin/bans', { as: admin, json: { kind, value, reason: 'spam' } }),
        201,
        BanSchema,
      );
    const alice = await reader();
    const exact = await ban('ip', '192.0.2.7');
    await expectError(await send(p, alice, { body: 'From a banned address' }, '192.0.2.7'), 403, 'banned_ip');
    await read(await send(p, alice, { body: 'From next door' }, '192.0.2.8'), 201, CommentSchema);
    await ban('ip', '198.18.0.0/16');
    await expectError(await send(p, alice, { body: 'In the prefix' }, '198.18.200.1'), 403, 'banned_ip');
    await ban('ip', '2001:DB8::/32');
    await expectError(await send(p, alice, { body: 'IPv6 prefix' }, '2001:db8:1::5'), 403, 'banned_ip');
    await read(await send(p, alice, { body: 'Other IPv6' }, '2001:db9::5'), 201, CommentSchema);

    const spammer = await reader({ email: `x${Date.now()}@mail.spam-domain.example` });
    await ban('email_domain', '@Spam-Domain.example');
    await expectError(await send(p, spammer, { body: 'From the domain' }), 403, 'banned_email_domain');
    expect((await logOf(spammer))[0]).toEqual({ decision: 'refused', reason: 'banned_email_domain' });

    // Lifted: comments come in again. A duplicate or nonsense ban is a clear error.
    expect((await t.request('DELETE', `/api/admin/bans/${exact.id}`, { as: admin })).status).toBe(204);
    await read(await send(p, alice, { body: 'Welcome back' }, '192.0.2.7'), 201, CommentSchema);
    await expectError(
      await t.request('POST', '/api/admin/bans', { as: admin, json: { kind: 'ip', value: '198.18.0.0/16' } }),
      409,
      'ban_exists',
    );
    for (const value of ['not-an-ip', '10.0.0.0/4', '10.0.0.0/33', '1.2.3.4/24/1']) {
      await expectError(
        await t.request('POST', '/api/admin/bans', { as: admin, json: { kind: 'ip', value } }),
        422,
        'validation_failed',
      );
    }
    await expectError(
      await t.request('POST', '/api/admin/bans', { as: admin, json: { kind: 'email_domain', value: 'nodot' } }),
      422,
      'validation_failed',
    );
    await expectError(
      await t.request('POST', '/api/admin/bans', { as: admin, json: { kind: 'user', value: 'x' } }),
      422,
      'validation_failed',
    );
  });

  it('refuses sign-up from a banned address or email domain, each logged', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    await read(
      await t.request('POST', '/api/admin/bans', {
        as: admin,
        json: { kind: 'email_domain', value: 'signup-spam.example' },
      }),
      201,
      BanSchema,
    );
    await read(
      await t.request('POST', '/api/admin/bans', { as: admin, json: { kind: 'ip', value: '192.0.2.128/25' } }),
      201,
      BanSchema,
    );
    const signup = (email: string, ip: string) =>
      t.request('POST', '/api/auth/signup', {
        json: { email, name: 'New Person', password: 'a long enough passphrase' },
        headers: { 'x-real-ip': ip },
      });
    const byDomain = await expectError(
      await signup('someone@mail.signup-spam.example', freshIp()),
      403,
      'banned_email_domain',
    );
    expect(byDomain.message).toMatch(/email domain/);
    await expectError(await signup('fine@example.com', '192.0.2.200'), 403, 'banned_ip');
    expect(
      await t.db.models.User.count({ where: { email: ['someone@mail.signup-spam.example', 'fine@example.com'] } }),
    ).toBe(0);
    expect((await signup(`fine${Date.now()}@example.com`, freshIp())).status).toBe(201);
    const log = await read(
      await t.request('GET', '/api/admin/moderation/log?decision=refused', { as: admin }),
      200,
      ModerationLogSchema,
    );
    expect(log.items.slice(0, 2).map((e) => [e.reason, e.detail])).toEqual([
      ['banned_ip', 'sign-up (192.0.2.128/25)'],
      ['banned_email_domain', 'sign-up (signup-spam.example)'],
    ]);
  });

  it('lets an expired ban lapse', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const { post: p } = await post({ commentModeration: 'open' });
    await read(
      await t.request('POST', '/api/admin/bans', {
        as: admin,
        json: { kind: 'ip', value: '192.0.2.99', expiresAt: new Date(Date.now() + 3600_000).toISOString() },
      }),
      201,
      BanSchema,
    );
    const alice = await reader();
    await expectError(await send(p, alice, { body: 'Banned for now' }, '192.0.2.99'), 403, 'banned_ip');
    t.setNow(new Date(Date.now() + 2 * 3600_000));
    try {
      await read(await send(p, alice, { body: 'Ban over' }, '192.0.2.99'), 201, CommentSchema);
    } finally {
      t.setNow(null);
    }
  });
});

describe('delete everything from this user / this address', () => {
  it('deletes a user’s comments (their threads’ replies with them) and an address’s, with per-id results and exact counts', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const { post: p } = await post({ commentModeration: 'open' });
    const spammer = await reader();
    const bystander = await reader();
    const a = await read(await send(p, spammer, { body: 'Spam one' }, '192.0.2.50'), 201, CommentSchema);
    const reply = await read(await send(p, bystander, { body: 'Go away', parentId: a.id }), 201, CommentSchema);
    const b = await read(await send(p, spammer, { body: 'Spam two' }, '192.0.2.51'), 201, CommentSchema);
    const kept = await read(await send(p, bystander, { body: 'A real comment' }, '192.0.2.52'), 201, CommentSchema);
    const byUser = await read(
      await t.request('POST', '/api/admin/comments/purge', { as: admin, json: { userId: spammer.id } }),
      200,
      BulkResultSchema,
    );
    expect(byUser.results.map((r) => [r.id, r.ok])).toEqual([
      [a.id, true],
      [b.id, true],
    ]);
    expect(await listed(p)).toEqual([kept.id]);
    expect(await t.db.models.Comment.findByPk(reply.id)).toBeNull();

    // From an address: matched by its keyed hash (the address itself is not stored).
    const other = await reader();
    const c = await read(await send(p, other, { body: 'From the bad address' }, '192.0.2.60'), 201, CommentSchema);
    const stored = await t.db.models.Comment.findByPk(c.id);
    expect(stored?.ipHash).toMatch(/^[0-9a-f]{40}$/);
    expect(JSON.stringify(stored?.get({ plain: true }))).not.toContain('192.0.2.60');
    const byIp = await read(
      await t.request('POST', '/api/admin/comments/purge', { as: admin, json: { ip: '192.0.2.60' } }),
      200,
      BulkResultSchema,
    );
    expect(byIp.results.map((r) => [r.id, r.ok])).toEqual([[c.id, true]]);
    expect(await listed(p)).toEqual([kept.id]);
    expect(await commentsCount(p)).toBe(1);
    expect(await findCountDrift(t.db)).toEqual([]);
    await expectError(
      await t.request('POST', '/api/admin/comments/purge', { as: admin, json: { userId: 1, ip: '192.0.2.60' } }),
      422,
      'validation_failed',
    );
    await expectError(
      await t.request('POST', '/api/admin/comments/purge', { as: admin, json: { ip: 'nope' } }),
      422,
      'validation_failed',
    );
  });
});

describe('the rules in memory (MODERATION cacheMs, 5 s outside tests)', () => {
  it('keeps bans and words for cacheMs, and forgets them at once on its own changes', async () => {
    const rules = { ...t.config.moderation, cacheMs: 60_000 };
    const clock = () => new Date();
    const moderation = createModerationService({
      db: t.db,
      clock,
      audit: createAuditLogger(t.db, clock),
      rules,
      secret: t.config.sessionSecret,
    });
    const admin = await t.factories.user({ role: 'admin' });
    await moderation.assertNotBanned({ ip: '100.64.0.240' });
    // Another replica's ban: this process sees it once its copy is older than cacheMs.
    const elsewhere = await t.db.models.Ban.create({
      kind: 'ip',
      value: '100.64.0.240',
      createdBy: null,
      expiresAt: null,
    });
    await moderation.assertNotBanned({ ip: '100.64.0.240' });
    // Its own change: at once (and the other replica's with it, read afresh).
    await moderation.createBan({ kind: 'ip', value: '100.64.0.241', reason: '', expiresAt: null }, { actor: admin });
    await expect(moderation.assertNotBanned({ ip: '100.64.0.240' })).rejects.toMatchObject({ code: 'banned_ip' });
    await expect(moderation.assertNotBanned({ ip: '100.64.0.241' })).rejects.toMatchObject({ code: 'banned_ip' });
    await moderation.deleteBan(elsewhere.id, { actor: admin });
    await moderation.assertNotBanned({ ip: '100.64.0.240' });
  });
});
