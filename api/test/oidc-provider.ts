import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import Provider, { type Account, type Adapter, type AdapterPayload } from 'oidc-provider';
import { z } from 'zod';
import type { OidcFetch } from '../src/auth/oidc/service.js';
import { STATE_COOKIE } from '../src/auth/oidc/state.js';
import { SESSION_COOKIE } from '../src/auth/sessions.js';
import { createTestContext, TEST_ORIGIN, type TestContext } from './app.js';

/** A user at the test provider; the claims it releases are exactly these. */
export interface TestAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/** A real OpenID provider (oidc-provider) on 127.0.0.1, whose sign-in page signs in whoever the test says. */
export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The account the next authorization signs in, or null for a user who cancels (access_denied). */
  signInAs(account: TestAccount | null): void;
  /** The key id of the provider's signing key. */
  keyId: string;
  /** Signs a JWT with the provider's own key, for tokens with chosen claims. */
  signWithProviderKey(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

const CLIENT_SECRET = 'test-client-secret-0123456789-abcdefghijkl';

/** oidc-provider's storage, in memory and per provider instance (its built-in one is module-wide and warns). */
function memoryAdapters() {
  const rows = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  return (name: string): Adapter => {
    const key = (id: string) => `${name}:${id}`;
    const live = (id: string) => {
      const row = rows.get(key(id));
      return row && row.expiresAt > Date.now() ? row.payload : undefined;
    };
    const findBy = (field: 'uid' | 'userCode', value: string) =>
      [...rows.entries()].find(([k, row]) => k.startsWith(`${name}:`) && row.payload[field] === value)?.[1].payload;
    return {
      async upsert(id, payload, expiresIn) {
        rows.set(key(id), { payload, expiresAt: Date.now() + (expiresIn ?? 3600) * 1000 });
      },
      find: async (id) => live(id),
      findByUid: async (uid) => findBy('uid', uid),
      findByUserCode: async (userCode) => findBy('userCode', userCode),
      async consume(id) {
        const payload = live(id);
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        rows.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const [k, row] of rows) if (row.payload.grantId === grantId) rows.delete(k);
      },
    };
  };
}

/**
 * Starts oidc-provider 9 on a free port with one confidential client (PKCE
 * required). Its interaction pages are answered here: login with the account
 * set by `signInAs`, consent to every requested scope.
 */
export async function startTestProvider(options: {
  redirectUri: string;
  clientId?: string;
  /** oidc-provider's default (true) keeps scope claims out of the ID token, as Kakao does with email_verified. */
  conformIdTokenClaims?: boolean;
}): Promise<TestIdentityProvider> {
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server = createServer((req, res) => {
    if (handle) handle(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the test provider is not listening on TCP');
  const { port } = address;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = options.clientId ?? 'blog-test-client';

  const keyId = 'provider-key-1';
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: keyId, alg: 'RS256', use: 'sig' };

  const accounts = new Map<string, TestAccount>();
  let next: TestAccount | null = null;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: CLIENT_SECRET,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    adapter: memoryAdapters(),
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    jwks: { keys: [privateJwk] },
    cookies: { keys: ['test-provider-cookie-key'] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'nickname', 'preferred_username'],
    },
    conformIdTokenClaims: options.conformIdTokenClaims ?? false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub): Account | undefined => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ ...account }) };
    },
  });
  const oidcHandler = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      const account = next;
      if (!account) {
        await provider.interactionFinished(req, res, {
          error: 'access_denied',
          error_description: 'The user cancelled.',
        });
        return;
      }
      accounts.set(account.sub, account);
      await provider.interactionFinished(req, res, { login: { accountId: account.sub } });
      return;
    }
    const accountId = details.session?.accountId;
    const grant =
      (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
      new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  handle = (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
      return;
    }
    oidcHandler(req, res);
  };

  return {
    issuer,
    clientId,
    clientSecret: CLIENT_SECRET,
    keyId,
    signInAs(account) {
      next = account;
    },
    signWithProviderKey: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: keyId }).sign(privateKey),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const TokenResponseSchema = z.looseObject({ id_token: z.string().optional() });
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/**
 * The app's way out to providers in tests: real fetch, except that the next
 * token endpoint response can be rewritten once (a man in the middle, at the
 * HTTP edge: openid-client and jose run unchanged).
 */
export function createProviderEdge() {
  let rewrite: ((body: TokenResponse) => Promise<TokenResponse>) | null = null;
  const fetchImpl: OidcFetch = async (url, init) => {
    const response = await fetch(url, init);
    const transform = rewrite;
    if (!transform || new URL(url).pathname !== '/token' || !response.ok) return response;
    rewrite = null;
    const body = TokenResponseSchema.parse(await response.json());
    return new Response(JSON.stringify(await transform(body)), {
      status: response.status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    });
  };
  return {
    fetch: fetchImpl,
    /** Rewrites the next token response only. */
    rewriteNextTokenResponse(transform: (body: TokenResponse) => Promise<TokenResponse>) {
      rewrite = transform;
    },
  };
}

