import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import { createDatabase } from '../db/index.js';
import { ApiError } from './errors.js';
import { createRateLimiter } from './rate-limit.js';

describe('rate limiter', () => {
  let test: TestDatabase;
  let now = new Date('2026-12-01T10:00:00Z');
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test?.destroy();
  });
  const limiter = () => createRateLimiter(test.db, () => now);

  it('lets exactly `limit` of many concurrent first hits on a new key through, the rest 429', async () => {
    const rule = { limit: 7, windowSeconds: 60 };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, () => limiter().hit('concurrent:first', rule)),
    );
    const passed = outcomes.filter((o) => o.status === 'fulfilled').length;
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(passed).toBe(7);
    expect(refused).toHaveLength(33);
    for (const error of refused) {
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(429);
    }
  });

  it('hits several keys in one statement, and refuses when any goes over, waiting for the longest', async () => {
    const rl = limiter();
    const user = { limit: 2, windowSeconds: 60 };
    const ip = { limit: 3, windowSeconds: 60 };
    const daily = { limit: 10, windowSeconds: 3600 };
    const hits = [
      { key: 'all:user', rule: user },
      { key: 'all:ip', rule: ip },
      { key: 'all:daily', rule: daily },
    ];
    await rl.hitAll(hits);
    await rl.hitAll(hits);
    const refused = await rl.hitAll(hits).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(429);
    const counts = await Promise.all(
      ['all:user', 'all:ip', 'all:daily'].map((k) => test.db.models.RateLimit.findByPk(k)),
    );
    expect(counts.map((row) => row?.count)).toEqual([3, 3, 3]);
    // The same keys, concurrently, from a fresh window: every hit counted once per key.
    now = new Date(now.getTime() + 3_600_000);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => limiter().hitAll(hits.map((h) => ({ ...h, rule: { ...h.rule, limit: 100 } })))),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const after = await Promise.all(
      ['all:user', 'all:ip', 'all:daily'].map((k) => test.db.models.RateLimit.findByPk(k)),
    );
    expect(after.map((row) => row?.count)).toEqual([8, 8, 8]);
  });

  it('counts every one of many concurrent first hits under the limit (the row ends at their number)', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, () => limiter().hit('concurrent:open', { limit: 100, windowSeconds: 60 })),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect((await test.db.models.RateLimit.findByPk('concurrent:open'))?.count).toBe(12);
  });

  it('answers Retry-After until the window ends, then starts a new window', async () => {
    const rule = { limit: 2, windowSeconds: 100 };
    now = new Date('2026-12-01T11:00:00Z');
    await limiter().hit('window', rule);
    await limiter().hit('window', rule);
    now = new Date('2026-12-01T11:00:40Z');
    const error = await limiter()
      .hit('window', rule)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).headers?.['Retry-After']).toBe('60');
    now = new Date('2026-12-01T11:01:41Z');
    await expect(limiter().hit('window', rule)).resolves.toBeUndefined();
    expect(await limiter().peek('window', rule)).toEqual({ count: 1, resetsInSeconds: 100 });
  });

  it('peeks without counting and forgets a key on reset', async () => {
    const rule = { limit: 5, windowSeconds: 60 };
    expect((await limiter().peek('peek', rule)).count).toBe(0);
    await limiter().increment('peek', rule);
    await limiter().increment('peek', rule);
    expect((await limiter().peek('peek', rule)).count).toBe(2);
    expect((await limiter().peek('peek', rule)).count).toBe(2);
    await limiter().reset('peek');
    expect((await limiter().peek('peek', rule)).count).toBe(0);
  });

  it('forgets counters whose window ended over a day ago', async () => {
    const { RateLimit } = test.db.models;
    now = new Date('2026-12-03T10:00:00Z');
    const one = limiter();
    await one.hit('old', { limit: 5, windowSeconds: 60 });
    now = new Date('2026-12-04T10:00:01Z');
    await one.hit('new', { limit: 5, windowSeconds: 60 });
    await expect.poll(async () => (await RateLimit.findByPk('old')) === null).toBe(true);
    expect(await RateLimit.findByPk('new')).not.toBeNull();
  });

  it('costs one statement per hit', async () => {
    const statements: string[] = [];
    // A second handle on the same database that logs what it sends.
    const logged = await createDatabase(test.databaseConfig, undefined, {
      logging: (sql: string) => statements.push(sql.replace(/^Executing \([^)]*\): /, '')),
    });
    const connected = statements.length; // PostgreSQL's connection check
    await createRateLimiter(logged, () => now).hit('one-statement', { limit: 5, windowSeconds: 60 });
    await logged.close();
    statements.splice(0, connected);
    const work = statements.filter((sql) => !/^(BEGIN|COMMIT|START TRANSACTION)/i.test(sql.trim()));
    expect(work).toHaveLength(1);
  });
});
