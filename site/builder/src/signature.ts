import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature scheme of DESIGN §3 (the builder's own copy of the API's
 * api/src/features/publishing/signature.ts, so neither package imports the
 * other; test/builder/signature.test.ts checks the two agree): `X-Blog-Timestamp` is unix seconds, `X-Blog-Signature` is
 * `sha256=<hex HMAC-SHA256 of "timestamp.body">` keyed with WEBHOOK_SECRET.
 */
export const TIMESTAMP_HEADER = 'X-Blog-Timestamp';
export const SIGNATURE_HEADER = 'X-Blog-Signature';

/** How old a signed request may be, and how far in the future (clock skew). */
export const MAX_AGE_SECONDS = 5 * 60;
export const MAX_FUTURE_SECONDS = 60;

export function signatureOf(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Headers for a signed request carrying `body`, at `now`. */
export function signedHeaders(secret: string, body: string, now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000).toString();
  return {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signatureOf(secret, timestamp, body),
  };
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'future' | 'mismatch' };

/** Checks a signed request's headers against its raw body, in constant time. */
export function checkSignature(
  secret: string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  body: string,
  now: Date,
): SignatureCheck {
  if (!timestampHeader || !signatureHeader) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestampHeader) || !/^sha256=[0-9a-f]{64}$/.test(signatureHeader)) {
    return { ok: false, reason: 'malformed' };
  }
  const timestamp = Number(timestampHeader);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (timestamp < nowSeconds - MAX_AGE_SECONDS) return { ok: false, reason: 'stale' };
  if (timestamp > nowSeconds + MAX_FUTURE_SECONDS) return { ok: false, reason: 'future' };
  const expected = Buffer.from(signatureOf(secret, timestampHeader, body));
  const given = Buffer.from(signatureHeader);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'mismatch' };
  return { ok: true, timestamp };
}
