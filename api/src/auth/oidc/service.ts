import { createHash } from 'node:crypto';
import type { FetchImplementation, JWTVerifyGetKey } from 'jose';
import type * as OpenIdClient from 'openid-client';
import { type Transaction, UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import type { Config, OidcProviderConfig } from '../../config.js';
import type { Database } from '../../db/index.js';
import type { User } from '../../db/models/index.js';
import type { ModerationService } from '../../features/moderation/service.js';
import type { Clock } from '../../lib/clock.js';
import { normalizeDisplayName, refuseStaffLookalike } from '../../lib/display-name.js';
import { notFound } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { SessionMeta, SessionStore } from '../sessions.js';
import { type IdentityClaims, IdentityClaimsSchema, type ProviderSummary } from './schema.js';
import { STATE_TTL_MS, safeReturnTo, sameSecret, signLoginState, verifyLoginState } from './state.js';

/**
 * A fetch for requests to identity providers (discovery, token, keys, UserInfo). Its options are
 * what openid-client and jose pass, not the global RequestInit, so the type means the same under
 * Node's and the DOM's fetch types (the admin app and the site type-check this file with lib DOM).
 */
export type OidcFetch = (
  url: string,
  init: OpenIdClient.CustomFetchOptions | Parameters<FetchImplementation>[1],
) => Promise<Response>;

/** How the app talks to identity providers; the defaults are the production ones. */
export interface OidcOptions {
  /**
   * Lets plain-http issuers through (openid-client refuses them by default).
   * Only tests, whose in-process provider has no TLS, pass this.
   */
  allowInsecureRequests?: boolean;
  /** Replaces fetch for every request to a provider (tests intercept responses at this edge). */
  fetch?: OidcFetch;
  /** Seconds before a request to a provider gives up. */
  timeoutSeconds?: number;
}

/** Why a sign-in was refused; the code travels to the site as `?auth_error=`. */
export type OidcErrorCode =
  | 'unknown_provider'
  | 'provider_unavailable'
  | 'invalid_state'
  | 'access_denied'
  | 'provider_error'
  | 'invalid_token'
  | 'banned'
  | 'email_unverified_conflict'
  | 'login_failed';

/** A refused sign-in, with the reason for the log. */
export class OidcLoginError extends Error {
  constructor(
    readonly code: OidcErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OidcLoginError';
  }
}

export type StartResult = { ok: true; redirectTo: string; stateCookie: string } | { ok: false; code: OidcErrorCode };

export type CallbackResult =
  | { ok: true; redirectTo: string; token: string; expiresAt: Date; userId: number }
  | { ok: false; code: OidcErrorCode };

export interface CallbackInput {
  providerId: string;
  /** The callback request's query string, `?code=…&state=…` as the provider sent it. */
  search: string;
  stateCookie: string | undefined;
  meta: SessionMeta;
  /** The session the browser already had, if any: replaced, so no session id survives a sign-in. */
  previousSessionId: string | undefined;
}

interface ProviderClient {
  configuration: OpenIdClient.Configuration;
  /** The OpenID Connect libraries, loaded with the first provider (a blog without one never loads them). */
  lib: Libraries;
  issuer: string;
  keys: JWTVerifyGetKey;
}

export interface OidcServiceDeps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  sessions: SessionStore;
  options?: OidcOptions;
  /** Admins' bans by address and email domain refuse a new account. */
  bans?: Pick<ModerationService, 'assertNotBanned'>;
}

export type OidcService = ReturnType<typeof createOidcService>;

const EmailSchema = z.email().max(254);

/** The provider's email, lower-cased, or null when absent or not an address. */
function normaliseEmail(value: string | undefined): string | null {
  if (value === undefined) return null;
  const parsed = EmailSchema.safeParse(value.trim().toLowerCase());
  return parsed.success ? parsed.data : null;
}

