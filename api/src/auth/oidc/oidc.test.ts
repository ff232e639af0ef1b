import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_ORIGIN, type TestContext, unique } from '../../../test/app.js';
import {
  createOidcTestContext,
  type OidcTestContext,
  runSignIn,
  setCookieHeader,
  setCookieValue,
  type TestAccount,
  writeProvidersFile,
} from '../../../test/oidc-provider.js';
import { SESSION_COOKIE, sessionIdOf } from '../sessions.js';
import { ProviderListSchema } from './schema.js';
import { STATE_COOKIE, safeReturnTo } from './state.js';

let c: OidcTestContext;
beforeAll(async () => {
  c = await createOidcTestContext();
});
afterAll(async () => {
  await c.destroy();
});

/** A provider account with a fresh subject and address. */
function buildAccount(overrides: Partial<TestAccount> = {}): TestAccount {
  const sub = unique('sub-');
  return { sub, email: `${sub}@mail.example`, email_verified: true, name: 'Ada Lovelace', ...overrides };
}

async function identitiesOf(t: TestContext, userId: number) {
  return t.db.models.Identity.findAll({ where: { userId } });
}

/** Whether `token` is a working session: a plain user may not write posts (403), a stranger must sign in (401). */
async function expectSignedInAsPlainUser(t: TestContext, token: string | undefined) {
  expect(token).toBeTruthy();
  const post = { title: 'Not mine to write', bodyMarkdown: 'Hello.' };
  const signedIn = await t.request('POST', '/api/posts', { json: post, as: `${SESSION_COOKIE}=${token}` });
  expect(signedIn.status, await signedIn.text()).toBe(403);
  const anonymous = await t.request('POST', '/api/posts', { json: post });
  expect(anonymous.status).toBe(401);
}

describe('GET /api/auth/providers', () => {
  it('lists the configured providers with their start URLs', async () => {
    const res = await c.t.request('GET', '/api/auth/providers');
    expect(res.status).toBe(200);
    expect(ProviderListSchema.parse(await res.json())).toEqual({
      providers: [{ id: 'test', name: 'Test ID', startUrl: `${TEST_ORIGIN}/api/auth/oidc/test/start` }],
    });
  });

  it('lists Google and Kakao when their client ids and secrets are set, and nothing when none is', async () => {
    const configured = await createTestContext({
      OIDC_GOOGLE_CLIENT_ID: 'google-id',
      OIDC_GOOGLE_CLIENT_SECRET: 'google-secret',
      OIDC_KAKAO_CLIENT_ID: 'kakao-id',
      OIDC_KAKAO_CLIENT_SECRET: 'kakao-secret',
    });
    const bare = await createTestContext();
    try {
      const res = await configured.request('GET', '/api/auth/providers');
      expect(await res.json()).toEqual({
        providers: [
          { id: 'google', name: 'Google', startUrl: `${TEST_ORIGIN}/api/auth/oidc/google/start` },
          { id: 'kakao', name: 'Kakao', startUrl: `${TEST_ORIGIN}/api/auth/oidc/kakao/start` },
        ],
      });
      expect(await (await bare.request('GET', '/api/auth/providers')).json()).toEqual({ providers: [] });
    } finally {
      await configured.destroy();
      await bare.destroy();
    }
  });
});

describe('GET /api/auth/oidc/{provider}/start', () => {
  it('redirects to the provider with PKCE (S256), state and nonce, kept in a signed short-lived cookie', async () => {
    const res = await c.t.request('GET', '/api/auth/oidc/test/start?returnTo=/posts/hello');
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const url = new URL(res.headers.get('location') ?? '');
    expect(url.origin).toBe(c.idp.issuer);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: c.idp.clientId,
      redirect_uri: `${TEST_ORIGIN}/api/auth/oidc/test/callback`,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(params.code_challenge).toMatch(/^[\w-]{43}$/);
    expect(params.state?.length).toBeGreaterThanOrEqual(22);
    expect(params.nonce?.length).toBeGreaterThanOrEqual(22);

    const cookie = setCookieHeader(res, STATE_COOKIE) ?? '';
    expect(cookie).toMatch(/; Max-Age=600(;|$)/);
    expect(cookie).toMatch(/; Path=\/api\/auth\/oidc(;|$)/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).toMatch(/; SameSite=Lax(;|$)/);
    expect(cookie).not.toMatch(/Secure/);
    // Nothing in the cookie is readable as plain text (it is signed, base64url JSON).
    const value = setCookieValue(res, STATE_COOKIE) ?? '';
    expect(value).toMatch(/^[\w-]+\.[\w-]{43}$/);
    expect(value).not.toContain(params.state);
  });

  it('answers 404 for an unknown provider', async () => {
    const res = await c.t.request('GET', '/api/auth/oidc/nope/start');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('redirects home with provider_unavailable when the provider cannot be reached', async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    const providers = writeProvidersFile([
      { id: 'down', name: 'Down', issuer: 'http://127.0.0.1:9', clientId: 'x', clientSecret: 'y' },
    ]);
    const t = await createTestContext(
      { OIDC_PROVIDERS_FILE: providers.file },
      { oidc: { allowInsecureRequests: true } },
    );
    try {
      const res = await t.request('GET', '/api/auth/oidc/down/start');
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`${TEST_ORIGIN}/?auth_error=provider_unavailable`);
      expect(setCookieValue(res, STATE_COOKIE)).toBeUndefined();
    } finally {
      await t.destroy();
      providers.remove();
    }
  });

  it('refuses a plain-http issuer unless the app was built to allow it', async () => {
    const providers = writeProvidersFile([
      { id: 'test', name: 'Test ID', issuer: c.idp.issuer, clientId: c.idp.clientId, clientSecret: c.idp.clientSecret },
    ]);
    const t = await createTestContext({ OIDC_PROVIDERS_FILE: providers.file });
    try {
      const res = await t.request('GET', '/api/auth/oidc/test/start');
      expect(res.headers.get('location')).toBe(`${TEST_ORIGIN}/?auth_error=provider_unavailable`);
    } finally {
      await t.destroy();
      providers.remove();
    }
  });
});

