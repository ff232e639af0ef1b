import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, productionEnv, type TestContext, unique } from '../../test/app.js';
import { codeIn, startSmtpServer, type TestSmtpServer } from '../../test/smtp.js';
import { findCountDrift } from '../db/recount.js';
import { MeSchema } from './schema.js';

const UserResponse = z.object({ user: MeSchema });
const ErrorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const PASSWORD = 'correct horse battery';

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

/** A client of its own: its own address and cookie jar of one session cookie. */
function client() {
  const ip = `198.51.100.${ipCounter++}`;
  let cookie: string | undefined;
  return {
    get cookie() {
      return cookie;
    },
    set cookie(value: string | undefined) {
      cookie = value;
    },
    async send(method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
      const res = await t.request(method, path, {
        json,
        headers: { 'x-real-ip': ip, ...(cookie ? { cookie } : {}), ...headers },
      });
      const set = res.headers.getSetCookie().find((c) => c.startsWith('blog_session='));
      if (set) cookie = /Max-Age=0|Expires=Thu, 01 Jan 1970/.test(set) ? undefined : set.split(';')[0];
      return res;
    },
  };
}

async function errorCode(res: Response): Promise<string> {
  return ErrorResponse.parse(await res.json()).error.code;
}

async function signUp(email = `${unique('reader')}@example.com`) {
  const c = client();
  const since = smtp.mails.length;
  const res = await c.send('POST', '/api/auth/signup', { email, name: unique('Reader '), password: PASSWORD });
  expect(res.status).toBe(201);
  const mail = await smtp.waitForMail(email, since);
  return { c, email, mail };
}

