import { QueryTypes, type Transaction } from 'sequelize';
import { COUNTED_COMMENT_STATUS, COUNTED_POST_STATUS } from './counts.js';
import type { Database } from './index.js';

export interface CountDrift {
  table: 'users' | 'categories' | 'tags' | 'posts' | 'comments';
  field: 'posts_count' | 'comments_count' | 'likes_count';
  id: number;
  stored: number;
  actual: number;
}

// Each stored counter next to the COUNT(*) it must equal.
const COUNTERS = [
  {
    table: 'users',
    field: 'posts_count',
    actual: `(SELECT COUNT(*) FROM posts c WHERE c.author_id = t.id AND c.status = '${COUNTED_POST_STATUS}')`,
  },
  {
    table: 'users',
    field: 'comments_count',
    actual: `(SELECT COUNT(*) FROM comments c WHERE c.author_id = t.id AND c.status = '${COUNTED_COMMENT_STATUS}')`,
  },
  {
    table: 'categories',
    field: 'posts_count',
    actual: `(SELECT COUNT(*) FROM posts c WHERE c.category_id = t.id AND c.status = '${COUNTED_POST_STATUS}')`,
  },
  {
    table: 'tags',
    field: 'posts_count',
    actual: `(SELECT COUNT(*) FROM post_tags pt JOIN posts c ON c.id = pt.post_id WHERE pt.tag_id = t.id AND c.status = '${COUNTED_POST_STATUS}')`,
  },
  {
    table: 'posts',
    field: 'comments_count',
    actual: `(SELECT COUNT(*) FROM comments c WHERE c.post_id = t.id AND c.status = '${COUNTED_COMMENT_STATUS}')`,
  },
  // Every like counts, the comment hidden or not (counts.ts, isCountedLike).
  {
    table: 'comments',
    field: 'likes_count',
    actual: '(SELECT COUNT(*) FROM comment_likes c WHERE c.comment_id = t.id)',
  },
] as const;

/** Every counter that differs from the true count. */
export async function findCountDrift(db: Database, transaction?: Transaction): Promise<CountDrift[]> {
  const drift: CountDrift[] = [];
  for (const counter of COUNTERS) {
    const rows = await db.sequelize.query<{ id: number | string; stored: number | string; actual: number | string }>(
      `SELECT id, stored, actual FROM (SELECT t.id AS id, t.${counter.field} AS stored, ${counter.actual} AS actual FROM ${counter.table} t) s WHERE stored <> actual ORDER BY id`,
      { type: QueryTypes.SELECT, transaction },
    );
    for (const row of rows) {
      drift.push({
        table: counter.table,
        field: counter.field,
        id: Number(row.id),
        stored: Number(row.stored),
        actual: Number(row.actual),
      });
    }
  }
  return drift;
}

/**
 * Repairs every drifted counter in one transaction and reports what it fixed;
 * `alsoInTransaction` runs last in that transaction (the admin action's audit row).
 */
export async function recount(
  db: Database,
  alsoInTransaction?: (fixed: CountDrift[], transaction: Transaction) => Promise<void>,
): Promise<CountDrift[]> {
  return db.transaction(async (transaction) => {
    const drift = await findCountDrift(db, transaction);
    for (const drifted of drift) {
      const counter = COUNTERS.find((c) => c.table === drifted.table && c.field === drifted.field);
      if (!counter) continue;
      // Recomputed inside the UPDATE, so a change committed since the SELECT is not overwritten.
      await db.sequelize.query(
        `UPDATE ${counter.table} SET ${counter.field} = ${counter.actual.replaceAll('t.id', `${counter.table}.id`)} WHERE id = ?`,
        { replacements: [drifted.id], transaction },
      );
    }
    await alsoInTransaction?.(drift, transaction);
    return drift;
  });
}
