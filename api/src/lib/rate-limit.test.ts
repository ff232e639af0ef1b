import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { ApiError } from './errors.js';
import { createRateLimiter } from './rate-limit.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});

/** `count` hits on `key` at once: how many passed, how many were limited, and anything else thrown. */
async function burst(key: string, count: number, limit: number) {
  const limiter = createRateLimiter(database.db, () => new Date());
  const results = await Promise.allSettled(
    Array.from({ length: count }, () => limiter.hit(key, { limit, windowSeconds: 60 })),
  );
  const limited = results.filter(
    (r) => r.status === 'rejected' && r.reason instanceof ApiError && r.reason.status === 429,
  );
  const other = results.filter((r) => r.status === 'rejected' && !limited.includes(r));
  return { passed: results.filter((r) => r.status === 'fulfilled').length, limited: limited.length, other };
}

describe('rate limiter', () => {
  // On PostgreSQL two first hits at once both found no row and both inserted one: the second
  // failed on the primary key and the request got a 500 (found by the malformed-input sweep).
  it('counts simultaneous first hits on a new key, none failing', async () => {
    const { passed, limited, other } = await burst('burst:open', 12, 100);
    expect(other.map((r) => (r.status === 'rejected' ? String(r.reason) : ''))).toEqual([]);
    expect({ passed, limited }).toEqual({ passed: 12, limited: 0 });
    const row = await database.db.models.RateLimit.findByPk('burst:open');
    expect(row?.count).toBe(12);
  });

  it('lets exactly `limit` of a simultaneous burst through and limits the rest', async () => {
    const { passed, limited, other } = await burst('burst:tight', 12, 3);
    expect(other.map((r) => (r.status === 'rejected' ? String(r.reason) : ''))).toEqual([]);
    expect({ passed, limited }).toEqual({ passed: 3, limited: 9 });
  });
});
