import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { guardedPg } from './postgres.js';

const url = process.env.TEST_DATABASE_URL;

// The api project runs again on PostgreSQL in CI (TEST_DATABASE_URL); on SQLite there is no pg.
describe.skipIf(!url)('the guarded pg client (PostgreSQL)', () => {
  it('survives the server ending its session while nothing listens (no uncaught error) and is marked invalid', async () => {
    const client = new guardedPg.Client(url);
    await client.connect();
    const pid = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    // Without a listener of its own, pg would emit this FATAL as an uncaught 'error' (the process ends).
    const admin = new pg.Client(url);
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
    await ended;
    expect((client as unknown as { _invalid?: boolean })._invalid).toBe(true);
    await expect(client.query('SELECT 1')).rejects.toThrow();
  });

  it('is still pg for everything else Sequelize reads from the module', () => {
    expect(guardedPg.types).toBe(pg.types);
    expect(guardedPg.defaults).toBe(pg.defaults);
    expect(new guardedPg.Client(url)).toBeInstanceOf(pg.Client);
  });
});