describe('first and later sign-ins', () => {
  it('creates a verified account, its identity and a session on the first sign-in', async () => {
    const account = buildAccount({ email: `${unique('Mixed.Case')}@Mail.Example`, name: 'Ada Lovelace' });
    c.idp.signInAs(account);
    const flow = await runSignIn(c.t, { returnTo: '/posts/hello-world?x=1#comments' });

    expect(flow.callback.status).toBe(302);
    expect(flow.location).toBe(`${TEST_ORIGIN}/posts/hello-world?x=1#comments`);
    expect(flow.callback.headers.get('cache-control')).toBe('no-store');
    // The state cookie is spent.
    expect(setCookieHeader(flow.callback, STATE_COOKIE)).toMatch(/^blog_oidc=; Max-Age=0; Path=\/api\/auth\/oidc/);
    expect(setCookieHeader(flow.callback, SESSION_COOKIE)).toMatch(/; Path=\/; Expires=.*; HttpOnly; SameSite=Lax$/);

    const user = await c.t.db.models.User.findOne({ where: { email: account.email?.toLowerCase() } });
    expect(user).not.toBeNull();
    expect(user).toMatchObject({ name: 'Ada Lovelace', role: 'user', passwordHash: null, bannedAt: null });
    expect(user?.emailVerifiedAt).toBeInstanceOf(Date);
    const identities = await identitiesOf(c.t, user?.id ?? 0);
    expect(identities.map((i) => [i.provider, i.subject])).toEqual([['test', account.sub]]);

    const session = await c.t.db.models.Session.findByPk(sessionIdOf(flow.sessionToken ?? ''));
    expect(session?.userId).toBe(user?.id);
    await expectSignedInAsPlainUser(c.t, flow.sessionToken);
  });

  it('finds the same account through its identity on later sign-ins, whatever the email now says', async () => {
    const account = buildAccount();
    c.idp.signInAs(account);
    const first = await runSignIn(c.t);
    c.idp.signInAs({ ...account, email: `changed-${account.email}`, name: 'Renamed' });
    const second = await runSignIn(c.t);

    expect(second.authError).toBeNull();
    const firstSession = await c.t.db.models.Session.findByPk(sessionIdOf(first.sessionToken ?? ''));
    const secondSession = await c.t.db.models.Session.findByPk(sessionIdOf(second.sessionToken ?? ''));
    expect(secondSession?.userId).toBe(firstSession?.userId);
    expect(second.sessionToken).not.toBe(first.sessionToken);
    expect(await c.t.db.models.User.count({ where: { email: `changed-${account.email}` } })).toBe(0);
    expect(await c.t.db.models.Identity.count({ where: { provider: 'test', subject: account.sub } })).toBe(1);
  });

  it('replaces the session the browser already had (no session id survives a sign-in)', async () => {
    const someone = await c.t.factories.user();
    const earlier = await c.t.factories.sessionCookie(someone);
    c.idp.signInAs(buildAccount());
    const flow = await runSignIn(c.t, { appCookies: earlier });
    expect(flow.authError).toBeNull();
    const oldToken = earlier.slice(`${SESSION_COOKIE}=`.length);
    expect(await c.t.db.models.Session.findByPk(sessionIdOf(oldToken))).toBeNull();
    await expectSignedInAsPlainUser(c.t, flow.sessionToken);
  });

  it('creates an unverified account when the provider does not vouch for the email', async () => {
    const account = buildAccount({ email_verified: false });
    c.idp.signInAs(account);
    const flow = await runSignIn(c.t);
    expect(flow.authError).toBeNull();
    const user = await c.t.db.models.User.findOne({ where: { email: account.email } });
    expect(user?.emailVerifiedAt).toBeNull();
  });

  it('creates an account with a placeholder address when the provider shares no email', async () => {
    const sub = unique('nomail-');
    c.idp.signInAs({ sub, name: 'Kim Minji' });
    const flow = await runSignIn(c.t);
    expect(flow.authError).toBeNull();
    const identity = await c.t.db.models.Identity.findOne({ where: { provider: 'test', subject: sub } });
    const user = await c.t.db.models.User.findByPk(identity?.userId);
    expect(user).toMatchObject({ email: `test-${sub}@users.invalid`, name: 'Kim Minji', emailVerifiedAt: null });
  });

  it('names the account after the email when the provider gives no name', async () => {
    const account = buildAccount({ name: undefined, email: `${unique('grace.hopper')}@mail.example` });
    c.idp.signInAs(account);
    await runSignIn(c.t);
    const user = await c.t.db.models.User.findOne({ where: { email: account.email } });
    expect(user?.name).toBe(account.email?.split('@')[0]);
  });

  it('refuses a banned account', async () => {
    const account = buildAccount();
    c.idp.signInAs(account);
    const first = await runSignIn(c.t);
    const session = await c.t.db.models.Session.findByPk(sessionIdOf(first.sessionToken ?? ''));
    await c.t.db.models.User.update({ bannedAt: new Date() }, { where: { id: session?.userId ?? 0 } });

    const second = await runSignIn(c.t);
    expect(second.location).toBe(`${TEST_ORIGIN}/?auth_error=banned`);
    expect(second.sessionToken).toBeUndefined();
  });

  it('comes back with provider_unavailable when the token endpoint cannot be reached', async () => {
    c.edge.rewriteNextTokenResponse(async () => {
      throw new TypeError('fetch failed');
    });
    const account = buildAccount();
    c.idp.signInAs(account);
    const flow = await runSignIn(c.t);
    expect(flow.location).toBe(`${TEST_ORIGIN}/?auth_error=provider_unavailable`);
    expect(await c.t.db.models.Identity.count({ where: { subject: account.sub } })).toBe(0);
  });

  it('comes back with access_denied when the user cancels at the provider', async () => {
    c.idp.signInAs(null);
    const flow = await runSignIn(c.t);
    expect(flow.callback.status).toBe(302);
    expect(flow.location).toBe(`${TEST_ORIGIN}/?auth_error=access_denied`);
    expect(flow.sessionToken).toBeUndefined();
  });
});

