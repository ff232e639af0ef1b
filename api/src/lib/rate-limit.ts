import type { Database } from '../db/index.js';
import type { Clock } from './clock.js';
import { ApiError } from './errors.js';

export interface RateRule {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

/**
 * Fixed-window counters in the `rate_limits` table, so every API process (and
 * a restarted one) shares them.
 */
export function createRateLimiter(db: Database, clock: Clock) {
  const { RateLimit } = db.models;
  return {
    /** Counts one hit on `key`; throws 429 with Retry-After when over `rule`. */
    async hit(key: string, rule: RateRule): Promise<void> {
      const now = clock();
      const retryAfter = await db.transaction(async (transaction) => {
        // The row first, if missing (ON CONFLICT DO NOTHING / INSERT OR IGNORE), then locked: two
        // first hits at once no longer both insert it, one of them failing on the key.
        await RateLimit.bulkCreate([{ key, windowStart: now, count: 0 }], { transaction, ignoreDuplicates: true });
        const row = await RateLimit.findByPk(key, { transaction, lock: transaction.LOCK.UPDATE, rejectOnEmpty: true });
        const windowEnds = row.windowStart.getTime() + rule.windowSeconds * 1000;
        if (windowEnds <= now.getTime()) {
          await row.update({ windowStart: now, count: 1 }, { transaction });
          return 0;
        }
        if (row.count >= rule.limit) return Math.ceil((windowEnds - now.getTime()) / 1000);
        await row.update({ count: row.count + 1 }, { transaction });
        return 0;
      });
      if (retryAfter > 0) {
        throw new ApiError(429, 'rate_limited', `Too many requests; try again in ${retryAfter} s.`, undefined, {
          'Retry-After': String(retryAfter),
        });
      }
    },
  };
}