/** A unique placeholder address for an account whose provider shares no email; `.invalid` never receives mail. */
function placeholderEmail(providerId: string, subject: string): string {
  const local = /^[a-z0-9._-]{1,64}$/.test(subject)
    ? subject
    : createHash('sha256').update(subject).digest('hex').slice(0, 40);
  return `${providerId}-${local}@users.invalid`;
}

/** A display name from the claims, else the email's local part, else "<Provider> user". */
function displayName(claims: IdentityClaims, email: string | null, provider: OidcProviderConfig): string {
  const candidates = [claims.name, claims.nickname, claims.preferred_username, email?.split('@')[0]];
  for (const candidate of candidates) {
    const cleaned = candidate ? normalizeDisplayName(candidate).slice(0, 80).trim() : '';
    if (cleaned) return cleaned;
  }
  return `${provider.name} user`.slice(0, 80);
}

type Libraries = { client: typeof OpenIdClient; jose: typeof import('jose') };
let libraries: Promise<Libraries> | null = null;
/** openid-client and jose, imported once, on the first sign-in with a provider. */
const loadLibraries = () => {
  libraries ??= Promise.all([import('openid-client'), import('jose')]).then(([client, jose]) => ({ client, jose }));
  return libraries;
};

/** Sorts a failure of the code exchange or token checks into a code for the site. */
function exchangeFailure(error: unknown, client: typeof OpenIdClient): OidcLoginError {
  if (error instanceof OidcLoginError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof client.AuthorizationResponseError) {
    return new OidcLoginError(error.error === 'access_denied' ? 'access_denied' : 'provider_error', message, {
      cause: error,
    });
  }
  if (error instanceof client.ResponseBodyError) {
    return new OidcLoginError('provider_error', `token endpoint: ${error.error}: ${message}`, { cause: error });
  }
  // fetch rejects with a TypeError when the provider cannot be reached (openid-client may wrap it).
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (cause instanceof TypeError || cause.name === 'TimeoutError' || cause.name === 'AbortError') {
      return new OidcLoginError('provider_unavailable', message, { cause: error });
    }
  }
  return new OidcLoginError('invalid_token', message, { cause: error });
}

/**
 * Sign-in through OpenID Connect providers (authorization code flow with PKCE,
 * state and nonce): builds the authorization redirect, completes the callback,
 * and finds, links or creates the account. Provider metadata and keys are
 * discovered once per app instance.
 */
