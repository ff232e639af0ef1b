import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext, unique } from '../../test/app.js';
import { codeIn, startSmtpServer, type TestSmtpServer } from '../../test/smtp.js';
import { findCountDrift } from '../db/recount.js';
import {
  AccountExportSchema,
  EmailChangeSentSchema,
  LoginResponseSchema,
  MeSchema,
  RevokedSchema,
  SessionListSchema,
} from './schema.js';
import { sessionIdOf } from './sessions.js';

// Account self-service (issue 13) against the real app, database and SMTP server: change of
// password, name and email, the sessions list, the data export, and the honest answers about codes.

const UserResponse = z.object({ user: MeSchema });
const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.looseObject({ path: z.string().optional(), attemptsLeft: z.number().optional() })).optional(),
  }),
});
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

let smtp: TestSmtpServer;
let t: TestContext;
let ipCounter = 1;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await createTestContext({ SMTP_URL: smtp.url, TRUST_PROXY: 'true', SITE_NAME: 'Test Blog' });
  await t.jobs.start();
});
afterAll(async () => {
  await t.destroy();
  await smtp.close();
});

/** A browser of its own: its own address, user agent and session cookie. */
function client(userAgent = FIREFOX) {
  const ip = `203.0.113.${ipCounter++}`;
  let cookie: string | undefined;
  return {
    ip,
    get cookie() {
      return cookie;
    },
    async send(method: string, path: string, json?: unknown) {
      const res = await t.request(method, path, {
        json,
        headers: { 'x-real-ip': ip, 'user-agent': userAgent, ...(cookie ? { cookie } : {}) },
      });
      const set = res.headers.getSetCookie().find((c) => c.startsWith('blog_session='));
      if (set) cookie = /Max-Age=0|Expires=Thu, 01 Jan 1970/.test(set) ? undefined : set.split(';')[0];
      return res;
    },
  };
}

async function errorOf(res: Response) {
  return ErrorResponse.parse(await res.json()).error;
}

/** A verified password account signed in on a browser of its own. */
async function account(email = `${unique('self')}@example.com`) {
  const c = client();
  const since = smtp.mails.length;
  expect(
    (await c.send('POST', '/api/auth/signup', { email, name: unique('Reader '), password: PASSWORD })).status,
  ).toBe(201);
  const mail = await smtp.waitForMail(email, since);
  expect((await c.send('POST', '/api/auth/otp/verify', { code: codeIn(mail) })).status).toBe(200);
  return { c, email };
}

