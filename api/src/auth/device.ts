import { createHmac, timingSafeEqual } from 'node:crypto';

export const DEVICE_COOKIE = 'blog_device';
/** A browser that signed in once is known for a year. */
export const DEVICE_TTL_SECONDS = 365 * 24 * 60 * 60;

/**
 * The "this browser signed in to this account before" cookie of OWASP's device-cookie defence
 * against lockouts: `<userId>.<issuedAt>.<HMAC>` under SESSION_SECRET. It proves nothing but a
 * past successful sign-in, so it only lets its holder past the login throttle; the password is
 * still checked.
 */
export function createDeviceCookies(secret: string, now: () => Date) {
  const mac = (userId: number, issuedAt: number) =>
    createHmac('sha256', secret).update(`device:${userId}.${issuedAt}`).digest('base64url');
  return {
    issue(userId: number): string {
      const issuedAt = Math.floor(now().getTime() / 1000);
      return `${userId}.${issuedAt}.${mac(userId, issuedAt)}`;
    },
    /** Whether `token` is a live device cookie of `userId`. */
    vouchesFor(token: string | undefined, userId: number): boolean {
      const match = token?.match(/^(\d{1,12})\.(\d{1,12})\.([\w-]{43})$/);
      if (!match) return false;
      const [, id, issued, given] = match;
      if (Number(id) !== userId) return false;
      const issuedAt = Number(issued);
      const age = now().getTime() / 1000 - issuedAt;
      if (age < -60 || age > DEVICE_TTL_SECONDS) return false;
      const expected = Buffer.from(mac(userId, issuedAt));
      const actual = Buffer.from(given ?? '');
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}

export type DeviceCookies = ReturnType<typeof createDeviceCookies>;
