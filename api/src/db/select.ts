import { DatabaseError, type Sequelize, type Transaction } from 'sequelize';

/** A value bound to a `?` of a lean SELECT; an array expands to `?, ?, …` (for `IN (?)`). */
export type SelectParam = string | number | null | ReadonlyArray<string | number>;

/**
 * A lean read: one SELECT sent to the driver as a prepared statement, its rows returned as the
 * driver gives them (column names as written, no model instances, no Sequelize query pipeline).
 * For the hottest reads only (a comments page, the posts list, the session of a request), where
 * Sequelize's per-query work (replacement parsing, a stack captured per query, result shaping)
 * cost more than the query itself (issue 11's profile). Without `transaction`, on a reader
 * connection; with it, on the transaction's own connection (SQLite: the writer, in its turn), so
 * it sees the transaction's writes and takes its locks (`FOR KEY SHARE` in the SQL, PostgreSQL).
 * Only SELECTs are sent this way.
 */
export type Select = <T>(sql: string, params?: readonly SelectParam[], transaction?: Transaction) => Promise<T[]>;

/**
 * `sql` with every `?` whose parameter is an array expanded to one `?` per element, and the
 * parameters flattened to match. The SQL must hold no `?` of its own (in a literal or a comment).
 */
export function expandParams(
  sql: string,
  params: readonly SelectParam[],
): { sql: string; values: Array<string | number | null> } {
  // Reads only, on both engines (SQLite's readers would refuse a write anyway; PostgreSQL's pool would not).
  if (!/^\s*(select|with)\b/i.test(sql)) throw new Error(`select: not a SELECT: ${sql.slice(0, 80)}`);
  const values: Array<string | number | null> = [];
  let index = 0;
  const text = sql.replace(/\?/g, () => {
    if (index >= params.length) throw new Error(`select: more ? than parameters in ${sql.slice(0, 80)}`);
    const param = params[index++] as SelectParam;
    if (!Array.isArray(param)) {
      values.push(param as string | number | null);
      return '?';
    }
    if (param.length === 0) throw new Error('select: an empty list for IN (?)');
    values.push(...param);
    return param.map(() => '?').join(', ');
  });
  if (index !== params.length)
    throw new Error(`select: ${params.length} parameters for ${index} ? in ${sql.slice(0, 80)}`);
  return { sql: text, values };
}

/**
 * A driver's error as Sequelize would have thrown it (its DatabaseError, the driver's error as
 * `parent`), so `db/errors.ts` answers a lean read's failure exactly like any other query's: a lost
 * connection or a full disk is a 503, not a 500.
 */
export function asDatabaseError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof DatabaseError) return error;
  const parent = error as Error & { sql?: string; parameters?: unknown[] };
  parent.sql ??= '';
  return new DatabaseError(parent as ConstructorParameters<typeof DatabaseError>[0]);
}

interface PgClientLike {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
interface ConnectionManagerLike {
  getConnection(options: { type: string }): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void> | void;
}

/**
 * `Select` on PostgreSQL: a client from Sequelize's own pool (the same connections, limits and
 * guards as every other query), a named prepared statement per distinct SQL (each connection
 * prepares it once), `?` numbered as `$1…`.
 */
export function postgresSelect(sequelize: Sequelize): Select {
  const manager = sequelize.connectionManager as unknown as ConnectionManagerLike;
  const names = new Map<string, { name: string; text: string }>();
  const prepared = (sql: string) => {
    let entry = names.get(sql);
    if (!entry) {
      let n = 0;
      entry = { name: `lean_${names.size + 1}`, text: sql.replace(/\?/g, () => `$${++n}`) };
      // A bounded set: distinct SQL texts are few (IN lists vary by length only).
      if (names.size < 500) names.set(sql, entry);
      else entry = { name: '', text: entry.text };
    }
    return entry;
  };
  return async <T>(sql: string, params: readonly SelectParam[] = [], transaction?: Transaction) => {
    const expanded = expandParams(sql, params);
    const { name, text } = prepared(expanded.sql);
    // A transaction's client is its own (Sequelize set it when the transaction began).
    const own = (transaction as unknown as { connection?: PgClientLike } | undefined)?.connection;
    if (transaction && !own) throw new Error('select: the transaction has no connection yet');
    const client = own ?? ((await manager.getConnection({ type: 'SELECT' })) as PgClientLike);
    try {
      const result = await client.query({ name, text, values: expanded.values });
      return result.rows as T[];
    } catch (error) {
      // An error of the client's own (no server severity: the connection broke, or is not
      // queryable any more) marks it invalid, Sequelize's flag, so the pool drops it.
      if (!(error instanceof Error && 'severity' in error)) (client as { _invalid?: boolean })._invalid = true;
      throw asDatabaseError(error);
    } finally {
      if (!own) await manager.releaseConnection(client);
    }
  };
}
