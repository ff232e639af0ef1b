import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';

// scrypt with N=2^15, r=8, p=1: about 32 MiB and ~50–100 ms per hash on our machines (OWASP's minimum is 2^17 with p=1 for 64 MiB; we trade memory for 2-core hosts).
const PARAMS = { N: 2 ** 15, r: 8, p: 1, keylen: 32 } as const;
const MAX_MEMORY = 64 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url; a fresh 16-byte salt per password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, PARAMS.keylen, { ...PARAMS, maxmem: MAX_MEMORY });
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check of a password against a stored hash; false for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: MAX_MEMORY,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export type PasswordHasher = ReturnType<typeof createPasswordHasher>;

/**
 * hashPassword/verifyPassword with at most `concurrency` hashes at a time (default: one core
 * fewer than the machine has). scrypt runs on libuv's thread pool, which the SQLite driver
 * shares: unbounded, a burst of sign-ups takes every pool thread and every core for ~70 ms per
 * hash and every query waits behind them. Bounded, a burst only queues other password checks.
 */
export function createPasswordHasher(options: { concurrency?: number } = {}) {
  const limit = Math.max(1, options.concurrency ?? availableParallelism() - 1);
  let active = 0;
  const waiting: Array<() => void> = [];
  async function bounded<T>(work: () => Promise<T>): Promise<T> {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  }
  return {
    hash: (password: string) => bounded(() => hashPassword(password)),
    verify: (password: string, stored: string) => bounded(() => verifyPassword(password, stored)),
  };
}
