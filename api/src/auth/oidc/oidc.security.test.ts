import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ORIGIN, unique } from '../../../test/app.js';
import {
  createOidcTestContext,
  type FlowOptions,
  type OidcTestContext,
  runSignIn,
  type TestAccount,
} from '../../../test/oidc-provider.js';
import { STATE_COOKIE, signLoginState, verifyLoginState } from './state.js';

let c: OidcTestContext;
beforeAll(async () => {
  c = await createOidcTestContext();
});
afterAll(async () => {
  await c.destroy();
});

function buildAccount(overrides: Partial<TestAccount> = {}): TestAccount {
  const sub = unique('sub-');
  return { sub, email: `${sub}@mail.example`, email_verified: true, name: 'Eve', ...overrides };
}

/** Signs in `account` with `options` and expects a refusal with `code`, no session and no account created. */
async function expectRefused(code: string, options: FlowOptions = {}, account = buildAccount()) {
  c.idp.signInAs(account);
  const flow = await runSignIn(c.t, options);
  expect(flow.callback.status).toBe(302);
  expect(flow.location).toBe(`${TEST_ORIGIN}/?auth_error=${code}`);
  expect(flow.sessionToken).toBeUndefined();
  expect(await c.t.db.models.Identity.count({ where: { subject: account.sub } })).toBe(0);
  expect(await c.t.db.models.User.count({ where: { email: account.email ?? '' } })).toBe(0);
  return flow;
}

/** The ID token's parts, for forging. */
function split(idToken: string | undefined) {
  if (!idToken) throw new Error('the token response had no id_token');
  const [header = '', payload = '', signature = ''] = idToken.split('.');
  return { header, payload, signature, claims: decodeJwt(idToken), kid: decodeProtectedHeader(idToken).kid };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('state', () => {
  it('refuses a callback without the state cookie', async () => {
    await expectRefused('invalid_state', { editStateCookie: () => undefined });
  });

  it('refuses a tampered state cookie', async () => {
    await expectRefused('invalid_state', {
      editStateCookie: (value) => {
        const [payload = '', signature] = value.split('.');
        const state: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString());
        const changed = { ...(typeof state === 'object' ? state : {}), returnTo: 'https://evil.example/' };
        return `${b64(changed)}.${signature}`;
      },
    });
  });

  it('refuses a state cookie signed with another secret', async () => {
    await expectRefused('invalid_state', {
      editStateCookie: (value) => {
        const state = verifyLoginState(value, c.t.config.sessionSecret, new Date());
        if (!state) throw new Error('the app set a state cookie it cannot read');
        return signLoginState(state, 'another-secret-another-secret-another-secret');
      },
    });
  });

  it('refuses a state parameter that does not match the cookie', async () => {
    await expectRefused('invalid_state', {
      editCallbackUrl: (url) => url.searchParams.set('state', 'attacker-chosen-state-value'),
    });
  });

  it("refuses another sign-in's state cookie (login CSRF: the attacker's code with the victim's browser)", async () => {
    // The attacker starts a sign-in of their own and keeps its cookie; the victim's callback carries the attacker's.
    const attackerStart = await c.t.request('GET', '/api/auth/oidc/test/start');
    const attackerCookie = attackerStart.headers.getSetCookie()[0]?.split(';')[0]?.slice(`${STATE_COOKIE}=`.length);
    await expectRefused('invalid_state', { editStateCookie: () => attackerCookie });
  });

  it('refuses an expired state cookie (older than 10 minutes)', async () => {
    const own = await createOidcTestContext();
    try {
      own.idp.signInAs(buildAccount());
      const flow = await runSignIn(own.t, { beforeCallback: () => own.t.setNow(new Date(Date.now() + 11 * 60_000)) });
      expect(flow.location).toBe(`${TEST_ORIGIN}/?auth_error=invalid_state`);
      expect(flow.sessionToken).toBeUndefined();
    } finally {
      await own.destroy();
    }
  });

  it('never answers a callback with an error page, whatever it is sent', async () => {
    for (const query of ['', '?code=x', '?state=x&state=y', '?error=server_error', `?code=${'x'.repeat(5000)}`]) {
      const res = await c.t.request('GET', `/api/auth/oidc/test/callback${query}`, {
        headers: { cookie: `${STATE_COOKIE}=garbage.value` },
      });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`${TEST_ORIGIN}/?auth_error=invalid_state`);
    }
    const unknown = await c.t.request('GET', '/api/auth/oidc/nope/callback?code=x&state=y');
    expect(unknown.headers.get('location')).toBe(`${TEST_ORIGIN}/?auth_error=unknown_provider`);
  });

  it('refuses a replayed callback (the code is single-use)', async () => {
    const account = buildAccount();
    c.idp.signInAs(account);
    let replay: { path: string; cookie: string } | null = null;
    const first = await runSignIn(c.t, {
      editCallbackUrl: (url) => {
        replay = { path: url.pathname + url.search, cookie: '' };
      },
      editStateCookie: (value) => {
        if (replay) replay.cookie = value;
        return value;
      },
    });
    expect(first.authError).toBeNull();
    if (!replay) throw new Error('no callback seen');
    const { path, cookie } = replay;
    const again = await c.t.request('GET', path, { headers: { cookie: `${STATE_COOKIE}=${cookie}` } });
    expect(again.headers.get('location')).toBe(`${TEST_ORIGIN}/?auth_error=provider_error`);
  });

  it('cannot sign in without PKCE (the provider requires it and the app sends it)', async () => {
    await expectRefused('provider_error', {
      editAuthorizeUrl: (url) => {
        url.searchParams.delete('code_challenge');
        url.searchParams.delete('code_challenge_method');
      },
    });
  });
});

