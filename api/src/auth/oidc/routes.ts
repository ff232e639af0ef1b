import { createRoute } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ClientIp } from '../../lib/client-ip.js';
import { createRouter, errorResponses, jsonResponse } from '../../lib/openapi.js';
import { setSessionCookie } from '../sessions.js';
import { CallbackQuerySchema, ProviderListSchema, ProviderParam, StartQuerySchema } from './schema.js';
import type { OidcService } from './service.js';
import { STATE_COOKIE, STATE_COOKIE_PATH, STATE_TTL_MS } from './state.js';

const tags = ['Auth'];

const redirectResponse = (description: string) => ({
  description,
  headers: { Location: { description: 'Where the browser goes next', schema: { type: 'string' as const } } },
});

const listProviders = createRoute({
  method: 'get',
  path: '/auth/providers',
  tags,
  summary: 'The configured sign-in providers (OpenID Connect)',
  security: [],
  responses: { 200: jsonResponse(ProviderListSchema, 'Providers, in configuration order') },
});

const startLogin = createRoute({
  method: 'get',
  path: '/auth/oidc/{provider}/start',
  tags,
  summary: 'Begin signing in with a provider',
  description:
    'Redirects to the provider with PKCE, state and nonce, which a short-lived signed cookie keeps for the callback. ' +
    'When the provider cannot be reached, redirects to the home page with `?auth_error=provider_unavailable`.',
  security: [],
  request: { params: ProviderParam, query: StartQuerySchema },
  responses: { 302: redirectResponse("To the provider's sign-in page"), ...errorResponses(400, 404) },
});

const finishLogin = createRoute({
  method: 'get',
  path: '/auth/oidc/{provider}/callback',
  tags,
  summary: 'Where the provider sends the browser back',
  description:
    'Exchanges the code, verifies the ID token, signs in (finding, linking or creating the account) and redirects to ' +
    '`returnTo`. Any failure redirects to the home page with `?auth_error=<code>`: `invalid_state`, `access_denied`, ' +
    '`provider_error`, `provider_unavailable`, `invalid_token`, `banned`, `email_unverified_conflict`, ' +
    '`unknown_provider` or `login_failed`.',
  security: [],
  request: { params: ProviderParam, query: CallbackQuerySchema },
  responses: { 302: redirectResponse('To returnTo when signed in, else to the home page with auth_error') },
});

/** Sign-in with OpenID Connect providers, mounted at /api. */
export function oidcRoutes(
  oidc: OidcService,
  options: { publicUrl: string; secureCookies: boolean; clientIp: ClientIp },
) {
  const { publicUrl, secureCookies } = options;
  const stateCookieOptions = {
    path: STATE_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Lax',
    secure: secureCookies,
  } as const;
  const errorLocation = (code: string) => `${publicUrl}/?auth_error=${encodeURIComponent(code)}`;

  return createRouter()
    .openapi(listProviders, (c) => c.json({ providers: oidc.list() }, 200))
    .openapi(startLogin, async (c) => {
      const result = await oidc.start(c.req.valid('param').provider, c.req.valid('query').returnTo);
      c.header('Cache-Control', 'no-store');
      if (!result.ok) return c.redirect(errorLocation(result.code), 302);
      setCookie(c, STATE_COOKIE, result.stateCookie, { ...stateCookieOptions, maxAge: STATE_TTL_MS / 1000 });
      return c.redirect(result.redirectTo, 302);
    })
    .openapi(finishLogin, async (c) => {
      const stateCookie = getCookie(c, STATE_COOKIE);
      // One use only, whatever happens next.
      deleteCookie(c, STATE_COOKIE, stateCookieOptions);
      c.header('Cache-Control', 'no-store');
      const result = await oidc.callback({
        providerId: c.req.valid('param').provider,
        search: new URL(c.req.url).search,
        stateCookie,
        meta: { userAgent: c.req.header('user-agent'), ip: options.clientIp(c) },
        previousSessionId: c.get('session')?.id,
      });
      if (!result.ok) return c.redirect(errorLocation(result.code), 302);
      setSessionCookie(c, result.token, secureCookies, result.expiresAt);
      return c.redirect(result.redirectTo, 302);
    });
}