describe('sign-up and email verification', () => {
  it('signs up, mails a code, verifies, and only then may comment', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const { c, email, mail } = await signUp();

    expect(mail.subject).toMatch(/^\d{6} is your Test Blog verification code$/);
    expect(mail.text).toContain(codeIn(mail));
    expect(mail.html).toContain(codeIn(mail));

    const me = UserResponse.parse(await (await c.send('GET', '/api/auth/me')).json());
    expect(me.user).toMatchObject({ email, emailVerified: false, hasPassword: true, role: 'user' });

    const blocked = await c.send('POST', `/api/posts/${post.id}/comments`, { body: 'hi' });
    expect(blocked.status).toBe(403);
    expect(await errorCode(blocked)).toBe('email_not_verified');

    const verified = await c.send('POST', '/api/auth/otp/verify', { code: codeIn(mail) });
    expect(verified.status).toBe(200);
    expect(UserResponse.parse(await verified.json()).user.emailVerified).toBe(true);
    expect((await c.send('POST', `/api/posts/${post.id}/comments`, { body: 'hi' })).status).toBe(201);
  });

  it('sets an HttpOnly SameSite=Lax session cookie and stores only its hash', async () => {
    const c = client();
    const res = await c.send('POST', '/api/auth/signup', {
      email: `${unique('cookie')}@example.com`,
      name: 'C',
      password: PASSWORD,
    });
    const set = res.headers.getSetCookie().find((v) => v.startsWith('blog_session=')) ?? '';
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).toMatch(/Path=\//);
    expect(set).not.toMatch(/Secure/);
    const token = set.split(';')[0]?.split('=')[1] ?? '';
    expect(token.length).toBeGreaterThanOrEqual(43); // 256 bits in base64url
    expect(await t.db.models.Session.findByPk(token)).toBeNull();
  });

  it('normalises emails and refuses a second account for the same address', async () => {
    const local = unique('Mixed');
    const c = client();
    const res = await c.send('POST', '/api/auth/signup', {
      email: `  ${local}@Example.COM `,
      name: 'M',
      password: PASSWORD,
    });
    expect(UserResponse.parse(await res.json()).user.email).toBe(`${local.toLowerCase()}@example.com`);
    const again = await client().send('POST', '/api/auth/signup', {
      email: `${local.toLowerCase()}@example.com`,
      name: 'M',
      password: PASSWORD,
    });
    expect(again.status).toBe(409);
    expect(await errorCode(again)).toBe('email_taken');
  });

  it.each([
    ['short1234', 'weak_password'],
    ['1234567890', 'weak_password'],
    ['Password123', 'weak_password'],
  ])('refuses the password %s', async (password, code) => {
    const before = await t.db.models.User.count();
    const res = await client().send('POST', '/api/auth/signup', {
      email: `${unique('weak')}@example.com`,
      name: 'W',
      password,
    });
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe(code);
    expect(await t.db.models.User.count()).toBe(before);
  });

  it('has a resend cooldown with Retry-After, then sends a new code that replaces the old one', async () => {
    const { c, email, mail } = await signUp();
    const early = await c.send('POST', '/api/auth/otp/send');
    expect(early.status).toBe(429);
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0);
    t.setNow(new Date(Date.now() + 61_000));
    try {
      const since = smtp.mails.length;
      expect((await c.send('POST', '/api/auth/otp/send')).status).toBe(202);
      const second = await smtp.waitForMail(email, since);
      if (codeIn(second) !== codeIn(mail)) {
        const old = await c.send('POST', '/api/auth/otp/verify', { code: codeIn(mail) });
        expect(old.status).toBe(422);
      }
      expect((await c.send('POST', '/api/auth/otp/verify', { code: codeIn(second) })).status).toBe(200);
    } finally {
      t.setNow(new Date());
    }
  });

  it('stops a brute force after 5 wrong codes', async () => {
    const { c, mail } = await signUp();
    const right = codeIn(mail);
    const wrong = right === '000000' ? '111111' : '000000';
    const codes: string[] = [];
    for (let i = 0; i < 5; i++)
      codes.push(await errorCode(await c.send('POST', '/api/auth/otp/verify', { code: wrong })));
    expect(codes).toEqual(['otp_invalid', 'otp_invalid', 'otp_invalid', 'otp_invalid', 'otp_exhausted']);
    const late = await c.send('POST', '/api/auth/otp/verify', { code: right });
    expect(late.status).toBe(422);
    expect(await errorCode(late)).toBe('otp_exhausted');
  });

  it('refuses an expired code', async () => {
    const { c, mail } = await signUp();
    t.setNow(new Date(Date.now() + 601_000));
    try {
      const res = await c.send('POST', '/api/auth/otp/verify', { code: codeIn(mail) });
      expect(res.status).toBe(422);
      expect(await errorCode(res)).toBe('otp_expired');
    } finally {
      t.setNow(new Date());
    }
  });

  it('refuses a cross-site sign-up (CSRF)', async () => {
    const res = await client().send(
      'POST',
      '/api/auth/signup',
      { email: `${unique('csrf')}@example.com`, name: 'X', password: PASSWORD },
      { origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('csrf_rejected');
  });
});

