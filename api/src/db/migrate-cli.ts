import { loadConfig, loadDotEnv } from '../config.js';
import { createLogger } from '../lib/logger.js';
import { createDatabase } from './index.js';
import { migrate } from './migrate.js';

// `npm run migrate`: applies pending migrations to DATABASE_URL and exits.
loadDotEnv();
const config = loadConfig();
const logger = createLogger(config.logLevel);
const db = await createDatabase(config.database, logger);
const applied = await migrate(db.sequelize, logger);
process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
await db.close();