/** The Set-Cookie header of cookie `name`, whole (attributes included), or undefined; the last one wins, as in browsers. */
export function setCookieHeader(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().findLast((header) => header.startsWith(`${name}=`));
}

/** The value of cookie `name` among a response's Set-Cookie headers (the last one wins), or undefined. */
export function setCookieValue(response: Response, name: string): string | undefined {
  const header = setCookieHeader(response, name);
  return header
    ?.slice(name.length + 1)
    .split(';')[0]
    ?.trim();
}

export interface FlowOptions {
  provider?: string;
  returnTo?: string;
  /** Changes the authorization request on its way to the provider (as a meddling browser or attacker could). */
  editAuthorizeUrl?: (url: URL) => void;
  /** Changes the callback URL on its way back to the app. */
  editCallbackUrl?: (url: URL) => void;
  /** Replaces the state cookie the browser sends back (undefined: send none). */
  editStateCookie?: (value: string) => string | undefined;
  /** Runs just before the browser comes back to the app's callback. */
  beforeCallback?: () => void;
  /** Cookies the browser already had for the app (e.g. an earlier session). */
  appCookies?: string;
}

export interface FlowResult {
  start: Response;
  /** The app's answer to the callback. */
  callback: Response;
  /** Where the callback redirected. */
  location: string;
  /** The new session token, when one was set. */
  sessionToken: string | undefined;
  /** The auth_error of a refused sign-in. */
  authError: string | null;
}

/**
 * A browser signing in: the app's /start, then the provider (authorize,
 * interaction, consent; redirects followed by hand with the provider's
 * cookies), then the app's /callback with the state cookie.
 */
export async function runSignIn(t: TestContext, options: FlowOptions = {}): Promise<FlowResult> {
  const providerId = options.provider ?? 'test';
  const query = options.returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(options.returnTo)}`;
  const start = await t.request('GET', `/api/auth/oidc/${providerId}/start${query}`);
  if (start.status !== 302) throw new Error(`start answered ${start.status}: ${await start.text()}`);
  const stateCookie = setCookieValue(start, STATE_COOKIE);
  if (!stateCookie) throw new Error('start set no state cookie');

  let url = new URL(start.headers.get('location') ?? '');
  options.editAuthorizeUrl?.(url);
  const jar = new Map<string, string>();
  for (let hop = 0; url.origin !== TEST_ORIGIN; hop++) {
    if (hop > 20) throw new Error('too many redirects at the provider');
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(header)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || !location) {
      throw new Error(`provider answered ${response.status} at ${url.pathname}: ${await response.text()}`);
    }
    url = new URL(location, url);
  }

  options.editCallbackUrl?.(url);
  const sentCookie = options.editStateCookie ? options.editStateCookie(stateCookie) : stateCookie;
  options.beforeCallback?.();
  const cookies = [options.appCookies, sentCookie === undefined ? undefined : `${STATE_COOKIE}=${sentCookie}`];
  const cookie = cookies.filter((value) => value !== undefined).join('; ');
  const callback = await t.request('GET', url.pathname + url.search, { headers: cookie ? { cookie } : {} });
  const location = callback.headers.get('location') ?? '';
  return {
    start,
    callback,
    location,
    sessionToken: setCookieValue(callback, SESSION_COOKIE),
    authError: location ? new URL(location).searchParams.get('auth_error') : null,
  };
}

export interface OidcTestContext {
  t: TestContext;
  idp: TestIdentityProvider;
  edge: ReturnType<typeof createProviderEdge>;
  destroy(): Promise<void>;
}

/**
 * An app over a fresh database whose one sign-in provider, `test`, is a real
 * oidc-provider (configured through OIDC_PROVIDERS_FILE, as in production).
 * Insecure (http) requests are allowed through the app's dependencies, never by environment.
 */
export async function createOidcTestContext(
  options: { conformIdTokenClaims?: boolean } = {},
): Promise<OidcTestContext> {
  const idp = await startTestProvider({
    redirectUri: `${TEST_ORIGIN}/api/auth/oidc/test/callback`,
    conformIdTokenClaims: options.conformIdTokenClaims,
  });
  const providers = writeProvidersFile([
    {
      id: 'test',
      name: 'Test ID',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      scopes: ['openid', 'email', 'profile'],
    },
  ]);
  const edge = createProviderEdge();
  const t = await createTestContext(
    { OIDC_PROVIDERS_FILE: providers.file },
    { oidc: { allowInsecureRequests: true, fetch: edge.fetch } },
  );
  return {
    t,
    idp,
    edge,
    async destroy() {
      await t.destroy();
      await idp.close();
      providers.remove();
    },
  };
}

/** Writes an OIDC_PROVIDERS_FILE in a temporary folder. */
export function writeProvidersFile(providers: unknown[]): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'blog-oidc-'));
  const file = join(dir, 'providers.json');
  writeFileSync(file, JSON.stringify(providers));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