describe('ID token', () => {
  it('refuses an ID token whose nonce is not the one the app sent', async () => {
    await expectRefused('invalid_token', {
      editAuthorizeUrl: (url) => url.searchParams.set('nonce', 'a-nonce-the-app-never-sent-0123456789'),
    });
  });

  it('refuses a tampered ID token (claims edited, signature kept)', async () => {
    const victim = await c.t.factories.user({ email: `${unique('victim')}@mail.example` });
    c.edge.rewriteNextTokenResponse(async (body) => {
      const token = split(body.id_token);
      // Claims openid-client accepts (issuer, audience, nonce, expiry unchanged): only the signature is wrong.
      const forged = { ...token.claims, sub: unique('forged-'), email: victim.email, email_verified: true };
      return { ...body, id_token: `${token.header}.${b64(forged)}.${token.signature}` };
    });
    await expectRefused('invalid_token');
    expect(await c.t.db.models.Identity.count({ where: { userId: victim.id } })).toBe(0);
  });

  it('refuses an ID token signed by another key, even under the provider key id', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    c.edge.rewriteNextTokenResponse(async (body) => {
      const token = split(body.id_token);
      const id_token = await new SignJWT(token.claims)
        .setProtectedHeader({ alg: 'RS256', kid: c.idp.keyId })
        .sign(privateKey);
      return { ...body, id_token };
    });
    await expectRefused('invalid_token');
  });

  it('refuses an ID token signed with a key it carries itself (embedded jwk)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = await exportJWK(publicKey);
    c.edge.rewriteNextTokenResponse(async (body) => {
      const token = split(body.id_token);
      const id_token = await new SignJWT(token.claims).setProtectedHeader({ alg: 'RS256', jwk }).sign(privateKey);
      return { ...body, id_token };
    });
    await expectRefused('invalid_token');
  });

  it('refuses an unsigned ID token (alg none)', async () => {
    c.edge.rewriteNextTokenResponse(async (body) => {
      const token = split(body.id_token);
      return { ...body, id_token: `${b64({ alg: 'none' })}.${token.payload}.` };
    });
    await expectRefused('invalid_token');
  });

  it('refuses an ID token for another audience, though the provider signed it', async () => {
    c.edge.rewriteNextTokenResponse(async (body) => {
      const token = split(body.id_token);
      return { ...body, id_token: await c.idp.signWithProviderKey({ ...token.claims, aud: 'another-client' }) };
    });
    await expectRefused('invalid_token');
  });

  it('refuses an ID token from another issuer, though signed with the provider key', async () => {
    c.edge.rewriteNextTokenResponse(async (body) => {
      const token = split(body.id_token);
      return { ...body, id_token: await c.idp.signWithProviderKey({ ...token.claims, iss: 'https://evil.example' }) };
    });
    await expectRefused('invalid_token');
  });

  it('refuses an expired ID token, though signed with the provider key', async () => {
    c.edge.rewriteNextTokenResponse(async (body) => {
      const token = split(body.id_token);
      const past = Math.floor(Date.now() / 1000) - 3600;
      return { ...body, id_token: await c.idp.signWithProviderKey({ ...token.claims, iat: past - 60, exp: past }) };
    });
    await expectRefused('invalid_token');
  });

  it('refuses a token response without an ID token', async () => {
    c.edge.rewriteNextTokenResponse(async ({ id_token: _dropped, ...rest }) => rest);
    await expectRefused('invalid_token');
  });

  it('accepts a token re-signed by the provider key with unchanged claims (the forgeries above fail for their flaw alone)', async () => {
    c.edge.rewriteNextTokenResponse(async (body) => {
      const token = split(body.id_token);
      return { ...body, id_token: await c.idp.signWithProviderKey(token.claims) };
    });
    c.idp.signInAs(buildAccount());
    const flow = await runSignIn(c.t);
    expect(flow.authError).toBeNull();
    expect(flow.sessionToken).toBeTruthy();
  });
});
