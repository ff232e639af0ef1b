import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';

// The one-writer SQLite setup (sqlite.ts) on a real file: what it keeps per database.
describe('SQLite: the column types Sequelize asks for', () => {
  let dir: string;
  let database: TestDatabase;
  const traced: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sqlite-test-'));
    database = await createTestDatabase({ sqliteDir: dir });
    // Every connection a read may take (the readers, in turn), traced.
    const manager = database.db.sequelize.connectionManager as unknown as {
      getConnection(): Promise<sqlite3.Database>;
    };
    const connections = new Set<sqlite3.Database>();
    for (let i = 0; i < 4; i++) connections.add(await manager.getConnection());
    for (const connection of connections) connection.on('trace', (sql) => traced.push(sql));
  });
  afterAll(async () => {
    await database?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const tableInfoQueries = () => traced.filter((sql) => sql === 'PRAGMA table_info(`users`)').length;

  it('asks PRAGMA table_info once per table, not on every query, and still parses the types', async () => {
    const { User } = database.db.models;
    await User.create({ email: 'types@example.com', name: 'Types', passwordHash: null, emailVerifiedAt: new Date() });
    const before = tableInfoQueries();
    for (let i = 0; i < 5; i++) {
      const users = await User.findAll({ where: { email: 'types@example.com' } });
      // DATE columns come back as Dates: the dialect had the column types.
      expect(users[0]?.emailVerifiedAt).toBeInstanceOf(Date);
      expect(users[0]?.createdAt).toBeInstanceOf(Date);
    }
    expect(tableInfoQueries() - before).toBeLessThanOrEqual(1);
    const warm = tableInfoQueries();
    await User.findAll();
    await User.findAll();
    expect(tableInfoQueries()).toBe(warm);
  });

  it('asks again after the schema changed', async () => {
    const { User } = database.db.models;
    await User.findAll();
    const before = tableInfoQueries();
    await database.db.sequelize.query('ALTER TABLE users ADD COLUMN sqlite_test_flag INTEGER');
    const users = await User.findAll();
    expect(users.length).toBeGreaterThan(0);
    expect(tableInfoQueries()).toBe(before + 1);
  });
});