describe('login and sessions', () => {
  it('gives the same answer for an unknown email and a wrong password', async () => {
    const { email } = await signUp();
    const wrong = await client().send('POST', '/api/auth/login', { email, password: 'wrong password!' });
    const unknown = await client().send('POST', '/api/auth/login', {
      email: `${unique('nobody')}@example.com`,
      password: 'wrong password!',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [ErrorResponse.parse(await wrong.json()), ErrorResponse.parse(await unknown.json())];
    expect(a.error).toEqual(b.error);
  });

  it('issues a new session id at login and revokes the one the browser had (no fixation)', async () => {
    const { c, email } = await signUp();
    const before = c.cookie;
    const res = await c.send('POST', '/api/auth/login', { email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(c.cookie).toBeDefined();
    expect(c.cookie).not.toBe(before);
    const stale = await t.request('GET', '/api/auth/me', { headers: { cookie: before ?? '' } });
    expect(stale.status).toBe(401);
    expect((await c.send('GET', '/api/auth/me')).status).toBe(200);
  });

  it('logs out: the session row is gone and the cookie cleared', async () => {
    const { c } = await signUp();
    const cookie = c.cookie ?? '';
    expect((await c.send('POST', '/api/auth/logout')).status).toBe(204);
    expect(c.cookie).toBeUndefined();
    expect((await t.request('GET', '/api/auth/me', { headers: { cookie } })).status).toBe(401);
  });

  it('holds back an address that keeps guessing an account', async () => {
    const { email } = await signUp();
    const attacker = client();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await attacker.send('POST', '/api/auth/login', { email, password: 'not the password' })).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('marks the cookie Secure in production', async () => {
    const prod = await createTestContext(productionEnv());
    try {
      const res = await prod.request('POST', '/api/auth/signup', {
        json: { email: `${unique('prod')}@example.com`, name: 'P', password: PASSWORD },
      });
      expect(res.status).toBe(201);
      expect(res.headers.getSetCookie().find((v) => v.startsWith('blog_session='))).toMatch(/; Secure/);
    } finally {
      await prod.destroy();
    }
  });
});

describe('password reset', () => {
  it('answers 202 whether or not the account exists', async () => {
    const { email } = await signUp();
    const known = await client().send('POST', '/api/auth/password/forgot', { email });
    const unknown = await client().send('POST', '/api/auth/password/forgot', {
      email: `${unique('ghost')}@example.com`,
    });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(await known.json()).toEqual(await unknown.json());
  });

  it('resets with the mailed code, ends every session, and signs in with the new password', async () => {
    const { c, email } = await signUp();
    const oldCookie = c.cookie ?? '';
    const since = smtp.mails.length;
    await client().send('POST', '/api/auth/password/forgot', { email });
    const mail = await smtp.waitForMail(email, since);
    expect(mail.subject).toContain('password reset code');
    const newPassword = 'a brand new passphrase';
    const wrong = await client().send('POST', '/api/auth/password/reset', {
      email,
      code: codeIn(mail) === '999999' ? '999998' : '999999',
      password: newPassword,
    });
    expect(wrong.status).toBe(422);
    const ok = await client().send('POST', '/api/auth/password/reset', {
      email,
      code: codeIn(mail),
      password: newPassword,
    });
    expect(ok.status).toBe(204);
    expect((await t.request('GET', '/api/auth/me', { headers: { cookie: oldCookie } })).status).toBe(401);
    expect((await client().send('POST', '/api/auth/login', { email, password: PASSWORD })).status).toBe(401);
    expect((await client().send('POST', '/api/auth/login', { email, password: newPassword })).status).toBe(200);
  });
});

describe('account deletion', () => {
  it('needs the password, then removes the user, sessions and comments with exact counts', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const { c, email, mail } = await signUp();
    await c.send('POST', '/api/auth/otp/verify', { code: codeIn(mail) });
    const other = await t.factories.user();
    const created = await c.send('POST', `/api/posts/${post.id}/comments`, { body: 'mine' });
    const { id } = z.object({ id: z.number() }).parse(await created.json());
    await t.factories.comment(post, other, {
      parent: await t.db.models.Comment.findByPk(id).then((x) => x ?? undefined),
    });
    await t.factories.comment(post, other);
    await post.reload();
    expect(post.commentsCount).toBe(3);

    const wrong = await c.send('DELETE', '/api/auth/me', { password: 'not my password' });
    expect(wrong.status).toBe(403);
    expect(await errorCode(wrong)).toBe('reauth_required');

    expect((await c.send('DELETE', '/api/auth/me', { password: PASSWORD })).status).toBe(204);
    expect(await t.db.models.User.findOne({ where: { email } })).toBeNull();
    await post.reload();
    await other.reload();
    expect(post.commentsCount).toBe(1);
    expect(other.commentsCount).toBe(1);
    expect(await findCountDrift(t.db)).toEqual([]);
  });

  it('refuses an author who still owns posts (409)', async () => {
    const { c, email } = await signUp();
    const user = await t.db.models.User.findOne({ where: { email } });
    if (!user) throw new Error('user missing');
    await user.update({ role: 'author', emailVerifiedAt: new Date() });
    await t.factories.post(user);
    const res = await c.send('DELETE', '/api/auth/me', { password: PASSWORD });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe('author_has_posts');
    expect(await t.db.models.User.findByPk(user.id)).not.toBeNull();
  });
});

describe('mail is sent in the background', () => {
  it('answers fast while the SMTP server takes 5 s, and the mail still arrives', async () => {
    smtp.delayMs = 5000;
    try {
      const email = `${unique('slow')}@example.com`;
      const since = smtp.mails.length;
      const started = performance.now();
      const res = await client().send('POST', '/api/auth/signup', { email, name: 'S', password: PASSWORD });
      const elapsed = performance.now() - started;
      expect(res.status).toBe(201);
      expect(elapsed).toBeLessThan(1500);
      await smtp.waitForMail(email, since, 20_000);
    } finally {
      smtp.delayMs = 0;
    }
  });

  it('retries while the SMTP server is down and delivers when it is back', async () => {
    const down = await startSmtpServer();
    const port = down.port;
    await down.close();
    const ctx = await createTestContext({ SMTP_URL: `smtp://127.0.0.1:${port}` });
    await ctx.jobs.start();
    let back: TestSmtpServer | null = null;
    try {
      const email = `${unique('down')}@example.com`;
      const started = performance.now();
      const res = await ctx.request('POST', '/api/auth/signup', { json: { email, name: 'D', password: PASSWORD } });
      expect(res.status).toBe(201);
      expect(performance.now() - started).toBeLessThan(1500);
      // Wait until the worker has failed at least once.
      for (let i = 0; i < 200; i++) {
        const job = await ctx.db.models.Job.findOne({ where: { kind: 'mail' } });
        if (job && job.attempts >= 1 && job.lastError) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const failed = await ctx.db.models.Job.findOne({ where: { kind: 'mail' } });
      expect(failed?.lastError).toBeTruthy();
      back = await startSmtpServer(port);
      const mail = await back.waitForMail(email, 0, 20_000);
      expect(codeIn(mail)).toMatch(/^\d{6}$/);
      for (let i = 0; i < 100; i++) {
        const job = await ctx.db.models.Job.findOne({ where: { kind: 'mail' } });
        if (job?.status === 'done') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const done = await ctx.db.models.Job.findOne({ where: { kind: 'mail' } });
      expect(done?.status).toBe('done');
      expect(done?.attempts).toBeGreaterThan(1);
    } finally {
      await ctx.destroy();
      await back?.close();
    }
  });
});

describe('session lifetime', () => {
  it('slides: a session past half its 30 days is renewed with a fresh cookie expiry', async () => {
    const { c, email } = await signUp();
    const user = await t.db.models.User.findOne({ where: { email } });
    const session = await t.db.models.Session.findOne({ where: { userId: user?.id ?? 0 } });
    const firstExpiry = session?.expiresAt.getTime() ?? 0;
    t.setNow(new Date(Date.now() + 20 * 86_400_000));
    try {
      const res = await c.send('GET', '/api/auth/me');
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie().some((v) => v.startsWith('blog_session='))).toBe(true);
      await session?.reload();
      expect(session?.expiresAt.getTime()).toBeGreaterThan(firstExpiry);
      t.setNow(new Date(Date.now() + 60 * 86_400_000));
      expect((await c.send('GET', '/api/auth/me')).status).toBe(401);
    } finally {
      t.setNow(new Date());
    }
  });
});

describe('password-less accounts', () => {
  it('may delete themselves only within 10 minutes of signing in', async () => {
    const user = await t.factories.user();
    const cookie = await t.factories.sessionCookie(user);
    t.setNow(new Date(Date.now() + 11 * 60_000));
    try {
      const late = await t.request('DELETE', '/api/auth/me', { headers: { cookie } });
      expect(late.status).toBe(403);
      expect(await errorCode(late)).toBe('reauth_required');
    } finally {
      t.setNow(new Date());
    }
    const fresh = await t.request('DELETE', '/api/auth/me', { headers: { cookie } });
    expect(fresh.status).toBe(204);
    expect(await t.db.models.User.findByPk(user.id)).toBeNull();
  });
});
