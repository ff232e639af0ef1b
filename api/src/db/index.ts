import { type Options, Sequelize, Transaction } from 'sequelize';
import type { DatabaseConfig } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { registerCountHooks } from './counts.js';
import { registerDerivedHooks } from './derived.js';
import { initModels, type Models } from './models/index.js';

export interface Database {
  sequelize: Sequelize;
  models: Models;
  dialect: 'sqlite' | 'postgres';
  /**
   * Runs `work` in a transaction. On SQLite, transactions are serialised in
   * this process and begin IMMEDIATE (one writer at a time, no upgrade
   * deadlocks); on PostgreSQL, deadlocks and serialisation failures are retried.
   */
  transaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const SQLITE_BUSY_TIMEOUT_MS = 10_000;
const RETRYABLE_PG_CODES = new Set(['40001', '40P01']);

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

function pgErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const parent = (error as { parent?: { code?: unknown } }).parent;
  return typeof parent?.code === 'string' ? parent.code : undefined;
}

interface SqliteHandle {
  configure(option: 'busyTimeout', value: number): void;
}
function isSqliteHandle(value: unknown): value is SqliteHandle {
  return typeof value === 'object' && value !== null && typeof (value as SqliteHandle).configure === 'function';
}

/** Opens the database of `config` and binds a fresh set of models to it. Never syncs: run migrations. */
export async function createDatabase(
  config: DatabaseConfig,
  logger?: Logger,
  extra: Partial<Options> = {},
): Promise<Database> {
  const logging = logger ? (sql: string) => logger.trace({ sql }, 'sql') : false;
  const sequelize =
    config.dialect === 'sqlite'
      ? new Sequelize({
          dialect: 'sqlite',
          storage: config.storage,
          logging,
          transactionType: Transaction.TYPES.IMMEDIATE,
          ...extra,
        })
      : new Sequelize(config.url, {
          dialect: 'postgres',
          logging,
          pool: { max: 10, min: 0, idle: 10_000 },
          ...extra,
        });

  if (config.dialect === 'sqlite') {
    // Sequelize opens one SQLite connection per transaction; give each a busy
    // timeout so a writer in another process waits instead of failing.
    const manager = sequelize.connectionManager as unknown as {
      getConnection(options?: object): Promise<unknown>;
    };
    const getConnection = manager.getConnection.bind(manager);
    manager.getConnection = async (options?: object) => {
      const connection = await getConnection(options);
      if (isSqliteHandle(connection)) connection.configure('busyTimeout', SQLITE_BUSY_TIMEOUT_MS);
      return connection;
    };
    await sequelize.query('PRAGMA journal_mode = WAL');
    await sequelize.query('PRAGMA synchronous = NORMAL');
  } else {
    await sequelize.authenticate();
  }

  const models = initModels(sequelize);
  registerDerivedHooks(models);
  registerCountHooks(models);
  const exclusive = createMutex();

  async function transaction<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    if (config.dialect === 'sqlite') {
      return exclusive(() => sequelize.transaction((t) => work(t)));
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await sequelize.transaction((t) => work(t));
      } catch (error) {
        const code = pgErrorCode(error);
        if (attempt >= 8 || !code || !RETRYABLE_PG_CODES.has(code)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  return {
    sequelize,
    models,
    dialect: config.dialect,
    transaction,
    close: () => sequelize.close(),
  };
}