describe('linking to an existing account by email', () => {
  it('links a verified provider email to the existing password account and keeps its password', async () => {
    const existing = await c.t.factories.user({ email: `${unique('linked')}@mail.example` });
    await existing.update({ passwordHash: 'scrypt$kept' });
    const account = buildAccount({ email: existing.email.toUpperCase(), email_verified: true });
    c.idp.signInAs(account);
    const flow = await runSignIn(c.t);

    expect(flow.authError).toBeNull();
    const session = await c.t.db.models.Session.findByPk(sessionIdOf(flow.sessionToken ?? ''));
    expect(session?.userId).toBe(existing.id);
    expect((await identitiesOf(c.t, existing.id)).map((i) => i.subject)).toEqual([account.sub]);
    await existing.reload();
    expect(existing.passwordHash).toBe('scrypt$kept');
    expect(await c.t.db.models.User.count({ where: { email: existing.email } })).toBe(1);
  });

  it('verifies an unverified account it links to, and shuts out whoever had registered the address', async () => {
    const squatter = await c.t.factories.user({ email: `${unique('squatted')}@mail.example`, verified: false });
    await squatter.update({ passwordHash: 'scrypt$squatter' });
    const squatterSession = await c.t.factories.sessionCookie(squatter);
    c.idp.signInAs(buildAccount({ email: squatter.email, email_verified: true }));
    const flow = await runSignIn(c.t);

    expect(flow.authError).toBeNull();
    await squatter.reload();
    expect(squatter.emailVerifiedAt).toBeInstanceOf(Date);
    expect(squatter.passwordHash).toBeNull();
    const oldToken = squatterSession.slice(`${SESSION_COOKIE}=`.length);
    expect(await c.t.db.models.Session.findByPk(sessionIdOf(oldToken))).toBeNull();
    const session = await c.t.db.models.Session.findByPk(sessionIdOf(flow.sessionToken ?? ''));
    expect(session?.userId).toBe(squatter.id);
  });

  it('refuses to link when the provider has not verified the email, and creates nothing', async () => {
    const existing = await c.t.factories.user({ email: `${unique('owner')}@mail.example` });
    const account = buildAccount({ email: existing.email, email_verified: false });
    c.idp.signInAs(account);
    const flow = await runSignIn(c.t);

    expect(flow.location).toBe(`${TEST_ORIGIN}/?auth_error=email_unverified_conflict`);
    expect(flow.sessionToken).toBeUndefined();
    expect(await c.t.db.models.Identity.count({ where: { subject: account.sub } })).toBe(0);
    expect(await identitiesOf(c.t, existing.id)).toEqual([]);
    expect(await c.t.db.models.User.count({ where: { email: existing.email } })).toBe(1);
  });

  it('refuses a new account from an email domain an admin banned, and still signs in existing ones', async () => {
    const domain = `${unique('banned-domain')}.example`;
    const existing = await c.t.factories.user({ email: `old@${domain}` });
    await c.t.db.models.Ban.create({ kind: 'email_domain', value: domain, createdBy: null, expiresAt: null });
    const account = buildAccount({ email: `new@${domain}` });
    c.idp.signInAs(account);
    const flow = await runSignIn(c.t);
    expect(flow.authError).toBe('banned');
    expect(await c.t.db.models.User.count({ where: { email: `new@${domain}` } })).toBe(0);
    expect(await c.t.db.models.Identity.count({ where: { subject: account.sub } })).toBe(0);
    // An account from before the ban links and signs in (the ban refuses sign-ups and comments).
    c.idp.signInAs(buildAccount({ email: existing.email }));
    expect((await runSignIn(c.t)).authError).toBeNull();
  });

  it('refuses to link to a banned account', async () => {
    const banned = await c.t.factories.user({ email: `${unique('banned')}@mail.example`, banned: true });
    c.idp.signInAs(buildAccount({ email: banned.email }));
    const flow = await runSignIn(c.t);
    expect(flow.authError).toBe('banned');
    expect(await identitiesOf(c.t, banned.id)).toEqual([]);
  });
});

