import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignature, secretWeakness, signatureOf, signedHeaders } from './signature.js';

const SECRET = 'contract-test-secret-0123456789-abcdefgh';
const at = new Date('2026-12-01T12:00:00Z');

describe('signatures between the API and the builder', () => {
  it('are HMAC-SHA256 of "timestamp.body", or "timestamp.scope.body"', () => {
    const hmac = (text: string) => `sha256=${createHmac('sha256', SECRET).update(text).digest('hex')}`;
    expect(signatureOf(SECRET, '1790000000', '{"a":1}')).toBe(hmac('1790000000.{"a":1}'));
    expect(signatureOf(SECRET, '1790000000', '{"a":1}', 'POST /api/builds')).toBe(
      hmac('1790000000.POST /api/builds.{"a":1}'),
    );
  });

  it('verify what was signed, and refuse each way it can be wrong', () => {
    const body = '{"event":"rebuild","at":"now"}';
    const headers = signedHeaders(SECRET, body, at, 'POST /api/builds');
    const check = (overrides: {
      ts?: string;
      sig?: string;
      body?: string;
      now?: Date;
      scope?: string;
      secret?: string;
    }) =>
      checkSignature(
        overrides.secret ?? SECRET,
        'ts' in overrides ? overrides.ts : headers['X-Blog-Timestamp'],
        'sig' in overrides ? overrides.sig : headers['X-Blog-Signature'],
        overrides.body ?? body,
        overrides.now ?? at,
        'scope' in overrides ? overrides.scope : 'POST /api/builds',
      );
    expect(check({})).toEqual({ ok: true, timestamp: at.getTime() / 1000 });
    expect(check({ ts: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(check({ sig: 'md5=abc' })).toEqual({ ok: false, reason: 'malformed' });
    expect(check({ now: new Date(at.getTime() + 5 * 60_000 + 1000) })).toEqual({ ok: false, reason: 'stale' });
    expect(check({ now: new Date(at.getTime() - 61_000) })).toEqual({ ok: false, reason: 'future' });
    expect(check({ body: `${body} ` })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ scope: 'PATCH /api/builds/2' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ scope: undefined })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ secret: `${SECRET}x` })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuse to sign with weak secrets', () => {
    expect(secretWeakness('a'.repeat(40))).toMatch(/too little entropy/);
    expect(secretWeakness('short')).toMatch(/at least 32/);
    expect(secretWeakness('r5nZ0c2Jm9yq+G4kR8wq3d1eXbT7vH0sL2pN6uF9aQ4oE3iC8gW1zY5xK7jM0tBh')).toBeNull();
  });
});
