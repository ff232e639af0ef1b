// The raw-SQL baseline of the comment-write bench on SQLite: the statements the API sends for one
// new comment (BEGIN IMMEDIATE, the two rate-limit counters in one upsert, the author, the post,
// the INSERT, the two counter UPDATEs its hooks make, COMMIT), straight through the sqlite3 driver
// on one connection with the API's settings (WAL, synchronous=NORMAL, foreign keys), one
// transaction after the other as the API's single writer runs them — no HTTP, no Sequelize, no
// Markdown. What the single-writer design allows on this machine before any framework cost.
// Then the same with group commit: 16 of those transactions as savepoints of one BEGIN … COMMIT
// (what a writer that batched its queue would send), to show what batching commits could add.
//   raw-writes.ts <sqlite file> <post id> <seconds>
//   → prints {"perSecond": …, "transactions": …, "groupedPerSecond": …}
import sqlite3 from 'sqlite3';

const [file, postArg, secondsArg] = process.argv.slice(2);
if (!file || !postArg || !secondsArg) throw new Error('usage: raw-writes.ts <sqlite file> <post id> <seconds>');
const postId = Number(postArg);
const seconds = Number(secondsArg);

const db = new sqlite3.Database(file);
const run = (sql: string, params: unknown[] = []) =>
  new Promise<void>((resolve, reject) => db.run(sql, params, (error) => (error ? reject(error) : resolve())));
const all = (sql: string, params: unknown[] = []) =>
  new Promise<unknown[]>((resolve, reject) =>
    db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows))),
  );

await run('PRAGMA foreign_keys = ON');
await run('PRAGMA journal_mode = WAL');
await run('PRAGMA synchronous = NORMAL');
const users = (await all('SELECT id FROM users ORDER BY id')) as Array<{ id: number }>;
if (users.length === 0) throw new Error('no users to write as');

const GROUP = 16;
const stamp = () => new Date().toISOString().replace('T', ' ').replace('Z', ' +00:00');
let transactions = 0;

async function comment(): Promise<void> {
  const user = users[transactions % users.length]?.id ?? 1;
  const now = stamp();
  await all(
    `INSERT INTO rate_limits ("key", window_start, count) VALUES (?, ?, 1), (?, ?, 1)
     ON CONFLICT ("key") DO UPDATE SET count = rate_limits.count + 1 RETURNING "key", window_start, count`,
    [`raw:ip:${transactions}`, now, `raw:user:${user}`, now],
  );
  await all('SELECT id, name, banned_at FROM users WHERE id = ?', [user]);
  await all('SELECT id, author_id, status, comments_count FROM posts WHERE id = ?', [postId]);
  await run(
    `INSERT INTO comments (post_id, author_id, parent_id, body_markdown, body_html, status, edited_at, created_at, updated_at)
     VALUES (?, ?, NULL, ?, ?, 'visible', NULL, ?, ?)`,
    [
      postId,
      user,
      `Comment number **${transactions}**, with a [link](https://example.com).`,
      `<p>Comment number <strong>${transactions}</strong>, with a <a href="https://example.com" rel="nofollow ugc noopener">link</a>.</p>`,
      now,
      now,
    ],
  );
  await run('UPDATE users SET comments_count = comments_count + 1 WHERE id = ?', [user]);
  await run('UPDATE posts SET comments_count = comments_count + 1 WHERE id = ?', [postId]);
  transactions++;
}

/** Transactions per second for `seconds`, each `group` comments in one BEGIN … COMMIT. */
async function measure(group: number): Promise<number> {
  const before = transactions;
  const started = performance.now();
  const deadline = started + (seconds * 1000) / 2;
  while (performance.now() < deadline) {
    await run('BEGIN IMMEDIATE');
    if (group === 1) await comment();
    else {
      for (let i = 0; i < group; i++) {
        await run('SAVEPOINT one_comment');
        await comment();
        await run('RELEASE one_comment');
      }
    }
    await run('COMMIT');
  }
  return (transactions - before) / ((performance.now() - started) / 1000);
}

const perSecond = await measure(1);
const groupedPerSecond = await measure(GROUP);
await new Promise<void>((resolve) => db.close(() => resolve()));
process.stdout.write(`${JSON.stringify({ perSecond, transactions, groupedPerSecond })}\n`);
