import { Op, QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../db/index.js';
import type { Clock } from './clock.js';
import { ApiError, type ErrorCode } from './errors.js';

export interface RateRule {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** The longest window a rule may have: counters older than that are pruned. */
export const MAX_WINDOW_SECONDS = 24 * 60 * 60;
const PRUNE_EVERY_MS = 10 * 60 * 1000;

/** A counter's state after a hit or a peek. */
export interface RateCount {
  count: number;
  /** Seconds until the window ends (0 when it already has). */
  resetsInSeconds: number;
}

/** The 429 every limit answers, with Retry-After. */
export function rateLimited(retryAfterSeconds: number, code: ErrorCode = 'rate_limited', message?: string): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(429, code, message ?? `Too many requests; try again in ${seconds} s.`, undefined, {
    'Retry-After': String(seconds),
  });
}

/**
 * Fixed-window counters in the `rate_limits` table, so every API process (and a restarted one)
 * shares them. A hit is one atomic statement (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`,
 * on SQLite and PostgreSQL alike): concurrent first hits on a key cannot both insert, and
 * nothing is read before it is written.
 */
export function createRateLimiter(db: Database, clock: Clock) {
  const { sequelize } = db;
  // The first prune comes a while after start, not on the first hit.
  let lastPrune = clock().getTime();

  /**
   * Now and then, forgets counters whose window ended long ago (the table would only grow): in
   * the background, or inside the caller's transaction when the hit is part of one (on SQLite's
   * one writer a statement outside it would wait for it).
   */
  async function pruneNowAndThen(now: Date, transaction?: Transaction): Promise<void> {
    if (now.getTime() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now.getTime();
    const pruned = db.models.RateLimit.destroy({
      where: { windowStart: { [Op.lt]: new Date(now.getTime() - MAX_WINDOW_SECONDS * 1000) } },
      transaction,
    });
    if (transaction) {
      await pruned;
      return;
    }
    pruned.catch(() => {
      lastPrune = 0; // Try again at the next hit.
    });
  }

  /**
   * One hit on each of `keys` (rules with the same window), in one statement; the counters after it.
   * Keys are locked in sorted order, so two transactions hitting the same keys cannot deadlock.
   */
  async function incrementAll(
    keys: string[],
    windowSeconds: number,
    transaction?: Transaction,
  ): Promise<Map<string, RateCount>> {
    if (windowSeconds > MAX_WINDOW_SECONDS) throw new Error(`rate rule window over ${MAX_WINDOW_SECONDS} s`);
    const sorted = [...new Set(keys)].sort();
    const now = clock();
    await pruneNowAndThen(now, transaction);
    // Dates as the dialect's own literals (Sequelize's format), so SQLite compares like with like.
    const nowLiteral = sequelize.escape(now);
    const expired = sequelize.escape(new Date(now.getTime() - windowSeconds * 1000));
    const values = sorted.map((_, index) => `(:key${index}, ${nowLiteral}, 1)`).join(', ');
    // The leading comment keeps Sequelize's SQLite driver from running this as a bare INSERT,
    // which would drop the RETURNING rows.
    const rows = await sequelize.query<{ key: string; window_start: Date | string; count: number | string }>(
      `/* rate limit hit */ INSERT INTO rate_limits ("key", window_start, count) VALUES ${values}
       ON CONFLICT ("key") DO UPDATE SET
         window_start = CASE WHEN rate_limits.window_start <= ${expired} THEN excluded.window_start
                             ELSE rate_limits.window_start END,
         count = CASE WHEN rate_limits.window_start <= ${expired} THEN 1 ELSE rate_limits.count + 1 END
       RETURNING "key", window_start, count`,
      {
        replacements: Object.fromEntries(sorted.map((key, index) => [`key${index}`, key])),
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    const counts = new Map<string, RateCount>();
    for (const row of rows) {
      const ends = new Date(row.window_start).getTime() + windowSeconds * 1000;
      counts.set(row.key, { count: Number(row.count), resetsInSeconds: Math.max(0, (ends - now.getTime()) / 1000) });
    }
    for (const key of sorted) if (!counts.has(key)) throw new Error(`rate limit upsert on ${key} returned no row`);
    return counts;
  }

  async function increment(key: string, rule: RateRule, transaction?: Transaction): Promise<RateCount> {
    const count = (await incrementAll([key], rule.windowSeconds, transaction)).get(key);
    if (!count) throw new Error(`rate limit upsert on ${key} returned no row`);
    return count;
  }

  /**
   * `hit` for several keys at once (e.g. per account and per address): one statement per window
   * length instead of one per key; the 429 waits for the longest of the limits it went over.
   */
  async function hitAll(hits: Array<{ key: string; rule: RateRule }>, transaction?: Transaction): Promise<void> {
    let over = false;
    let retryAfter = 0;
    for (const windowSeconds of new Set(hits.map((h) => h.rule.windowSeconds))) {
      const group = hits.filter((h) => h.rule.windowSeconds === windowSeconds);
      const counts = await incrementAll(
        group.map((h) => h.key),
        windowSeconds,
        transaction,
      );
      for (const { key, rule } of group) {
        const count = counts.get(key);
        if (count && count.count > rule.limit) {
          over = true;
          retryAfter = Math.max(retryAfter, count.resetsInSeconds);
        }
      }
    }
    if (over) throw rateLimited(retryAfter);
  }

  return {
    /**
     * Counts one hit on `key`; throws 429 with Retry-After when it goes over `rule`. Inside a
     * transaction the hit counts only if it commits: a request that fails (the 429 included)
     * leaves the counter as it was, which at the limit still refuses the next one.
     */
    hit: (key: string, rule: RateRule, transaction?: Transaction): Promise<void> =>
      hitAll([{ key, rule }], transaction),

    hitAll,

    /** Counts one hit and returns the counter (for limits that decide more than allow/refuse). */
    increment,

    /** The counter of `key` within its current window, without counting a hit. */
    async peek(key: string, rule: RateRule): Promise<RateCount> {
      const now = clock().getTime();
      const row = await db.models.RateLimit.findByPk(key, { attributes: ['windowStart', 'count'] });
      const ends = row ? row.windowStart.getTime() + rule.windowSeconds * 1000 : 0;
      if (!row || ends <= now) return { count: 0, resetsInSeconds: 0 };
      return { count: row.count, resetsInSeconds: (ends - now) / 1000 };
    },

    /** Forgets `key` (e.g. the failure counter of an account that just proved its password). */
    async reset(key: string, transaction?: Transaction): Promise<void> {
      await db.models.RateLimit.destroy({ where: { key }, transaction });
    },
  };
}