export function createOidcService(deps: OidcServiceDeps) {
  const { config, db, clock, logger, sessions, bans } = deps;
  const options = deps.options ?? {};
  const timeout = options.timeoutSeconds ?? 10;
  const providers = new Map(config.oidcProviders.map((provider) => [provider.id, provider]));
  const clients = new Map<string, Promise<ProviderClient>>();

  async function discover(provider: OidcProviderConfig): Promise<ProviderClient> {
    const lib = await loadLibraries();
    const { client } = lib;
    const discoveryOptions: OpenIdClient.DiscoveryRequestOptions = {
      timeout,
      execute: options.allowInsecureRequests ? [client.allowInsecureRequests] : [],
    };
    if (options.fetch) discoveryOptions[client.customFetch] = options.fetch;
    const configuration = await client.discovery(
      new URL(provider.issuer),
      provider.clientId,
      provider.clientSecret,
      undefined,
      discoveryOptions,
    );
    const metadata = configuration.serverMetadata();
    if (!metadata.jwks_uri) throw new Error(`${provider.issuer} publishes no jwks_uri`);
    const jwksUrl = new URL(metadata.jwks_uri);
    if (jwksUrl.protocol !== 'https:' && !options.allowInsecureRequests) {
      throw new Error(`${provider.issuer} publishes its keys over ${jwksUrl.protocol}`);
    }
    const keys = lib.jose.createRemoteJWKSet(jwksUrl, {
      timeoutDuration: timeout * 1000,
      ...(options.fetch ? { [lib.jose.customFetch]: options.fetch } : {}),
    });
    return { configuration, issuer: metadata.issuer, keys, lib };
  }

  /** The provider's client, discovered on first use; a failed discovery is retried on the next sign-in. */
  function clientFor(provider: OidcProviderConfig): Promise<ProviderClient> {
    let pending = clients.get(provider.id);
    if (!pending) {
      pending = discover(provider);
      clients.set(provider.id, pending);
      pending.catch(() => clients.delete(provider.id));
    }
    return pending;
  }

  /**
   * Verifies the ID token ourselves: signature against the provider's published
   * keys (jwks_uri), issuer, audience, expiry and nonce.
   *
   * openid-client 6 checks the ID token's claims on the code flow but not its
   * JWS signature: OpenID Connect Core §3.1.3.7 lets a client rely on the TLS
   * connection to the token endpoint instead, and openid-client only verifies
   * signatures when `enableNonRepudiationChecks` is turned on. We verify it
   * anyway, and read claims only from the verified payload, so that a token
   * altered or substituted on the way (a proxy, a misrouted or downgraded
   * connection, a provider misconfiguration) can never sign anyone in.
   */
  async function verifyIdToken(
    provider: OidcProviderConfig,
    providerClient: ProviderClient,
    idToken: string,
    nonce: string,
  ): Promise<IdentityClaims> {
    const { payload } = await providerClient.lib.jose.jwtVerify(idToken, providerClient.keys, {
      issuer: providerClient.issuer,
      audience: provider.clientId,
      requiredClaims: ['sub', 'iat', 'exp'],
      currentDate: clock(),
      clockTolerance: 30,
    });
    if (typeof payload.nonce !== 'string' || !sameSecret(payload.nonce, nonce)) {
      throw new OidcLoginError('invalid_token', 'ID token nonce does not match the one sent');
    }
    // With several audiences, the authorized party must be us (OIDC Core §3.1.3.7 points 4 and 5).
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== provider.clientId) {
      throw new OidcLoginError('invalid_token', 'ID token has several audiences and another authorized party');
    }
    const claims = IdentityClaimsSchema.safeParse(payload);
    if (!claims.success) throw new OidcLoginError('invalid_token', 'ID token has no usable subject');
    return claims.data;
  }

  /**
   * Providers that leave `email_verified` out of the ID token (Kakao among
   * them) state it at the UserInfo endpoint; openid-client checks that the
   * response is about the ID token's subject.
   */
  async function withUserInfo(
    provider: OidcProviderConfig,
    providerClient: ProviderClient,
    claims: IdentityClaims,
    accessToken: string | undefined,
  ): Promise<IdentityClaims> {
    if (claims.email_verified !== undefined || !accessToken) return claims;
    if (!providerClient.configuration.serverMetadata().userinfo_endpoint) return claims;
    try {
      const info = IdentityClaimsSchema.safeParse(
        await providerClient.lib.client.fetchUserInfo(providerClient.configuration, accessToken, claims.sub),
      );
      if (!info.success) return claims;
      const merged: IdentityClaims = {
        ...claims,
        name: claims.name ?? info.data.name,
        nickname: claims.nickname ?? info.data.nickname,
        preferred_username: claims.preferred_username ?? info.data.preferred_username,
      };
      // The address and its verification are taken together, from the same response.
      if (info.data.email !== undefined) {
        merged.email = info.data.email;
        merged.email_verified = info.data.email_verified;
      }
      return merged;
    } catch (error) {
      logger.warn({ provider: provider.id, err: error }, 'oidc userinfo request failed; using the ID token alone');
      return claims;
    }
  }

  /** The account of a verified identity: found through Identity, linked by verified email, or created. */
  async function findOrCreateUser(
    provider: OidcProviderConfig,
    claims: IdentityClaims,
    transaction: Transaction,
    ip: string,
  ): Promise<User> {
    const { User, Identity, Session } = db.models;
    const now = clock();
    const email = normaliseEmail(claims.email);
    const emailVerified = email !== null && claims.email_verified === true;

    const identity = await Identity.findOne({ where: { provider: provider.id, subject: claims.sub }, transaction });
    if (identity) {
      const user = await User.findByPk(identity.userId, { transaction });
      if (!user) throw new OidcLoginError('login_failed', 'identity without a user');
      if (user.bannedAt) throw new OidcLoginError('banned', `user ${user.id} is banned`);
      if (emailVerified && user.email === email && !user.emailVerifiedAt) {
        await user.update({ emailVerifiedAt: now }, { transaction });
      }
      return user;
    }

    if (email) {
      const existing = await User.findOne({ where: { email }, transaction });
      if (existing) {
        if (!emailVerified) {
          throw new OidcLoginError(
            'email_unverified_conflict',
            `user ${existing.id} has this email and the provider did not verify it`,
          );
        }
        if (existing.bannedAt) throw new OidcLoginError('banned', `user ${existing.id} is banned`);
        if (!existing.emailVerifiedAt) {
          // Nobody had proved owning this address until now: whoever registered it
          // first (perhaps to wait for its owner) loses their password, other
          // identities and sessions, so the account is the provider-verified owner's alone.
          await Session.destroy({ where: { userId: existing.id }, transaction });
          await Identity.destroy({ where: { userId: existing.id }, transaction });
          await existing.update({ passwordHash: null, emailVerifiedAt: now }, { transaction });
        }
        await Identity.create({ userId: existing.id, provider: provider.id, subject: claims.sub }, { transaction });
        logger.info({ provider: provider.id, userId: existing.id }, 'oidc identity linked by verified email');
        return existing;
      }
    }

    // A provider's name that reads like a staff member's gets the provider added, so it no longer does.
    let name = displayName(claims, email, provider);
    try {
      await refuseStaffLookalike(db, name, null, transaction);
    } catch {
      name = `${name.slice(0, 60)} (${provider.name})`.slice(0, 80);
    }
    if (bans) {
      try {
        await bans.assertNotBanned({ ...(ip ? { ip } : {}), ...(email ? { email } : {}) }, { transaction });
      } catch (error) {
        throw new OidcLoginError('banned', 'a new account refused by a ban', { cause: error });
      }
    }
    const user = await User.create(
      {
        email: email ?? placeholderEmail(provider.id, claims.sub),
        name,
        passwordHash: null,
        role: 'user',
        emailVerifiedAt: emailVerified ? now : null,
      },
      { transaction },
    );
    await Identity.create({ userId: user.id, provider: provider.id, subject: claims.sub }, { transaction });
    logger.info({ provider: provider.id, userId: user.id }, 'oidc account created');
    return user;
  }

  /** Finds or creates the account and opens its session, in one transaction (retried once if a concurrent first sign-in won). */
  async function signIn(provider: OidcProviderConfig, claims: IdentityClaims, input: CallbackInput) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction(async (transaction) => {
          const user = await findOrCreateUser(provider, claims, transaction, input.meta.ip ?? '');
          if (input.previousSessionId) await sessions.revoke(input.previousSessionId, transaction);
          const { token, session } = await sessions.create(user.id, input.meta, transaction);
          return { user, token, expiresAt: session.expiresAt };
        });
      } catch (error) {
        if (attempt >= 2 || !(error instanceof UniqueConstraintError)) throw error;
      }
    }
  }

  async function completeCallback(input: CallbackInput) {
    const provider = providers.get(input.providerId);
    if (!provider) throw new OidcLoginError('unknown_provider', `no provider ${input.providerId}`);

    const saved = verifyLoginState(input.stateCookie, config.sessionSecret, clock());
    if (!saved) throw new OidcLoginError('invalid_state', 'state cookie missing, forged or expired');
    if (saved.provider !== provider.id) {
      throw new OidcLoginError('invalid_state', `state cookie is for ${saved.provider}`);
    }
    const params = new URLSearchParams(input.search);
    const state = params.get('state');
    if (state === null || params.getAll('state').length !== 1 || !sameSecret(state, saved.state)) {
      throw new OidcLoginError('invalid_state', 'state parameter does not match the cookie');
    }
    const providerError = params.get('error');
    if (providerError !== null) {
      throw new OidcLoginError(
        providerError === 'access_denied' ? 'access_denied' : 'provider_error',
        `provider answered ${providerError}: ${params.get('error_description') ?? ''}`,
      );
    }

    let providerClient: ProviderClient;
    try {
      providerClient = await clientFor(provider);
    } catch (error) {
      throw new OidcLoginError('provider_unavailable', 'discovery failed', { cause: error });
    }

    let claims: IdentityClaims;
    try {
      // The URL the provider redirected to, rebuilt on our public origin: openid-client
      // sends its origin and path as the redirect_uri of the code exchange.
      const callbackUrl = new URL(provider.redirectUri);
      callbackUrl.search = params.toString();
      const tokens = await providerClient.lib.client.authorizationCodeGrant(providerClient.configuration, callbackUrl, {
        pkceCodeVerifier: saved.codeVerifier,
        expectedState: saved.state,
        expectedNonce: saved.nonce,
        idTokenExpected: true,
      });
      if (!tokens.id_token) throw new OidcLoginError('invalid_token', 'no ID token in the token response');
      claims = await verifyIdToken(provider, providerClient, tokens.id_token, saved.nonce);
      claims = await withUserInfo(provider, providerClient, claims, tokens.access_token);
    } catch (error) {
      throw exchangeFailure(error, providerClient.lib.client);
    }

    const { user, token, expiresAt } = await signIn(provider, claims, input);
    return { redirectTo: saved.returnTo, token, expiresAt, userId: user.id };
  }

  return {
    /** The configured providers, for the sign-in buttons. */
    list(): ProviderSummary[] {
      return [...providers.values()].map((provider) => ({
        id: provider.id,
        name: provider.name,
        startUrl: `${config.publicUrl}/api/auth/oidc/${provider.id}/start`,
      }));
    },

    /** Where to send the browser to sign in with `providerId` (404 for an unknown provider), and the signed state cookie. */
    async start(providerId: string, returnTo: string | undefined): Promise<StartResult> {
      const provider = providers.get(providerId);
      if (!provider) throw notFound('Sign-in provider');
      let providerClient: ProviderClient;
      try {
        providerClient = await clientFor(provider);
      } catch (error) {
        logger.warn({ provider: provider.id, err: error }, 'oidc discovery failed');
        return { ok: false, code: 'provider_unavailable' };
      }
      const { client } = providerClient.lib;
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(providerClient.configuration, {
        redirect_uri: provider.redirectUri,
        scope: provider.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const stateCookie = signLoginState(
        {
          provider: provider.id,
          state,
          nonce,
          codeVerifier,
          returnTo: safeReturnTo(returnTo, config.publicUrl),
          expiresAt: clock().getTime() + STATE_TTL_MS,
        },
        config.sessionSecret,
      );
      return { ok: true, redirectTo: url.href, stateCookie };
    },

    /** Completes a callback: never throws; a refusal carries a code and is logged with its reason. */
    async callback(input: CallbackInput): Promise<CallbackResult> {
      try {
        return { ok: true, ...(await completeCallback(input)) };
      } catch (error) {
        if (error instanceof OidcLoginError && error.code !== 'login_failed') {
          logger.warn(
            { provider: input.providerId, code: error.code, reason: error.message, err: error.cause },
            'oidc sign-in refused',
          );
          return { ok: false, code: error.code };
        }
        logger.error({ provider: input.providerId, err: error }, 'oidc sign-in failed');
        return { ok: false, code: 'login_failed' };
      }
    },
  };
}
