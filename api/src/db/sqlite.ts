import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Sequelize, Transaction } from 'sequelize';
import sqlite3 from 'sqlite3';
import { asDatabaseError, expandParams, type Select } from './select.js';

/**
 * How long a connection waits for a lock held by *another process* (the migrate CLI, an
 * online backup). Inside this process nothing ever waits on it: every write goes through the
 * one writer connection, in the queue below.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

// A statement reads when it is a SELECT or a PRAGMA that sets nothing; everything else (whatever
// query type Sequelize gave it) goes to the writer.
const READ_SQL = /^\s*(select\b|pragma\s+[\w.]+\s*(\([^)]*\))?\s*;?\s*$)/i;

/** A FIFO async lock. */
function createMutex() {
  let tail: Promise<void> = Promise.resolve();
  return async function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const previous = tail;
    let release!: () => void;
    tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  };
}

function open(storage: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const connection = new sqlite3.Database(storage, mode, (error) => (error ? reject(error) : resolve(connection)));
  });
}

function run(connection: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => connection.run(sql, (error) => (error ? reject(error) : resolve())));
}

function closeConnection(connection: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => connection.close((error) => (error ? reject(error) : resolve())));
}

const TABLE_INFO_SQL = /^PRAGMA table_info\(`([^`]+)`\)$/;
const SCHEMA_CHANGE_SQL = /^\s*(create|alter|drop)\b/i;

type Callback = (this: unknown, error: Error | null, rows?: unknown[]) => void;

/**
 * Sequelize's SQLite dialect asks `PRAGMA table_info` of every table a model SELECT reads, on every
 * query (it parses column types from the answer), which was five extra statements per comments
 * page. The answer changes only with the schema: it is kept per database, shared by its
 * connections, and forgotten whenever one of them runs CREATE, ALTER or DROP (migrations). A schema
 * changed by another process while this one runs (not how this app migrates) would not be seen.
 */
function cacheTableInfo(connection: sqlite3.Database, cache: Map<string, unknown[]>): void {
  const all = connection.all.bind(connection) as (sql: string, ...rest: unknown[]) => sqlite3.Database;
  const forgetOnSchemaChange = (method: 'run' | 'exec' | 'prepare') => {
    const original = (connection[method] as (...args: unknown[]) => unknown).bind(connection);
    Object.defineProperty(connection, method, {
      value: (sql: string, ...rest: unknown[]) => {
        if (SCHEMA_CHANGE_SQL.test(sql)) cache.clear();
        return original(sql, ...rest);
      },
      configurable: true,
      writable: true,
    });
  };
  forgetOnSchemaChange('run');
  forgetOnSchemaChange('exec');
  forgetOnSchemaChange('prepare');
  Object.defineProperty(connection, 'all', {
    value: (sql: string, ...rest: unknown[]) => {
      if (SCHEMA_CHANGE_SQL.test(sql)) cache.clear();
      const table = TABLE_INFO_SQL.exec(sql)?.[1];
      const callback = rest.at(-1);
      if (table === undefined || typeof callback !== 'function') return all(sql, ...rest);
      const done = callback as Callback;
      const cached = cache.get(table);
      if (cached) {
        queueMicrotask(() => done.call(connection, null, cached));
        return connection;
      }
      return all(sql, (error: Error | null, rows?: unknown[]) => {
        if (!error && rows) cache.set(table, rows);
        done.call(connection, error, rows);
      });
    },
    configurable: true,
    writable: true,
  });
}

/** Raised when code inside a transaction writes without it: on one writer that would wait forever. */
export class WriteOutsideTransactionError extends Error {
  constructor(sql: string) {
    super(`a write outside the open transaction on this path (pass { transaction }): ${sql.slice(0, 120)}`);
    this.name = 'WriteOutsideTransactionError';
  }
}

interface QueryOptionsLike {
  transaction?: Transaction | null;
}
type QueryFn = (sql: string | { query: string }, options?: QueryOptionsLike) => Promise<unknown>;

interface ConnectionManagerLike {
  getConnection(options?: { uuid?: string }): Promise<unknown>;
  releaseConnection(connection: unknown): void;
}

export interface SqliteWriter {
  /** Runs `work` in an IMMEDIATE transaction on the writer connection, after every earlier one. */
  transaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;
  /** A lean read on a reader connection, as a prepared statement kept per connection (select.ts). */
  select: Select;
  /** Closes the writer and the readers (after `sequelize.close()`). */
  close(): Promise<void>;
}

/**
 * DESIGN §1b on SQLite: one writer connection and one queue for every write, readers on
 * connections of their own under WAL. Sequelize would open a new connection per transaction and
 * send writes made without a transaction over its shared connection, where they interleave with
 * an open IMMEDIATE transaction and sleep in the busy handler (the 10 s stalls of issue 9). Here:
 *
 * - a transaction waits in an in-process FIFO queue, then runs on the writer connection;
 * - a write without a transaction (e.g. `Session.update()`) becomes a one-statement transaction
 *   in the same queue;
 * - a read without a transaction goes to a reader (`query_only`, so a misrouted write fails at
 *   once instead of taking a lock);
 * - a write without its transaction *inside* an open transaction's async context throws
 *   `WriteOutsideTransactionError` (it would otherwise wait for the writer it is itself holding).
 */
export async function installSqliteWriter(
  sequelize: Sequelize,
  options: { storage: string; readers?: number },
): Promise<SqliteWriter> {
  const memory = options.storage === ':memory:';
  const tableInfo = new Map<string, unknown[]>();
  if (!memory) mkdirSync(dirname(options.storage), { recursive: true });
  const writer = await open(options.storage, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE);
  writer.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
  await run(writer, 'PRAGMA foreign_keys = ON');
  if (!memory) {
    await run(writer, 'PRAGMA journal_mode = WAL');
    await run(writer, 'PRAGMA synchronous = NORMAL');
  }
  // An in-memory database exists on one connection only: it reads there too.
  const readers: sqlite3.Database[] = [];
  if (!memory) {
    for (let i = 0; i < (options.readers ?? 2); i++) {
      const reader = await open(options.storage, sqlite3.OPEN_READWRITE);
      reader.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
      await run(reader, 'PRAGMA query_only = ON');
      readers.push(reader);
    }
  }
  let nextReader = 0;
  const reader = () => readers[nextReader++ % readers.length] ?? writer;
  for (const connection of new Set([writer, ...readers])) cacheTableInfo(connection, tableInfo);

  const exclusive = createMutex();
  const inTransaction = new AsyncLocalStorage<{ open: boolean }>();

  const manager = sequelize.connectionManager as unknown as ConnectionManagerLike;
  // A transaction asks with its own uuid; everything else with none ("default").
  manager.getConnection = async (connectionOptions) => {
    if (!connectionOptions?.uuid || connectionOptions.uuid === 'default') return reader();
    // sequelize.transaction() called directly would share the writer with a queued one.
    if (!inTransaction.getStore()?.open) throw new Error('SQLite transactions go through db.transaction()');
    return writer;
  };
  // The connections live as long as the database: nothing is opened or closed per transaction.
  manager.releaseConnection = () => {};

  async function transaction<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    if (inTransaction.getStore()?.open) {
      throw new Error('a transaction inside an open transaction: pass the outer one down instead');
    }
    return exclusive(async () => {
      const state = { open: true };
      try {
        return await inTransaction.run(state, () => sequelize.transaction((t) => work(t)));
      } finally {
        state.open = false;
      }
    });
  }

  const query = sequelize.query.bind(sequelize) as QueryFn;
  const routed: QueryFn = (sql, queryOptions) => {
    if (queryOptions?.transaction) return query(sql, queryOptions);
    const text = typeof sql === 'string' ? sql : sql.query;
    if (READ_SQL.test(text)) return query(sql, queryOptions);
    if (inTransaction.getStore()?.open) return Promise.reject(new WriteOutsideTransactionError(text));
    return transaction((t) => query(sql, { ...queryOptions, transaction: t }));
  };
  Object.defineProperty(sequelize, 'query', { value: routed, configurable: true, writable: true });

  // Prepared once per connection and SQL text, reused by every later read (bounded: the distinct
  // texts are few; past the bound a statement is prepared for the one read and finalized).
  const statements = new Map<sqlite3.Database, Map<string, Promise<sqlite3.Statement>>>();
  const MAX_STATEMENTS = 200;
  const prepare = (connection: sqlite3.Database, sql: string) =>
    new Promise<sqlite3.Statement>((resolve, reject) => {
      const statement = connection.prepare(sql, (error) =>
        error ? reject(asDatabaseError(error)) : resolve(statement),
      );
    });
  const all = (statement: sqlite3.Statement, values: unknown[]) =>
    new Promise<unknown[]>((resolve, reject) =>
      statement.all(values, (error, rows) => (error ? reject(asDatabaseError(error)) : resolve(rows))),
    );
  const select: Select = async <T>(sql: string, params: Parameters<Select>[1] = [], transaction?: Transaction) => {
    const expanded = expandParams(sql, params);
    // In a transaction: on the writer, which runs only that transaction until it ends.
    if (transaction && !inTransaction.getStore()?.open) throw new Error('select: that transaction is not open here');
    const connection = transaction ? writer : reader();
    const cache = statements.get(connection) ?? new Map<string, Promise<sqlite3.Statement>>();
    statements.set(connection, cache);
    let statement = cache.get(expanded.sql);
    if (!statement) {
      statement = prepare(connection, expanded.sql);
      if (cache.size >= MAX_STATEMENTS) {
        const once = await statement;
        try {
          return (await all(once, expanded.values)) as T[];
        } finally {
          once.finalize();
        }
      }
      const key = expanded.sql;
      const mine = statement;
      cache.set(key, mine);
      mine.catch(() => {
        if (cache.get(key) === mine) cache.delete(key);
      });
    }
    return (await all(await statement, expanded.values)) as T[];
  };

  return {
    transaction,
    select,
    async close() {
      const open = [...statements.values()].flatMap((cache) => [...cache.values()]);
      statements.clear();
      await Promise.all(
        open.map((statement) =>
          statement.then(
            (s) => new Promise<void>((resolve) => s.finalize(() => resolve())),
            () => undefined,
          ),
        ),
      );
      await Promise.all([...readers, writer].map(closeConnection));
    },
  };
}
