import type { QueryInterface, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import type { Logger } from '../lib/logger.js';
import * as initial from './migrations/0001-initial.js';
import * as jobLeases from './migrations/0002-job-leases.js';
import * as commentLikesPins from './migrations/0003-comment-likes-pins.js';
import * as moderation from './migrations/0004-moderation.js';
import * as account from './migrations/0005-account.js';
import * as subscriptions from './migrations/0006-subscriptions.js';
import * as tags from './migrations/0007-tags.js';
import * as seoAuthors from './migrations/0008-seo-authors.js';
import * as scheduling from './migrations/0009-scheduling.js';
import * as media from './migrations/0010-media.js';

type Migration = {
  up: (p: { context: QueryInterface }) => Promise<void>;
  down: (p: { context: QueryInterface }) => Promise<void>;
};

// Listed explicitly (not globbed) so the same list works from TypeScript sources and bundles.
const MIGRATIONS: Array<[string, Migration]> = [
  ['0001-initial', initial],
  ['0002-job-leases', jobLeases],
  ['0003-comment-likes-pins', commentLikesPins],
  ['0004-moderation', moderation],
  ['0005-account', account],
  ['0006-subscriptions', subscriptions],
  ['0007-tags', tags],
  ['0008-seo-authors', seoAuthors],
  ['0009-scheduling', scheduling],
  ['0010-media', media],
];

/** Umzug over our migration list, recording applied ones in `schema_migrations`. */
export function createMigrator(sequelize: Sequelize, logger?: Logger) {
  return new Umzug<QueryInterface>({
    migrations: MIGRATIONS.map(([name, migration]) => ({
      name,
      up: ({ context }) => migration.up({ context }),
      down: ({ context }) => migration.down({ context }),
    })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: logger
      ? {
          info: (message) => logger.info(message, 'migration'),
          warn: (message) => logger.warn(message, 'migration'),
          error: (message) => logger.error(message, 'migration'),
          debug: (message) => logger.debug(message, 'migration'),
        }
      : undefined,
  });
}

/** Applies every pending migration; returns their names. */
export async function migrate(sequelize: Sequelize, logger?: Logger): Promise<string[]> {
  const applied = await createMigrator(sequelize, logger).up();
  return applied.map((m) => m.name);
}
