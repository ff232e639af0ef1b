// `npm run build` for the site: the pages need the API. When one answers at BLOG_API_URL the
// build reads it; otherwise this starts the API in this process over the database `npm start`
// uses (migrated, demo-seeded in development), builds against it, and stops it.
// Run from anywhere: npm run build -w site, or npm run build:site at the root.
import { serve } from '@hono/node-server';
import { createApp } from '../../api/src/app.js';
import { loadConfig, loadDotEnv } from '../../api/src/config.js';
import { createDatabase } from '../../api/src/db/index.js';
import { migrate } from '../../api/src/db/migrate.js';
import { prepareContent } from '../../api/src/db/seed.js';
import { createBackgroundJobs } from '../../api/src/jobs/index.js';
import { systemClock } from '../../api/src/lib/clock.js';
import { createLogger } from '../../api/src/lib/logger.js';
import { readSiteEnv } from '../src/env.js';
import { runAstroBuild, SITE_ROOT } from './build-site.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Does an API answer at `apiUrl`? */
async function answers(apiUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** The API of `npm start`, on 127.0.0.1 and a free port, without its background workers. */
async function startApi(): Promise<{ apiUrl: string; stop(): Promise<void> }> {
  // Same working folder as `npm start`, so the same .env and ./data/blog.db.
  process.chdir(`${SITE_ROOT}/..`);
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const db = await createDatabase(config.database, logger);
  await migrate(db.sequelize, logger);
  const seeded = await prepareContent(db, systemClock, config);
  if (seeded) say(`Seeded demo content: ${seeded.posts} posts.`);
  // The queue is never started: a build only reads.
  const jobs = createBackgroundJobs({ config, db, logger, clock: systemClock });
  const app = createApp({ config, db, logger, jobs });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The API server has no TCP address');
  return {
    apiUrl: `http://127.0.0.1:${address.port}/api`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

const env = readSiteEnv();
let api: Awaited<ReturnType<typeof startApi>> | null = null;
if (await answers(env.apiUrl)) {
  say(`Building against the API at ${env.apiUrl}`);
} else {
  api = await startApi();
  say(`No API at ${env.apiUrl}; started one for the build at ${api.apiUrl}`);
}
try {
  const result = await runAstroBuild({ apiUrl: api?.apiUrl ?? env.apiUrl, publicUrl: env.publicUrl });
  process.stdout.write(result.output);
  say(`Site built into ${SITE_ROOT}/dist in ${(result.durationMs / 1000).toFixed(1)} s`);
} finally {
  await api?.stop();
}
