import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.js';
import type { ClientIp } from '../lib/client-ip.js';
import { notFound, unauthorized } from '../lib/errors.js';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../lib/openapi.js';
import type { AccountService } from './accounts.js';
import { DEVICE_COOKIE, DEVICE_TTL_SECONDS } from './device.js';
import { requireUser } from './guards.js';
import { presentMe, presentSession } from './presenter.js';
import {
  AcceptedSchema,
  AccountExportSchema,
  ChangeEmailSchema,
  ChangePasswordSchema,
  ConfirmEmailSchema,
  DeleteAccountSchema,
  EmailChangeSentSchema,
  ForgotPasswordSchema,
  LoginResponseSchema,
  LoginSchema,
  MeSchema,
  OtpSentSchema,
  ResetPasswordSchema,
  RevokedSchema,
  SessionIdSchema,
  SessionListSchema,
  SignupSchema,
  UpdateMeSchema,
  VerifyOtpSchema,
} from './schema.js';
import { clearSessionCookie, publicSessionId, type SessionStore, setSessionCookie } from './sessions.js';

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
  description:
    'For an account whose email is not verified yet, `verification` says whether a new code was mailed now ' +
    '(`sent: true`) or not (`sent: false`: a code went out within the last minute, or the account asked for too ' +
    'many), and when the next may be asked for.',
  request: { body: jsonBody(LoginSchema) },
  responses: {
    200: jsonResponse(LoginResponseSchema, 'Signed in'),
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
  description:
    'Deletes the account at once and for good: its sessions, linked sign-in providers, likes and every comment ' +
    'it wrote, together with the replies other people wrote to those comments; post pages are rendered again ' +
    'without them. An author who still owns posts gets 409 `author_has_posts` until they are reassigned or ' +
    'deleted. Needs the password, or for accounts without one a sign-in within the last 10 minutes.',
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

const SessionIdParam = z.object({
  id: SessionIdSchema.meta({ param: { name: 'id', in: 'path' } }),
});

const changePassword = createRoute({
  method: 'post',
  path: '/auth/password/change',
  tags,
  summary: 'Change the password (the current one required); ends every other session',
  description:
    'Same policy as sign-up. Accounts without a password (signed up with a provider) set one with a sign-in ' +
    'within the last 10 minutes instead. This session stays signed in; `revoked` is how many others ended.',
  request: { body: jsonBody(ChangePasswordSchema) },
  responses: {
    200: jsonResponse(RevokedSchema, 'Changed'),
    ...errorResponses(400, 401, 403, 415, 422, 429),
  },
});

const updateMe = createRoute({
  method: 'patch',
  path: '/auth/me',
  tags,
  summary: 'Change the display name (shown with your comments)',
  request: { body: jsonBody(UpdateMeSchema) },
  responses: {
    200: jsonResponse(z.object({ user: MeSchema }), 'Changed'),
    ...errorResponses(400, 401, 403, 415, 422, 429),
  },
});

const changeEmail = createRoute({
  method: 'post',
  path: '/auth/email/change',
  tags,
  summary: 'Start an email change: mails a code to the new address',
  description:
    'The address changes only when the code mailed to the new address is confirmed (POST /auth/email/confirm). ' +
    'Needs the password (accounts without one: a sign-in within the last 10 minutes). 409 `email_taken` when ' +
    'another account uses the address. 429 `otp_cooldown` within a minute of the last code.',
  request: { body: jsonBody(ChangeEmailSchema) },
  responses: {
    202: jsonResponse(EmailChangeSentSchema, 'Code queued for sending to the new address'),
    ...errorResponses(400, 401, 403, 409, 415, 422, 429),
  },
});

const confirmEmail = createRoute({
  method: 'post',
  path: '/auth/email/confirm',
  tags,
  summary: 'Confirm an email change with the code mailed to the new address',
  description:
    'Applies the change (the new address counts as verified) and mails a notice to the old one. 422 ' +
    '`otp_invalid` with `details[].attemptsLeft`; `otp_exhausted` or `otp_expired`: send a new code. 409 ' +
    '`email_taken` when another account took the address meanwhile.',
  request: { body: jsonBody(ConfirmEmailSchema) },
  responses: {
    200: jsonResponse(z.object({ user: MeSchema }), 'Email changed'),
    ...errorResponses(400, 401, 403, 409, 415, 422, 429),
  },
});

const listSessions = createRoute({
  method: 'get',
  path: '/auth/sessions',
  tags,
  summary: 'Where this account is signed in',
  responses: {
    200: jsonResponse(SessionListSchema, 'The live sessions, most recently used first'),
    ...errorResponses(401, 403),
  },
});

const revokeOthers = createRoute({
  method: 'delete',
  path: '/auth/sessions/others',
  tags,
  summary: 'Sign out everywhere else (every session but this one)',
  responses: { 200: jsonResponse(RevokedSchema, 'Signed out elsewhere'), ...errorResponses(401, 403) },
});

const revokeOne = createRoute({
  method: 'delete',
  path: '/auth/sessions/{id}',
  tags,
  summary: 'Sign out one session of this account (404 for any other id)',
  request: { params: SessionIdParam },
  responses: { 204: { description: 'Signed out' }, ...errorResponses(400, 401, 403, 404) },
});

const exportMe = createRoute({
  method: 'get',
  path: '/auth/me/export',
  tags,
  summary: 'Download my data: profile, own comments, subscriptions (a JSON attachment)',
  responses: { 200: jsonResponse(AccountExportSchema, 'The account’s data'), ...errorResponses(401, 403) },
});

export interface AuthRouteDeps {
  accounts: AccountService;
  sessions: SessionStore;
  secureCookies: boolean;
  clientIp: ClientIp;
}

/** The signed-in user and this request's session, or 401/403. */
function signedIn(c: Context<AppEnv>) {
  const user = requireUser(c);
  const session = c.get('session');
  if (!session) throw unauthorized();
  return { user, session };
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
      const result = await accounts.login(
        c.req.valid('json'),
        { ...meta(c), deviceToken: getCookie(c, DEVICE_COOKIE) },
        c.get('session'),
      );
      const { user, token, session, device } = result;
      setSessionCookie(c, token, secureCookies, session.expiresAt);
      const { verification } = result;
      setCookie(c, DEVICE_COOKIE, device, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: secureCookies,
        path: '/api/auth',
        maxAge: DEVICE_TTL_SECONDS,
      });
      return c.json({ user: presentMe(user), ...(verification ? { verification } : {}) }, 200);
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
    })
    .openapi(changePassword, async (c) => {
      const { user, session } = signedIn(c);
      return c.json({ revoked: await accounts.changePassword(user, session, c.req.valid('json')) }, 200);
    })
    .openapi(updateMe, async (c) => {
      const user = requireUser(c);
      return c.json({ user: presentMe(await accounts.rename(user, c.req.valid('json').name)) }, 200);
    })
    .openapi(changeEmail, async (c) => {
      const { user, session } = signedIn(c);
      return c.json(await accounts.requestEmailChange(user, session, c.req.valid('json'), clientIp(c)), 202);
    })
    .openapi(confirmEmail, async (c) => {
      const user = requireUser(c);
      const changed = await accounts.confirmEmailChange(user, c.req.valid('json').code, clientIp(c));
      return c.json({ user: presentMe(changed) }, 200);
    })
    .openapi(listSessions, async (c) => {
      const { user, session } = signedIn(c);
      c.header('Cache-Control', 'private, no-store');
      const list = await sessions.list(user.id);
      return c.json({ sessions: list.map((s) => presentSession(s, session.id)) }, 200);
    })
    .openapi(revokeOthers, async (c) => {
      const { user, session } = signedIn(c);
      return c.json({ revoked: await sessions.revokeAll(user.id, session.id) }, 200);
    })
    .openapi(revokeOne, async (c) => {
      const { user, session } = signedIn(c);
      const { id } = c.req.valid('param');
      if (!(await sessions.revokeByPublicId(user.id, id))) throw notFound('Session');
      // Signing out this very session from the list is a sign-out.
      if (id === publicSessionId(session.id)) clearSessionCookie(c, secureCookies);
      return c.body(null, 204);
    })
    .openapi(exportMe, async (c) => {
      const user = requireUser(c);
      const data = await accounts.exportData(user);
      c.header('Cache-Control', 'private, no-store');
      c.header('Content-Disposition', `attachment; filename="account-${user.id}-${data.exportedAt.slice(0, 10)}.json"`);
      return c.json(data, 200);
    });
}
