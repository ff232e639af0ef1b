import { createHmac, timingSafeEqual } from 'node:crypto';
import { sitePath } from '@blog/contract/paths';
import { z } from 'zod';

/** The cookie that carries one sign-in attempt from /start to /callback. */
export const STATE_COOKIE = 'blog_oidc';
/** Only the OIDC routes ever see it. */
export const STATE_COOKIE_PATH = '/api/auth/oidc';
/** How long a sign-in attempt may take at the provider. */
export const STATE_TTL_MS = 10 * 60 * 1000;

const LoginStateSchema = z.strictObject({
  provider: z.string().min(1).max(40),
  state: z.string().min(16).max(200),
  nonce: z.string().min(16).max(200),
  codeVerifier: z.string().min(43).max(128),
  returnTo: z.string().min(1).max(2048),
  /** Milliseconds since the epoch. */
  expiresAt: z.number().int().positive(),
});

/** What /start remembers for /callback: the PKCE verifier, state, nonce and where to go afterwards. */
export type LoginState = z.infer<typeof LoginStateSchema>;

// Domain separation: the session secret may sign other things one day.
const mac = (secret: string, payload: string): Buffer =>
  createHmac('sha256', secret).update(`oidc-state.v1.${payload}`).digest();

/** Encodes and HMAC-SHA256-signs a login state for the cookie. */
export function signLoginState(state: LoginState, secret: string): string {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/**
 * The login state of a cookie value, or null when it is missing, malformed,
 * not signed with `secret` (compared in constant time) or expired at `now`.
 */
export function verifyLoginState(value: string | undefined, secret: string, now: Date): LoginState | null {
  if (!value || value.length > 4096) return null;
  const [payload, signature, ...rest] = value.split('.');
  if (!payload || !signature || rest.length > 0) return null;
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = LoginStateSchema.safeParse(decoded);
  if (!parsed.success || parsed.data.expiresAt <= now.getTime()) return null;
  return parsed.data;
}

/** Equal strings, compared in constant time (the state parameter against the cookie's). */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Where to send the browser after signing in: `returnTo` when it is a path or
 * URL on `publicUrl`'s origin (as an absolute URL), otherwise the site's home.
 * Protocol-relative (`//evil.example`), backslash and control-character tricks
 * fall back to home.
 */
export function safeReturnTo(returnTo: string | undefined, publicUrl: string): string {
  const home = `${publicUrl}/`;
  if (!returnTo || returnTo.length > 2048) return home;
  // Browsers read `\` as `/` and drop tabs and newlines, so `/\evil.example` would leave the site.
  if (/[\\\p{Cc}]/u.test(returnTo)) return home;
  const isPath = returnTo.startsWith('/') && !returnTo.startsWith('//');
  const isUrl = /^https?:\/\//i.test(returnTo);
  if (!isPath && !isUrl) return home;
  let target: URL;
  try {
    target = new URL(returnTo, home);
  } catch {
    return home;
  }
  if (target.origin !== new URL(publicUrl).origin || target.username || target.password) return home;
  // `<PUBLIC_URL>//evil.example` is on the site, but its path would be read off-site wherever it
  // becomes a Location again.
  target.pathname = sitePath(target.pathname);
  return target.href;
}
