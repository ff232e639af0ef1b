import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryTypes, Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/app.js';
import { findCountDrift } from '../db/recount.js';

// DESIGN §6 faults: the database disk full or read-only answers 503 (Retry-After), loses or
// corrupts nothing, and recovers without a restart; a PostgreSQL connection cut under load is
// survived the same way. The full disk is a small loop-mounted ext4 image of the test's own (root
// can mount one, as on CI); without mount, it is simulated by SQLite's max_page_count. (Not tmpfs:
// a full tmpfs can kill a process that maps a file on it with SIGBUS.)

/** A small ext4 file system of its own at `dir` (a loop-mounted image), or false where mount is not allowed. */
function tryMount(dir: string, image: string, sizeBytes: number): boolean {
  try {
    execFileSync('truncate', ['-s', String(sizeBytes), image]);
    execFileSync('mkfs.ext4', ['-q', '-F', image], { stdio: 'ignore' });
    execFileSync('mount', ['-o', 'loop', image, dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes zeros into `file` until the disk under it is full. */
async function fillDisk(file: string): Promise<void> {
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

describe.skipIf(!!process.env.TEST_DATABASE_URL)('SQLite on a disk that fills up', () => {
  const work = mkdtempSync(join(tmpdir(), 'blog-faults-'));
  const dir = join(work, 'disk');
  let mounted = false;
  let t: TestContext;
  let ip = 0;
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    mounted = tryMount(dir, join(work, 'disk.img'), 16 * 1024 * 1024);
    if (!mounted) console.warn('faults: no loop mount here; a full disk is simulated with max_page_count');
    t = await createTestContext({ TRUST_PROXY: 'true' }, {}, { sqliteDir: dir });
  });
  afterAll(async () => {
    await t?.destroy();
    if (mounted) execFileSync('umount', [dir]);
    rmSync(work, { recursive: true, force: true });
  });

  /** A comment as `cookie` (made before the disk fills: a session is a row too). */
  const comment = (postId: number, as: string) =>
    t.request('POST', `/api/posts/${postId}/comments`, {
      as,
      // Each its own body: the same one twice within the hour is a duplicate (409).
      json: { body: `A comment that needs room ${ip} ${'x'.repeat(2000)}` },
      headers: { 'x-real-ip': `10.66.0.${++ip % 250}` },
    });

  async function integrity(): Promise<string> {
    const [row] = await t.db.sequelize.query<{ integrity_check: string }>('PRAGMA integrity_check', {
      type: QueryTypes.SELECT,
    });
    return row?.integrity_check ?? '';
  }

  it('full: writes answer 503 with Retry-After, reads go on, and writes work again once there is room', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const readers = await Promise.all(
      Array.from({ length: 6 }, async () => t.factories.sessionCookie(await t.factories.user())),
    );
    const filler = join(dir, 'filler');
    if (mounted) await fillDisk(filler);
    else await t.db.sequelize.query('PRAGMA max_page_count = 1'); // no page more than it has
    const statuses: number[] = [];
    for (const reader of readers) {
      const res = await comment(post.id, reader);
      statuses.push(res.status);
      if (res.status === 503) {
        expect(res.headers.get('retry-after')).toBe('5');
        expect(await res.json()).toMatchObject({ error: { code: 'database_unavailable' } });
      }
    }
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);
    expect((await t.request('GET', `/api/posts/${post.id}/comments`)).status).toBe(200);

    if (mounted) await unlink(filler);
    else await t.db.sequelize.query('PRAGMA max_page_count = 1073741823');
    expect((await comment(post.id, readers[0] ?? '')).status).toBe(201);
    expect(await integrity()).toBe('ok');
    expect(await findCountDrift(t.db)).toEqual([]);
  });
});

// Read-only: the database files become immutable (chattr +i: writes through already-open files
// fail with EPERM, as on a disk remounted read-only; a remount itself is refused while SQLite holds
// the files open for writing).
function chattr(flag: '+i' | '-i', files: string[]): boolean {
  try {
    execFileSync('chattr', [flag, ...files], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!!process.env.TEST_DATABASE_URL)('SQLite on files that turn read-only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blog-faults-ro-'));
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ TRUST_PROXY: 'true' }, {}, { sqliteDir: dir });
  });
  afterAll(async () => {
    await t?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes answer 503, reads go on, and writes work again once it is writable', async (context) => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const reader = await t.factories.sessionCookie(await t.factories.user());
    const storage = t.databaseConfig.dialect === 'sqlite' ? t.databaseConfig.storage : '';
    // Not the -shm file: SQLite maps it into memory, and a write to a mapped page of an immutable
    // file is a SIGBUS, not an error (a real read-only remount waits for such writers to finish).
    const files = [storage, `${storage}-wal`];
    let attempt = 0;
    const send = () =>
      t.request('POST', `/api/posts/${post.id}/comments`, {
        as: reader,
        json: { body: `Written to a read-only disk? (${++attempt})` },
        headers: { 'x-real-ip': '10.66.1.1' },
      });
    if (!chattr('+i', files)) {
      console.warn('faults: chattr +i is not available here; the read-only case is skipped');
      context.skip();
      return;
    }
    try {
      const res = await send();
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'database_unavailable' } });
      expect((await t.request('GET', `/api/posts/${post.id}`)).status).toBe(200);
    } finally {
      chattr('-i', files);
    }
    await expect.poll(async () => (await send()).status, { timeout: 10_000 }).toBe(201);
    const [row] = await t.db.sequelize.query<{ integrity_check: string }>('PRAGMA integrity_check', {
      type: QueryTypes.SELECT,
    });
    expect(row?.integrity_check).toBe('ok');
    expect(await findCountDrift(t.db)).toEqual([]);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL connections cut under load', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext({ TRUST_PROXY: 'true' });
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it('answers 503 while they are cut, never 500, and recovers without a restart', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    // Sessions made before the cut: the test's own writes are not what is tested.
    const readers = await Promise.all(
      Array.from({ length: 30 }, async () => t.factories.sessionCookie(await t.factories.user())),
    );
    const [name] = await t.db.sequelize.query<{ name: string }>('SELECT current_database() AS name', {
      type: QueryTypes.SELECT,
    });
    const admin = new Sequelize(process.env.TEST_DATABASE_URL ?? '', { dialect: 'postgres', logging: false });
    const statuses: number[] = [];
    let stop = false;
    let ip = 0;
    const load = Promise.all(
      Array.from({ length: 6 }, async (_, worker) => {
        let turn = 0;
        while (!stop) {
          const reader = readers[(worker * 5 + turn++) % readers.length] ?? '';
          const res = await t.request('POST', `/api/posts/${post.id}/comments`, {
            as: reader,
            // Each its own body: the same one twice within the hour is a duplicate (409).
            json: { body: `Under a cut, ${worker}.${turn}.` },
            headers: { 'x-real-ip': `10.55.${(++ip >> 8) & 255}.${ip & 255}` },
          });
          statuses.push(res.status);
        }
      }),
    );
    let cut = 0;
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [row] = await admin.query<{ count: string }>(
        `SELECT COUNT(pg_terminate_backend(pid)) AS count FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()`,
        { replacements: { name: name?.name }, type: QueryTypes.SELECT },
      );
      cut += Number(row?.count ?? 0);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop = true;
    await load;
    await admin.close();
    const tally: Record<number, number> = {};
    for (const status of statuses) tally[status] = (tally[status] ?? 0) + 1;
    console.log(`pg cut: ${cut} connections terminated under ${statuses.length} requests: ${JSON.stringify(tally)}`);
    expect(cut).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 201 && s !== 503 && s !== 429)).toEqual([]);
    // Recovered: the next requests go through.
    expect((await t.request('GET', `/api/posts/${post.id}/comments`)).status).toBe(200);
    // A reader new to the limits (the load's readers may have used up their 10 a minute).
    const fresh = await t.factories.sessionCookie(await t.factories.user());
    const res = await t.request('POST', `/api/posts/${post.id}/comments`, {
      as: fresh,
      json: { body: `After the cut (${Date.now()}).` },
      headers: { 'x-real-ip': '10.55.255.1' },
    });
    expect(res.status).toBe(201);
    expect(await findCountDrift(t.db)).toEqual([]);
  });
});
