import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Subscription } from '../../db/models/index.js';

/** What a signed link binds: the subscription, its kind, its subscriber (user or address) and its secret. */
export type SignedSubscription = Pick<Subscription, 'id' | 'kind' | 'subscriber' | 'secret'>;

export type TokenCheck =
  | { ok: true; id: number; expiresAt: number | null }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' };

/** How long a newsletter confirmation link works. */
export const CONFIRM_TTL_SECONDS = 7 * 86_400;

export type SubscriptionTokens = ReturnType<typeof createSubscriptionTokens>;

/**
 * The signed links of subscription mails: `<id>.<mac>` (unsubscribe, no expiry: RFC 8058 links
 * must keep working) and `<id>.<expiry>.<mac>` (newsletter confirmation). The HMAC is keyed by a
 * key derived from SESSION_SECRET for this use alone and covers the purpose, the subscription
 * id, its kind, its subscriber and its per-row secret, so a token cannot be forged, altered to
 * name another subscription, or used for another address, list or purpose. Nothing is stored.
 */
export function createSubscriptionTokens(sessionSecret: string) {
  const key = createHmac('sha256', sessionSecret).update('blog:subscription-links:v1').digest();
  const mac = (purpose: string, sub: SignedSubscription) =>
    createHmac('sha256', key)
      .update([purpose, sub.id, sub.kind, sub.subscriber, sub.secret].join('\n'))
      .digest('base64url');

  /** The id a token names (to load the row), before its MAC is checked against that row. */
  function parse(token: string): { id: number; expiry: number | null; mac: string } | null {
    const parts = token.split('.');
    const [id = '', second = '', third] = parts;
    if (parts.length > 3 || !/^[1-9]\d{0,9}$/.test(id)) return null;
    if (third === undefined) return { id: Number(id), expiry: null, mac: second };
    if (!/^\d{1,12}$/.test(second)) return null;
    return { id: Number(id), expiry: Number(second), mac: third };
  }

  function same(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }

  return {
    parse,

    /** The one-click unsubscribe token of a subscription. */
    unsubscribe: (sub: SignedSubscription): string => `${sub.id}.${mac('unsubscribe', sub)}`,

    /** The newsletter confirmation token, valid until `expiresAt`. */
    confirm: (sub: SignedSubscription, expiresAt: Date): string => {
      const expiry = Math.floor(expiresAt.getTime() / 1000);
      return `${sub.id}.${expiry}.${mac(`confirm:${expiry}`, sub)}`;
    },

    /** Checks `token` as a `purpose` token of `sub` (the row its id names), at `now`. */
    check(purpose: 'unsubscribe' | 'confirm', token: string, sub: SignedSubscription | null, now: Date): TokenCheck {
      const parsed = parse(token);
      if (!parsed || (purpose === 'confirm') !== (parsed.expiry !== null)) return { ok: false, reason: 'malformed' };
      if (!sub || sub.id !== parsed.id) return { ok: false, reason: 'forged' };
      const expected = purpose === 'confirm' ? mac(`confirm:${parsed.expiry}`, sub) : mac('unsubscribe', sub);
      if (!same(expected, parsed.mac)) return { ok: false, reason: 'forged' };
      const expiresAt = parsed.expiry === null ? null : parsed.expiry * 1000;
      if (expiresAt !== null && expiresAt <= now.getTime()) return { ok: false, reason: 'expired' };
      return { ok: true, id: parsed.id, expiresAt };
    },
  };
}
