import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequelize } from 'sequelize';
import { type DatabaseConfig, parseDatabaseUrl } from '../src/config.js';
import { createDatabase, type Database } from '../src/db/index.js';
import { migrate } from '../src/db/migrate.js';

export interface TestDatabase {
  db: Database;
  databaseConfig: DatabaseConfig;
  /** Closes the connections and removes the database. */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database of its own: a temporary SQLite file (under `sqliteDir` when given,
 * whatever TEST_DATABASE_URL says), or, when `postgresServer` (else TEST_DATABASE_URL) points at
 * PostgreSQL, a new database created on that server.
 */
export async function createTestDatabase(
  options: { sqliteDir?: string; postgresServer?: string } = {},
): Promise<TestDatabase> {
  const serverUrl = options.sqliteDir ? undefined : (options.postgresServer ?? process.env.TEST_DATABASE_URL);
  if (serverUrl) {
    const name = `blog_test_${randomBytes(6).toString('hex')}`;
    const admin = new Sequelize(serverUrl, { dialect: 'postgres', logging: false });
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.close();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const config = parseDatabaseUrl(url.toString());
    const db = await createDatabase(config);
    await migrate(db.sequelize);
    return {
      db,
      databaseConfig: config,
      async destroy() {
        await db.close();
        const dropper = new Sequelize(serverUrl, { dialect: 'postgres', logging: false });
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await dropper.close();
      },
    };
  }
  const dir = await mkdtemp(join(options.sqliteDir ?? tmpdir(), 'blog-test-'));
  const config: DatabaseConfig = { dialect: 'sqlite', storage: join(dir, 'blog.db') };
  const db = await createDatabase(config);
  await migrate(db.sequelize);
  return {
    db,
    databaseConfig: config,
    async destroy() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
