import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature of every signed call between the API and the builder (DESIGN §3), one
 * implementation for both sides: `X-Blog-Timestamp` is unix seconds, `X-Blog-Signature` is
 * `sha256=<hex HMAC-SHA256 of "timestamp.body">` keyed with WEBHOOK_SECRET. A `scope` (a request's
 * `METHOD /path`) is signed too when given — `"timestamp.scope.body"` — so a signed build
 * record cannot be replayed against another path.
 */
export const TIMESTAMP_HEADER = 'X-Blog-Timestamp';
export const SIGNATURE_HEADER = 'X-Blog-Signature';

/** How old a signed request may be, and how far in the future (clock skew). */
export const MAX_AGE_SECONDS = 5 * 60;
export const MAX_FUTURE_SECONDS = 60;

export function signatureOf(secret: string, timestamp: string, body: string, scope?: string): string {
  const signed = scope === undefined ? `${timestamp}.${body}` : `${timestamp}.${scope}.${body}`;
  return `sha256=${createHmac('sha256', secret).update(signed).digest('hex')}`;
}

/** Headers for a signed request carrying `body`, at `now` (JSON content type included). */
export function signedHeaders(secret: string, body: string, now: Date, scope?: string): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000).toString();
  return {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signatureOf(secret, timestamp, body, scope),
  };
}

/** Why a signed request is refused. */
export const SIGNATURE_REFUSALS = ['missing', 'malformed', 'stale', 'future', 'mismatch'] as const;
export type SignatureRefusal = (typeof SIGNATURE_REFUSALS)[number];

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: SignatureRefusal };

/** What to tell the sender of a refused request. */
export const SIGNATURE_MESSAGES: Record<SignatureRefusal, string> = {
  missing: `Sign the request: ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} headers are required.`,
  malformed: `${TIMESTAMP_HEADER} must be unix seconds and ${SIGNATURE_HEADER} sha256=<64 hex digits>.`,
  stale: 'The request timestamp is more than 5 minutes old.',
  future: 'The request timestamp is in the future.',
  mismatch: 'The request signature does not match.',
};

/** Checks a signed request's headers against its raw body (and scope), in constant time. */
export function checkSignature(
  secret: string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  body: string,
  now: Date,
  scope?: string,
): SignatureCheck {
  if (!timestampHeader || !signatureHeader) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestampHeader) || !/^sha256=[0-9a-f]{64}$/.test(signatureHeader)) {
    return { ok: false, reason: 'malformed' };
  }
  const timestamp = Number(timestampHeader);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (timestamp < nowSeconds - MAX_AGE_SECONDS) return { ok: false, reason: 'stale' };
  if (timestamp > nowSeconds + MAX_FUTURE_SECONDS) return { ok: false, reason: 'future' };
  const expected = Buffer.from(signatureOf(secret, timestampHeader, body, scope));
  const given = Buffer.from(signatureHeader);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'mismatch' };
  return { ok: true, timestamp };
}

/**
 * Why a secret is too weak to sign with, or null. A random secret of 32+ characters passes
 * easily (`openssl rand -base64 48` ≈ 280 bits, `-hex 32` ≈ 240); a repeated character, a short
 * alphabet or a word typed twice does not. Both the API and the builder refuse weak secrets in
 * production with it.
 */
export function secretWeakness(secret: string): string | null {
  const chars = [...secret];
  if (chars.length < 32) return `must be at least 32 characters (${chars.length})`;
  const counts = new Map<string, number>();
  for (const char of chars) counts.set(char, (counts.get(char) ?? 0) + 1);
  // Shannon entropy of the characters' own distribution: a generous upper bound for a random
  // secret, and low for anything repetitive.
  let bitsPerChar = 0;
  for (const count of counts.values()) bitsPerChar -= (count / chars.length) * Math.log2(count / chars.length);
  if (counts.size < 12 || bitsPerChar * chars.length < 128) {
    return `too little entropy (${counts.size} distinct characters, about ${Math.floor(bitsPerChar * chars.length)} bits; 128 needed)`;
  }
  return null;
}
