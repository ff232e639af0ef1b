// The API of bench/comments-api.ts over an existing database, in a process of its own.
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { createApp } from '../../api/src/app.js';
import { loadConfig } from '../../api/src/config.js';
import { createDatabase } from '../../api/src/db/index.js';
import { createBackgroundJobs } from '../../api/src/jobs/index.js';
import { systemClock } from '../../api/src/lib/clock.js';
import { createLogger } from '../../api/src/lib/logger.js';

const databaseUrl = process.argv[2];
// `trust-proxy`: client addresses from X-Real-IP, as behind nginx.
const trustProxy = process.argv.includes('trust-proxy');
if (!databaseUrl) throw new Error('usage: serve-api.ts <DATABASE_URL>');
const config = loadConfig({
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  PUBLIC_URL: 'http://127.0.0.1',
  SESSION_SECRET: randomBytes(32).toString('base64url'),
  WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
  MAIL_TRANSPORT: 'log',
  LOG_LEVEL: 'silent',
  TRUST_PROXY: String(trustProxy),
});
const logger = createLogger('silent');
const db = await createDatabase(config.database, logger);
const jobs = createBackgroundJobs({ config, db, logger, clock: systemClock });
const app = createApp({ config, db, logger, jobs });
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});
