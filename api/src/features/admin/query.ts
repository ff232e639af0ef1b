import { Op, type WhereOptions } from 'sequelize';
import type { Database } from '../../db/index.js';

/**
 * A case-insensitive substring match on `column` (e.g. `User.email`). Uses
 * instr/strpos rather than LIKE, so `%`, `_` and `\` in the search need no
 * escaping on either database. SQLite's lower() folds ASCII only.
 */
export function contains(db: Database, column: string, needle: string): WhereOptions {
  const { fn, col, where } = db.sequelize;
  const position = db.dialect === 'sqlite' ? 'instr' : 'strpos';
  return where(fn(position, fn('lower', col(column)), needle.toLowerCase()), Op.gt, 0);
}

export type SortOrder = 'ASC' | 'DESC';

/** The requested order, or the natural one: text A→Z, dates and counts newest/largest first. */
export const orderOf = (order: 'asc' | 'desc' | undefined, textual: boolean): SortOrder =>
  order ? (order === 'asc' ? 'ASC' : 'DESC') : textual ? 'ASC' : 'DESC';

/** The list envelope every admin list answers with. */
export function pageOf<T>(items: T[], query: { page: number; limit: number }, total: number) {
  return { items, page: query.page, limit: query.limit, total, totalPages: Math.ceil(total / query.limit) };
}
