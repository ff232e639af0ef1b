import { createApp } from './app.js';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { createDatabase } from './db/index.js';
import { migrate } from './db/migrate.js';
import { prepareContent } from './db/seed.js';
import { createBackgroundJobs, runsBuilderInProcess } from './jobs/index.js';
import { systemClock } from './lib/clock.js';
import { createApiServer, listen } from './lib/http-server.js';
import { createLogger } from './lib/logger.js';

// The only file that reads the environment through loadConfig and listens.
async function main() {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = await createDatabase(config.database, logger);
  const applied = await migrate(db.sequelize, logger);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const seeded = await prepareContent(db, systemClock, config);
  if (seeded) {
    say(
      `Seeded demo content: ${seeded.users} users, ${seeded.categories} categories, ${seeded.posts} posts, ${seeded.comments} comments.`,
    );
    say(`Demo admin: ${seeded.admin.email} / ${seeded.admin.password}`);
  }

  // Neither BUILDER_URL nor GitHub dispatch set: one process serves the site, the admin app and the
  // API, with the builder in-process.
  // Imported only here: it needs the site workspace (the builder), which the API's own image leaves out.
  const single = runsBuilderInProcess(config)
    ? (await import('./one-process.js')).createOneProcess(config, logger)
    : null;
  const jobs = createBackgroundJobs({ config, db, logger, clock: systemClock, publish: single?.publish });
  await jobs.start();
  if (config.mail.transport === 'log') {
    if (config.env === 'production') {
      logger.warn(
        { outboxDir: config.mail.outboxDir },
        'MAIL_TRANSPORT=log in production: mails are NOT sent; they are written, one-time codes included, to the outbox folder (unsafe: set SMTP_URL)',
      );
    } else {
      say(`No SMTP_URL: mails are written to ${config.mail.outboxDir} and to the log.`);
    }
  }
  const app = createApp({ config, db, logger, jobs });
  single?.mount(app);
  const server = createApiServer(app.fetch, logger);
  const info = await listen(server, config.port, config.host);
  say(
    `Blog API listening on ${config.publicUrl} (bound to ${info.address}:${info.port}); try ${config.publicUrl}/api/posts`,
  );
  if (single) {
    const { missing } = single.start(info.port, async (input, init) => app.request(input, init));
    say(
      missing
        ? `Building the site into ${config.siteDist} (first start: a few seconds); the blog is at ${config.publicUrl}/`
        : `Serving the site from ${config.siteDist} at ${config.publicUrl}/ (rebuilding it in the background)`,
    );
  } else {
    if (config.builderUrl) say(`Publish webhooks go to ${config.builderUrl}/hooks/publish`);
    if (config.githubDispatch) say(`Publish events go to GitHub: repository_dispatch on ${config.githubDispatch.repo}`);
  }

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void jobs
        .stop()
        .then(() => single?.stop())
        .then(() => db.close())
        .then(() => process.exit(0));
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
