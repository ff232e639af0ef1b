import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.js';
import type { ClientIp } from '../lib/client-ip.js';
import { unauthorized } from '../lib/errors.js';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../lib/openapi.js';
import type { AccountService } from './accounts.js';
import { DEVICE_COOKIE, DEVICE_TTL_SECONDS } from './device.js';
import { requireUser } from './guards.js';
import { presentMe } from './presenter.js';
import {
  AcceptedSchema,
  DeleteAccountSchema,
  ForgotPasswordSchema,
  LoginSchema,
  MeSchema,
  OtpSentSchema,
  ResetPasswordSchema,
  SignupSchema,
  VerifyOtpSchema,
} from './schema.js';
import { clearSessionCookie, type SessionStore, setSessionCookie } from './sessions.js';

const tags = ['Auth'];

const signup = createRoute({
  method: 'post',
  path: '/auth/signup',
  tags,
  summary: 'Create a password account; signs in and mails a verification code',
  request: { body: jsonBody(SignupSchema) },
  responses: {
    201: jsonResponse(z.object({ user: MeSchema, verification: OtpSentSchema }), 'Signed up and signed in'),
    ...errorResponses(400, 409, 413, 415, 422, 429),
  },
});

const login = createRoute({
  method: 'post',
  path: '/auth/login',
  tags,
  summary: 'Sign in with email and password (a new session id every time)',
  request: { body: jsonBody(LoginSchema) },
  responses: {
    200: jsonResponse(z.object({ user: MeSchema }), 'Signed in'),
    ...errorResponses(400, 401, 415, 422, 429),
  },
});

const logout = createRoute({
  method: 'post',
  path: '/auth/logout',
  tags,
  summary: 'End this session',
  responses: { 204: { description: 'Signed out' } },
});

const me = createRoute({
  method: 'get',
  path: '/auth/me',
  tags,
  summary: 'The signed-in account',
  responses: { 200: jsonResponse(z.object({ user: MeSchema }), 'The account'), ...errorResponses(401) },
});

const currentSession = createRoute({
  method: 'get',
  path: '/auth/session',
  tags,
  summary: 'The signed-in account, or null when signed out',
  description:
    "Like GET /auth/me but never 401: the site's islands ask on every page load, and an anonymous reader " +
    'should not cost an error response (browsers log those to the console).',
  responses: {
    200: jsonResponse(z.object({ user: MeSchema.nullable() }), 'The account, or null'),
  },
});

const deleteMe = createRoute({
  method: 'delete',
  path: '/auth/me',
  tags,
  summary: 'Delete the account and its comments (re-authentication required)',
  request: { body: { ...jsonBody(DeleteAccountSchema), required: false } },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 409, 415, 422) },
});

const sendOtp = createRoute({
  method: 'post',
  path: '/auth/otp/send',
  tags,
  summary: 'Mail a new email-verification code (cooldown: 429 with Retry-After)',
  responses: { 202: jsonResponse(OtpSentSchema, 'Queued for sending'), ...errorResponses(401, 403, 409, 429) },
});

const verifyOtp = createRoute({
  method: 'post',
  path: '/auth/otp/verify',
  tags,
  summary: 'Verify the email address with the mailed code (5 attempts per code)',
  request: { body: jsonBody(VerifyOtpSchema) },
  responses: {
    200: jsonResponse(z.object({ user: MeSchema }), 'Verified'),
    ...errorResponses(400, 401, 403, 409, 415, 422, 429),
  },
});

const forgot = createRoute({
  method: 'post',
  path: '/auth/password/forgot',
  tags,
  summary: 'Mail a password-reset code (always 202: no account enumeration)',
  request: { body: jsonBody(ForgotPasswordSchema) },
  responses: { 202: jsonResponse(AcceptedSchema, 'Accepted'), ...errorResponses(400, 415, 422, 429) },
});

const reset = createRoute({
  method: 'post',
  path: '/auth/password/reset',
  tags,
  summary: 'Set a new password with the mailed code; ends every session',
  request: { body: jsonBody(ResetPasswordSchema) },
  responses: { 204: { description: 'Password changed' }, ...errorResponses(400, 415, 422, 429) },
});

export interface AuthRouteDeps {
  accounts: AccountService;
  sessions: SessionStore;
  secureCookies: boolean;
  clientIp: ClientIp;
}

/** Password accounts, sessions and email verification, mounted at /api. */
export function authRoutes({ accounts, sessions, secureCookies, clientIp }: AuthRouteDeps) {
  const meta = (c: Context<AppEnv>) => ({ ip: clientIp(c), userAgent: c.req.header('user-agent') ?? '' });
  return createRouter()
    .openapi(signup, async (c) => {
      const { user, token, session, sent } = await accounts.signup(c.req.valid('json'), meta(c));
      setSessionCookie(c, token, secureCookies, session.expiresAt);
      return c.json({ user: presentMe(user), verification: { sentTo: user.email, ...sent } }, 201);
    })
    .openapi(login, async (c) => {
      const { user, token, session, device } = await accounts.login(
        c.req.valid('json'),
        { ...meta(c), deviceToken: getCookie(c, DEVICE_COOKIE) },
        c.get('session'),
      );
      setSessionCookie(c, token, secureCookies, session.expiresAt);
      setCookie(c, DEVICE_COOKIE, device, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: secureCookies,
        path: '/api/auth',
        maxAge: DEVICE_TTL_SECONDS,
      });
      return c.json({ user: presentMe(user) }, 200);
    })
    .openapi(logout, async (c) => {
      const session = c.get('session');
      if (session) await sessions.revoke(session.id);
      clearSessionCookie(c, secureCookies);
      return c.body(null, 204);
    })
    .openapi(me, async (c) => {
      const user = c.get('user');
      if (!user) throw unauthorized();
      return c.json({ user: presentMe(user) }, 200);
    })
    .openapi(currentSession, (c) => {
      const user = c.get('user');
      c.header('Cache-Control', 'private, no-store');
      return c.json({ user: user ? presentMe(user) : null }, 200);
    })
    .openapi(deleteMe, async (c) => {
      const user = requireUser(c);
      const session = c.get('session');
      if (!session) throw unauthorized();
      const body = c.req.header('content-type') ? c.req.valid('json') : {};
      await accounts.deleteAccount(user, session, body.password);
      clearSessionCookie(c, secureCookies);
      return c.body(null, 204);
    })
    .openapi(sendOtp, async (c) => {
      const user = requireUser(c);
      return c.json(await accounts.sendVerification(user), 202);
    })
    .openapi(verifyOtp, async (c) => {
      const user = requireUser(c);
      const verified = await accounts.verifyEmail(user, c.req.valid('json').code, clientIp(c));
      return c.json({ user: presentMe(verified) }, 200);
    })
    .openapi(forgot, async (c) => {
      await accounts.forgotPassword(c.req.valid('json').email, clientIp(c));
      return c.json(
        { status: 'accepted' as const, message: 'If an account uses this address, a reset code is on its way.' },
        202,
      );
    })
    .openapi(reset, async (c) => {
      await accounts.resetPassword(c.req.valid('json'), clientIp(c));
      return c.body(null, 204);
    });
}
