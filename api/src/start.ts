import type { Server } from 'node:http';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { createDatabase, type Database } from './db/index.js';
import { migrate } from './db/migrate.js';
import { prepareContent } from './db/seed.js';
import type { PublishDelivery } from './features/publishing/delivery.js';
import { createBackgroundJobs } from './jobs/index.js';
import type { JobQueue } from './jobs/queue.js';
import { systemClock } from './lib/clock.js';
import { createApiServer, listen } from './lib/http-server.js';
import type { Logger } from './lib/logger.js';

export type App = ReturnType<typeof createApp>;

/**
 * What a process entry adds to the API (one-process mode, packages/one-process): its own delivery
 * of publish events, routes after the API's (the static site, the admin app), work to start once
 * the API listens, and work to stop at shutdown.
 */
export interface ApiExtension {
  /** Whether the outbox worker runs (default true; a site build's throwaway API needs none). */
  jobs?: boolean;
  publish?: PublishDelivery;
  mount?(app: App): void;
  started?(api: RunningApi): void;
  stop?(): Promise<void>;
}

export interface RunningApi {
  app: App;
  db: Database;
  jobs: JobQueue;
  server: Server;
  port: number;
  /** Stops taking requests, lets the outbox round finish, closes the database. */
  stop(): Promise<void>;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * The API's start-up, for every process entry: open and migrate the database, seed what the
 * config asks for, start the outbox worker, serve. `extension` adds what the entry needs.
 */
export async function startApi(config: Config, logger: Logger, extension: ApiExtension = {}): Promise<RunningApi> {
  const db = await createDatabase(config.database, logger);
  const applied = await migrate(db.sequelize, logger);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const seeded = await prepareContent(db, systemClock, config);
  if (seeded) {
    say(
      `Seeded demo content: ${seeded.users} users, ${seeded.categories} categories, ${seeded.posts} posts, ${seeded.comments} comments, ${seeded.likes} likes, ${seeded.images} images.`,
    );
    say(`Demo admin: ${seeded.admin.email} / ${seeded.admin.password}`);
  }
  const jobs = createBackgroundJobs({ config, db, logger, clock: systemClock, publish: extension.publish });
  // The app's services register their own job handlers (scheduled posts): build it first.
  const app = createApp({ config, db, logger, jobs });
  if (extension.jobs !== false) await jobs.start();
  if (config.mail.transport === 'log' && extension.jobs !== false) {
    if (config.env === 'production') {
      logger.warn(
        { outboxDir: config.mail.outboxDir },
        'MAIL_TRANSPORT=log in production: mails are NOT sent; they are written, one-time codes included, to the outbox folder (unsafe: set SMTP_URL)',
      );
    } else {
      say(`No SMTP_URL: mails are written to ${config.mail.outboxDir} and to the log.`);
    }
  }
  extension.mount?.(app);
  const server = createApiServer(app.fetch, logger);
  const info = await listen(server, config.port, config.host);
  say(
    `Blog API listening on ${config.publicUrl} (bound to ${info.address}:${info.port}); try ${config.publicUrl}/api/posts`,
  );
  const running: RunningApi = {
    app,
    db,
    jobs,
    server,
    port: info.port,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.stop();
      await extension.stop?.();
      await db.close();
    },
  };
  extension.started?.(running);
  return running;
}

/** Stops `api` on SIGTERM and SIGINT, and exits; a stop that hangs is cut off after 10 s. */
export function stopOnSignals(api: RunningApi, logger: Logger): void {
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 10_000).unref();
    void api.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** How a process entry reports a failed start: the config's problems as they are, else the stack. */
export function failedToStart(error: unknown): never {
  process.stderr.write(
    error instanceof Error && error.name === 'ConfigError'
      ? `${error.message}\n`
      : `Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
