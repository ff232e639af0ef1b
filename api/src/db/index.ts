import { type Options, Sequelize, Transaction } from 'sequelize';
import type { DatabaseConfig } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { createMarkdownRenderer, type MarkdownRenderer } from '../lib/markdown-worker.js';
import { registerCountHooks } from './counts.js';
import { registerDerivedHooks } from './derived.js';
import { initModels, type Models } from './models/index.js';
import { guardedPg } from './postgres.js';
import { postgresSelect, type Select } from './select.js';
import { installSqliteWriter } from './sqlite.js';

export interface Database {
  sequelize: Sequelize;
  models: Models;
  dialect: 'sqlite' | 'postgres';
  /**
   * Runs `work` in a transaction. On SQLite, every write (transactions and lone statements)
   * queues for the one writer connection and begins IMMEDIATE (sqlite.ts); on PostgreSQL,
   * deadlocks and serialisation failures are retried.
   */
  transaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T>;
  /**
   * A lean read for the hottest queries (select.ts): `?` parameters (an array expands for IN),
   * plain rows with the columns as written, a prepared statement per SQL text; on a reader, or on
   * `transaction`'s own connection when given. Dates come back as Date (PostgreSQL) or text
   * (SQLite): read them with `dateOf`.
   */
  select: Select;
  /** The Markdown renderer the models' hooks use (post and comment HTML): one for previews too. */
  markdown: MarkdownRenderer;
  close(): Promise<void>;
}

const RETRYABLE_PG_CODES = new Set(['40001', '40P01']);

function pgErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const parent = (error as { parent?: { code?: unknown } }).parent;
  return typeof parent?.code === 'string' ? parent.code : undefined;
}

/**
 * A lean read seen like every other statement: logged where Sequelize logs SQL, and passed to
 * `afterQuery` hooks (the query-count tests, any tracing) — only when someone listens.
 */
function observedSelect(sequelize: Sequelize, select: Select, logging: false | ((sql: string) => void)): Select {
  return async <T>(sql: string, params?: Parameters<Select>[1], transaction?: Transaction) => {
    const rows = await select<T>(sql, params, transaction);
    if (logging) logging(sql);
    if (sequelize.hasHook('afterQuery')) {
      // runHooks is Sequelize's own (how its queries call these hooks), missing from its types.
      const hooks = sequelize as unknown as { runHooks(name: string, ...args: unknown[]): Promise<void> };
      await hooks.runHooks('afterQuery', { type: 'SELECT' }, { sql });
    }
    return rows;
  };
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
          dialectModule: guardedPg,
          logging,
          pool: { max: 10, min: 0, idle: 10_000 },
          ...extra,
        });

  // SQLite: one writer connection and one queue for every write, readers of their own (sqlite.ts).
  const writer = config.dialect === 'sqlite' ? await installSqliteWriter(sequelize, { storage: config.storage }) : null;
  if (!writer) await sequelize.authenticate();

  const models = initModels(sequelize);
  const markdown = createMarkdownRenderer();
  registerDerivedHooks(models, markdown);
  registerCountHooks(models);

  async function transaction<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    if (writer) return writer.transaction(work);
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
    select: observedSelect(sequelize, writer ? writer.select : postgresSelect(sequelize), logging),
    markdown,
    async close() {
      await markdown.close();
      await sequelize.close();
      await writer?.close();
    },
  };
}