/** Another browser signed in to the same account. */
async function secondBrowser(
  email: string,
  userAgent = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/605.1',
) {
  const other = client(userAgent);
  expect((await other.send('POST', '/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
  return other;
}

const wrongCodeFor = (code: string) => (code === '000000' ? '111111' : '000000');

describe('POST /auth/password/change', () => {
  it('needs the current password, keeps this session and ends every other one', async () => {
    const { c, email } = await account();
    const other = await secondBrowser(email);
    const res = await c.send('POST', '/api/auth/password/change', {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(RevokedSchema.parse(await res.json())).toEqual({ revoked: 1 });
    expect((await c.send('GET', '/api/auth/me')).status).toBe(200);
    expect((await other.send('GET', '/api/auth/me')).status).toBe(401);
    const old = await client().send('POST', '/api/auth/login', { email, password: PASSWORD });
    expect(old.status).toBe(401);
    expect((await client().send('POST', '/api/auth/login', { email, password: NEW_PASSWORD })).status).toBe(200);
  });

  it('refuses a wrong or missing current password and changes nothing', async () => {
    const { c, email } = await account();
    const other = await secondBrowser(email);
    const wrong = await c.send('POST', '/api/auth/password/change', {
      currentPassword: 'not my password at all',
      newPassword: NEW_PASSWORD,
    });
    expect(wrong.status).toBe(403);
    const error = await errorOf(wrong);
    expect(error.code).toBe('wrong_password');
    expect(error.details?.[0]?.path).toBe('currentPassword');
    const missing = await c.send('POST', '/api/auth/password/change', { newPassword: NEW_PASSWORD });
    expect(missing.status).toBe(403);
    expect((await errorOf(missing)).code).toBe('reauth_required');
    expect((await other.send('GET', '/api/auth/me')).status).toBe(200);
    expect((await client().send('POST', '/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
  });

  it.each([
    ['too short', 'short'],
    ['a common password', 'password1234'],
  ])('refuses a weak new password (%s) with the sign-up policy', async (_, newPassword) => {
    const { c } = await account();
    const res = await c.send('POST', '/api/auth/password/change', { currentPassword: PASSWORD, newPassword });
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe('weak_password');
    expect(error.details?.[0]?.path).toBe('newPassword');
  });

  it('answers bad input with 4xx and signed-out callers with 401', async () => {
    const { c } = await account();
    for (const body of [{}, { newPassword: 42 }, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD, extra: 1 }]) {
      const res = await c.send('POST', '/api/auth/password/change', body);
      expect([400, 422]).toContain(res.status);
    }
    const anonymous = await client().send('POST', '/api/auth/password/change', { newPassword: NEW_PASSWORD });
    expect(anonymous.status).toBe(401);
  });
});

describe('PATCH /auth/me', () => {
  it('changes the display name (normalised) and refuses an empty one', async () => {
    const { c } = await account();
    const res = await c.send('PATCH', '/api/auth/me', { name: '  Ada   Lovelace ' });
    expect(res.status).toBe(200);
    expect(UserResponse.parse(await res.json()).user.name).toBe('Ada Lovelace');
    expect(UserResponse.parse(await (await c.send('GET', '/api/auth/me')).json()).user.name).toBe('Ada Lovelace');
    const empty = await c.send('PATCH', '/api/auth/me', { name: '   ' });
    expect(empty.status).toBe(422);
    expect((await client().send('PATCH', '/api/auth/me', { name: 'X' })).status).toBe(401);
  });

  it('re-renders the posts that show the name on comments', async () => {
    const { c, email } = await account();
    const user = await t.db.models.User.findOne({ where: { email } });
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    if (!user) throw new Error('no user');
    await t.factories.comment(post, user);
    const before = (await t.commentEvents()).length;
    expect((await c.send('PATCH', '/api/auth/me', { name: 'Renamed Reader' })).status).toBe(200);
    const events = (await t.commentEvents()).slice(before);
    expect(events.map((event) => event.postId)).toContain(post.id);
  });
});

describe('email change', () => {
  it('mails a code to the new address, changes nothing until it is confirmed, then tells the old address', async () => {
    const { c, email } = await account();
    const next = `${unique('new')}@example.com`;
    const since = smtp.mails.length;
    const res = await c.send('POST', '/api/auth/email/change', { email: next.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(202);
    const sent = EmailChangeSentSchema.parse(await res.json());
    expect(sent.pendingEmail).toBe(next);
    expect(sent.sentTo).not.toBe(next);
    const mail = await smtp.waitForMail(next, since);
    expect(mail.subject).toMatch(/^\d{6} is your Test Blog code to confirm this address$/);
    expect(smtp.mails.slice(since).some((m) => m.to.includes(email))).toBe(false);
    // Nothing changed yet: the old address still signs in, the new one does not.
    expect(UserResponse.parse(await (await c.send('GET', '/api/auth/me')).json()).user.email).toBe(email);
    expect((await client().send('POST', '/api/auth/login', { email: next, password: PASSWORD })).status).toBe(401);

    const confirmed = await c.send('POST', '/api/auth/email/confirm', { code: codeIn(mail) });
    expect(confirmed.status).toBe(200);
    expect(UserResponse.parse(await confirmed.json()).user).toMatchObject({ email: next, emailVerified: true });
    const notice = await smtp.waitForMail(email, since);
    expect(notice.subject).toBe('Your Test Blog email address was changed');
    expect(notice.text).not.toMatch(/\b\d{6}\b/);
    expect((await client().send('POST', '/api/auth/login', { email: next, password: PASSWORD })).status).toBe(200);
    expect((await client().send('POST', '/api/auth/login', { email, password: PASSWORD })).status).toBe(401);
    // The code worked once.
    const again = await c.send('POST', '/api/auth/email/confirm', { code: codeIn(mail) });
    expect((await errorOf(again)).code).toBe('otp_missing');
  });

  it('needs the password and refuses the address the account already has', async () => {
    const { c, email } = await account();
    const wrong = await c.send('POST', '/api/auth/email/change', {
      email: `${unique('x')}@example.com`,
      password: 'not my password at all',
    });
    expect(wrong.status).toBe(403);
    expect((await errorOf(wrong)).code).toBe('wrong_password');
    const missing = await c.send('POST', '/api/auth/email/change', { email: `${unique('x')}@example.com` });
    expect((await errorOf(missing)).code).toBe('reauth_required');
    const same = await c.send('POST', '/api/auth/email/change', { email, password: PASSWORD });
    expect(same.status).toBe(422);
    expect((await errorOf(same)).code).toBe('same_email');
    const invalid = await c.send('POST', '/api/auth/email/change', { email: 'not an address', password: PASSWORD });
    expect(invalid.status).toBe(422);
  });

  it('refuses (409) an address another account uses, when asked and again when confirmed', async () => {
    const { c } = await account();
    const taken = await t.factories.user();
    const asked = await c.send('POST', '/api/auth/email/change', { email: taken.email, password: PASSWORD });
    expect(asked.status).toBe(409);
    expect((await errorOf(asked)).code).toBe('email_taken');

    const next = `${unique('race')}@example.com`;
    const since = smtp.mails.length;
    expect((await c.send('POST', '/api/auth/email/change', { email: next, password: PASSWORD })).status).toBe(202);
    const mail = await smtp.waitForMail(next, since);
    // Someone signs up with the address before the code is confirmed.
    await t.factories.user({ email: next });
    const late = await c.send('POST', '/api/auth/email/confirm', { code: codeIn(mail) });
    expect(late.status).toBe(409);
    expect((await errorOf(late)).code).toBe('email_taken');
    const me = UserResponse.parse(await (await c.send('GET', '/api/auth/me')).json()).user;
    expect(me.email).not.toBe(next);
  });

  it('counts wrong codes down, then says the code is used up; an expired code says so', async () => {
    const { c } = await account();
    const next = `${unique('tries')}@example.com`;
    let since = smtp.mails.length;
    await c.send('POST', '/api/auth/email/change', { email: next, password: PASSWORD });
    const mail = await smtp.waitForMail(next, since);
    const wrong = wrongCodeFor(codeIn(mail));
    const answers: Array<{ code: string; attemptsLeft?: number | undefined }> = [];
    for (let i = 0; i < 5; i++) {
      const error = await errorOf(await c.send('POST', '/api/auth/email/confirm', { code: wrong }));
      answers.push({ code: error.code, attemptsLeft: error.details?.[0]?.attemptsLeft });
    }
    expect(answers).toEqual([
      { code: 'otp_invalid', attemptsLeft: 4 },
      { code: 'otp_invalid', attemptsLeft: 3 },
      { code: 'otp_invalid', attemptsLeft: 2 },
      { code: 'otp_invalid', attemptsLeft: 1 },
      { code: 'otp_exhausted', attemptsLeft: 0 },
    ]);
    const used = await errorOf(await c.send('POST', '/api/auth/email/confirm', { code: codeIn(mail) }));
    expect(used.code).toBe('otp_exhausted');
    expect(used.message).toMatch(/used up.*send a new one/);

    t.setNow(new Date(Date.now() + 61_000));
    try {
      since = smtp.mails.length;
      expect((await c.send('POST', '/api/auth/email/change', { email: next, password: PASSWORD })).status).toBe(202);
      const fresh = await smtp.waitForMail(next, since);
      t.setNow(new Date(Date.now() + 61_000 + 601_000));
      const expired = await errorOf(await c.send('POST', '/api/auth/email/confirm', { code: codeIn(fresh) }));
      expect(expired.code).toBe('otp_expired');
      expect(expired.message).toMatch(/send a new one/);
    } finally {
      t.setNow(null);
    }
  });

  it("cannot be confirmed with a code mailed for someone else's change", async () => {
    const first = await account();
    const second = await account();
    const next = `${unique('theirs')}@example.com`;
    const since = smtp.mails.length;
    await first.c.send('POST', '/api/auth/email/change', { email: next, password: PASSWORD });
    const mail = await smtp.waitForMail(next, since);
    const res = await second.c.send('POST', '/api/auth/email/confirm', { code: codeIn(mail) });
    expect(res.status).toBe(422);
    expect((await errorOf(res)).code).toBe('otp_missing');
  });

  it('limits how often a change may be asked for', async () => {
    const { c } = await account();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await c.send('POST', '/api/auth/email/change', {
        email: `${unique('many')}@example.com`,
        password: PASSWORD,
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // The first is sent; the next ones wait for the cooldown, and past five the account is held back.
    expect(statuses[0]).toBe(202);
    expect(statuses.every((status) => status === 202 || status === 429)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('signed-in sessions', () => {
  it('lists the sessions with an opaque id, device, masked address and the current one marked', async () => {
    const { c, email } = await account();
    const other = await secondBrowser(email);
    const res = await c.send('GET', '/api/auth/sessions');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const { sessions } = SessionListSchema.parse(await res.json());
    expect(sessions).toHaveLength(2);
    const current = sessions.filter((s) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ device: 'Firefox on Linux', ip: c.ip.replace(/\.\d+$/, '.x') });
    expect(sessions.find((s) => !s.current)).toMatchObject({
      device: 'Safari on iOS',
      ip: other.ip.replace(/\.\d+$/, '.x'),
    });
    const tokens = [c.cookie, other.cookie].map((cookie) => cookie?.split('=')[1] ?? '');
    for (const session of sessions) {
      expect(tokens).not.toContain(session.id);
      expect(tokens.map(sessionIdOf)).not.toContain(session.id);
    }
  });

  it('signs out one other session, and everywhere else', async () => {
    const { c, email } = await account();
    const phone = await secondBrowser(email);
    const laptop = await secondBrowser(email, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/140.0 Safari/537.36');
    const list = async () => SessionListSchema.parse(await (await c.send('GET', '/api/auth/sessions')).json()).sessions;
    const phoneId = (await list()).find((s) => s.device === 'Safari on iOS')?.id ?? '';
    expect((await c.send('DELETE', `/api/auth/sessions/${phoneId}`)).status).toBe(204);
    expect((await phone.send('GET', '/api/auth/me')).status).toBe(401);
    expect((await laptop.send('GET', '/api/auth/me')).status).toBe(200);
    expect(await list()).toHaveLength(2);

    const everywhere = await c.send('DELETE', '/api/auth/sessions/others');
    expect(RevokedSchema.parse(await everywhere.json())).toEqual({ revoked: 1 });
    expect((await laptop.send('GET', '/api/auth/me')).status).toBe(401);
    expect((await c.send('GET', '/api/auth/me')).status).toBe(200);
    expect((await list()).map((s) => s.current)).toEqual([true]);
  });

  it("answers 404 for another account's session id and 400 for a malformed one", async () => {
    const mine = await account();
    const theirs = await account();
    const { sessions } = SessionListSchema.parse(await (await theirs.c.send('GET', '/api/auth/sessions')).json());
    const theirId = sessions[0]?.id ?? '';
    const res = await mine.c.send('DELETE', `/api/auth/sessions/${theirId}`);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
    expect((await theirs.c.send('GET', '/api/auth/me')).status).toBe(200);
    expect((await mine.c.send('DELETE', '/api/auth/sessions/..%2F..%2Fetc')).status).toBe(400);
    expect((await client().send('GET', '/api/auth/sessions')).status).toBe(401);
  });

  it('signs this browser out when its own session is ended from the list', async () => {
    const { c } = await account();
    const { sessions } = SessionListSchema.parse(await (await c.send('GET', '/api/auth/sessions')).json());
    const own = sessions.find((s) => s.current)?.id ?? '';
    expect((await c.send('DELETE', `/api/auth/sessions/${own}`)).status).toBe(204);
    expect(c.cookie).toBeUndefined();
    expect((await c.send('GET', '/api/auth/session')).status).toBe(200);
    expect((await c.send('GET', '/api/auth/me')).status).toBe(401);
  });

  it('records when a session was last used, at most once an hour', async () => {
    const { c } = await account();
    const first = SessionListSchema.parse(await (await c.send('GET', '/api/auth/sessions')).json()).sessions[0];
    t.setNow(new Date(Date.now() + 2 * 60 * 60_000));
    try {
      const later = SessionListSchema.parse(await (await c.send('GET', '/api/auth/sessions')).json()).sessions[0];
      expect(Date.parse(later?.lastSeenAt ?? '')).toBeGreaterThan(Date.parse(first?.lastSeenAt ?? ''));
      expect(later?.createdAt).toBe(first?.createdAt);
    } finally {
      t.setNow(null);
    }
  });
});

describe('GET /auth/me/export', () => {
  it("is an attachment with the profile and only the user's own comments, with their posts", async () => {
    const { c, email } = await account();
    const user = await t.db.models.User.findOne({ where: { email } });
    if (!user) throw new Error('no user');
    const author = await t.factories.user({ role: 'author' });
    const stranger = await t.factories.user();
    const post = await t.factories.post(author, { title: 'Exported post' });
    const mine = await t.factories.comment(post, user, { body: 'My own words.' });
    await t.factories.comment(post, stranger, { parent: mine, body: 'A stranger replies.' });
    await t.factories.comment(post, stranger, { body: 'A stranger elsewhere.' });
    const myReply = await t.factories.comment(post, user, { parent: mine, body: 'My reply.' });

    const res = await c.send('GET', '/api/auth/me/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="account-\d+-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const data = AccountExportSchema.parse(await res.json());
    expect(data.profile).toMatchObject({ id: user.id, email, hasPassword: true, identities: [] });
    expect(data.comments.map((comment) => comment.id)).toEqual([mine.id, myReply.id]);
    expect(data.comments[0]).toMatchObject({
      body: 'My own words.',
      parentId: null,
      post: { id: post.id, slug: post.slug, title: 'Exported post' },
    });
    expect(data.comments[1]?.parentId).toBe(mine.id);
    expect(JSON.stringify(data)).not.toContain('A stranger');
    expect(JSON.stringify(data)).not.toContain('password_hash');
    expect(data.subscriptions).toEqual([]);
    expect((await client().send('GET', '/api/auth/me/export')).status).toBe(401);
  });
});

describe('what a sign-in of an unverified account says about its code', () => {
  it('says no code was sent within the cooldown, mails one after it, and says nothing for a verified account', async () => {
    const email = `${unique('unverified')}@example.com`;
    let since = smtp.mails.length;
    await client().send('POST', '/api/auth/signup', { email, name: 'Late Verifier', password: PASSWORD });
    await smtp.waitForMail(email, since);

    const soon = await client().send('POST', '/api/auth/login', { email, password: PASSWORD });
    expect(soon.status).toBe(200);
    const early = LoginResponseSchema.parse(await soon.json()).verification;
    expect(early).toMatchObject({ sent: false, reason: 'cooldown' });
    expect(early?.resendAfterSeconds).toBeGreaterThan(0);

    t.setNow(new Date(Date.now() + 61_000));
    try {
      since = smtp.mails.length;
      const later = LoginResponseSchema.parse(
        await (await client().send('POST', '/api/auth/login', { email, password: PASSWORD })).json(),
      ).verification;
      expect(later).toMatchObject({ sent: true, resendAfterSeconds: 60, expiresInSeconds: 600 });
      if (later?.sent) expect(later.sentTo).toMatch(/^u\*+@example\.com$/);
      const mail = await smtp.waitForMail(email, since);
      expect(codeIn(mail)).toMatch(/^\d{6}$/);
    } finally {
      t.setNow(null);
    }

    const verified = await account();
    const body = LoginResponseSchema.parse(
      await (await client().send('POST', '/api/auth/login', { email: verified.email, password: PASSWORD })).json(),
    );
    expect(body.verification).toBeUndefined();
  });
});

describe('account deletion, as documented', () => {
  it('takes the comments and the replies others wrote to them, and keeps counts exact', async () => {
    const { c, email } = await account();
    const user = await t.db.models.User.findOne({ where: { email } });
    if (!user) throw new Error('no user');
    const author = await t.factories.user({ role: 'author' });
    const stranger = await t.factories.user();
    const post = await t.factories.post(author);
    const mine = await t.factories.comment(post, user);
    const reply = await t.factories.comment(post, stranger, { parent: mine });
    const theirs = await t.factories.comment(post, stranger);
    const res = await c.send('DELETE', '/api/auth/me', { password: PASSWORD });
    expect(res.status).toBe(204);
    const { Comment } = t.db.models;
    expect(await Comment.findByPk(mine.id)).toBeNull();
    expect(await Comment.findByPk(reply.id)).toBeNull();
    expect(await Comment.findByPk(theirs.id)).not.toBeNull();
    expect(await findCountDrift(t.db)).toEqual([]);
  });
});
