import { DatabaseError } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFactories } from '../../test/app.js';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import { dateOf } from './rows.js';
import { expandParams } from './select.js';

describe('expandParams: ? and lists', () => {
  it('expands an array into one ? per element and flattens the values in order', () => {
    expect(expandParams('SELECT 1 WHERE a = ? AND b IN (?) AND c = ?', [1, [2, 3, 4], 'x'])).toEqual({
      sql: 'SELECT 1 WHERE a = ? AND b IN (?, ?, ?) AND c = ?',
      values: [1, 2, 3, 4, 'x'],
    });
  });

  it('refuses a count mismatch, an empty list and anything but a read', () => {
    expect(() => expandParams('SELECT ? , ?', [1])).toThrow(/more \? than parameters/);
    expect(() => expandParams('SELECT ?', [1, 2])).toThrow(/2 parameters for 1/);
    expect(() => expandParams('SELECT 1 WHERE id IN (?)', [[]])).toThrow(/empty list/);
    expect(() => expandParams('DELETE FROM users WHERE id = ?', [1])).toThrow(/not a SELECT/);
    expect(() => expandParams('  with x AS (SELECT ?) SELECT * FROM x', [1])).not.toThrow();
  });
});

// db.select on the engine of this run (SQLite file, or PostgreSQL with TEST_DATABASE_URL).
describe('db.select: lean reads', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => {
    await testDb.destroy();
  });

  it('reads rows as written, sees every commit at once, and reuses its statement', async () => {
    const { db } = testDb;
    const make = createFactories(db, () => new Date());
    const sql = 'SELECT id, name, created_at FROM users WHERE id IN (?) ORDER BY id';
    const first = await make.user({ name: 'Lean One' });
    const [only] = await db.select<{ id: number; name: string; created_at: Date | string }>(sql, [[first.id]]);
    expect(Number(only?.id)).toBe(first.id);
    expect(only?.name).toBe('Lean One');
    expect(dateOf(only?.created_at ?? '').getTime()).toBe(first.createdAt.getTime());
    // Written after the statement was prepared: the same text, another list length, and the same again.
    const second = await make.user({ name: 'Lean Two' });
    const both = await db.select<{ name: string }>(sql, [[first.id, second.id]]);
    expect(both.map((row) => row.name)).toEqual(['Lean One', 'Lean Two']);
    for (let i = 0; i < 20; i++) {
      const rows = await Promise.all([db.select<{ name: string }>(sql, [[second.id]]), db.select(sql, [[first.id]])]);
      expect(rows[0].map((row) => row.name)).toEqual(['Lean Two']);
      expect(rows[1]).toHaveLength(1);
    }
  });

  it('in a transaction reads on its connection: its own uncommitted writes, which nobody else sees yet', async () => {
    const { db } = testDb;
    const sql = 'SELECT name FROM users WHERE email = ?';
    await db.transaction(async (transaction) => {
      await db.models.User.create(
        { email: 'inside@example.com', name: 'Inside', passwordHash: null, emailVerifiedAt: null },
        { transaction },
      );
      expect(await db.select(sql, ['inside@example.com'], transaction)).toEqual([{ name: 'Inside' }]);
      expect(await db.select(sql, ['inside@example.com'])).toEqual([]);
    });
    expect(await db.select(sql, ['inside@example.com'])).toEqual([{ name: 'Inside' }]);
  });

  it('fails a bad statement with the driver error, as Sequelize would throw it, and keeps working', async () => {
    const { db } = testDb;
    const failure = await db
      .select('SELECT no_such_column FROM users WHERE id = ?', [1])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DatabaseError);
    expect((failure as DatabaseError).parent.message).toMatch(/no_such_column/);
    await expect(db.select('SELECT no_such_column FROM users WHERE id = ?', [1])).rejects.toThrow(/no_such_column/);
    await expect(db.select('SELECT no_such_column FROM users WHERE id = ?', [1])).rejects.toThrow(/no_such_column/);
    expect(await db.select<{ one: number }>('SELECT 1 AS one WHERE 1 = ?', [1])).toEqual([{ one: 1 }]);
  });
});