describe('returnTo', () => {
  it.each([
    ['/posts/a?b=c', `${TEST_ORIGIN}/posts/a?b=c`],
    [`${TEST_ORIGIN}/admin/`, `${TEST_ORIGIN}/admin/`],
    ['https://evil.example/steal', `${TEST_ORIGIN}/`],
    ['//evil.example/steal', `${TEST_ORIGIN}/`],
    ['/\\evil.example', `${TEST_ORIGIN}/`],
    ['javascript:alert(1)', `${TEST_ORIGIN}/`],
    ['http://blog.test.evil.example/', `${TEST_ORIGIN}/`],
    ['https://blog.test/', `${TEST_ORIGIN}/`],
    ['posts/relative', `${TEST_ORIGIN}/`],
  ])('sends %s to %s after signing in', async (returnTo, expected) => {
    c.idp.signInAs(buildAccount());
    const flow = await runSignIn(c.t, { returnTo });
    expect(flow.authError).toBeNull();
    expect(flow.location).toBe(expected);
  });

  it('goes home without a returnTo', async () => {
    c.idp.signInAs(buildAccount());
    expect((await runSignIn(c.t)).location).toBe(`${TEST_ORIGIN}/`);
  });

  it('keeps only same-origin targets (unit)', () => {
    const site = 'https://blog.example';
    expect(safeReturnTo('/a/b', site)).toBe('https://blog.example/a/b');
    // On the site, but a path that would read as another host once it is a Location again.
    expect(safeReturnTo('https://blog.example//evil.example/x', site)).toBe('https://blog.example/evil.example/x');
    expect(safeReturnTo('/\t/evil.example', site)).toBe('https://blog.example/');
    expect(safeReturnTo('/%2F%2Fevil.example', site)).toBe('https://blog.example/%2F%2Fevil.example');
    expect(safeReturnTo('https://blog.example:444/', site)).toBe('https://blog.example/');
    expect(safeReturnTo('https://user@evil.example@blog.example/', site)).toBe('https://blog.example/');
    expect(safeReturnTo(`/${'a'.repeat(3000)}`, site)).toBe('https://blog.example/');
    expect(safeReturnTo(undefined, site)).toBe('https://blog.example/');
  });
});

describe('providers that state email_verified only at UserInfo (as Kakao does)', () => {
  let k: OidcTestContext;
  beforeAll(async () => {
    k = await createOidcTestContext({ conformIdTokenClaims: true });
  });
  afterAll(async () => {
    await k.destroy();
  });

  it('takes the email and its verification from the UserInfo response', async () => {
    const account = buildAccount({ email_verified: true });
    k.idp.signInAs(account);
    const flow = await runSignIn(k.t);
    expect(flow.authError).toBeNull();
    const user = await k.t.db.models.User.findOne({ where: { email: account.email } });
    expect(user?.emailVerifiedAt).toBeInstanceOf(Date);
    expect(user?.name).toBe('Ada Lovelace');
  });
});
