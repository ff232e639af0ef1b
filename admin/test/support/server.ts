// The admin app's test server: the real API over a temporary seeded database, the built admin
// app at /admin/ on the same origin (as nginx and the one-process mode serve it), and a stand-in
// for the builder that records builds through the same signed /api/builds API the real one uses.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signedHeaders } from '@blog/contract/signature';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createApp } from '../../../api/src/app.js';
import { loadConfig } from '../../../api/src/config.js';
import type { Database } from '../../../api/src/db/index.js';
import { seedDemo } from '../../../api/src/db/seed.js';
import type { PublishDelivery } from '../../../api/src/features/publishing/delivery.js';
import type { PublishEvent } from '../../../api/src/features/publishing/schema.js';
import { createBackgroundJobs } from '../../../api/src/jobs/index.js';
import { systemClock } from '../../../api/src/lib/clock.js';
import { createLogger } from '../../../api/src/lib/logger.js';
import { createTestDatabase } from '../../../api/test/db.js';
import { staticSite } from '../../../packages/one-process/src/static.js';

/** The CSP nginx sends (nginx/templates/default.conf.template): the app must work under it. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

export interface AdminServer {
  /** The origin, e.g. http://127.0.0.1:41234 (PUBLIC_URL). */
  url: string;
  db: Database;
  /** The publish events the stand-in builder received, in order. */
  events: PublishEvent[];
  stop(): Promise<void>;
}

/** Records one build per event through the API, as site/builder does: running, then done. */
function recordingBuilder(origin: () => string, secret: string, events: PublishEvent[]): PublishDelivery {
  const send = async (method: 'POST' | 'PATCH', path: string, value: unknown): Promise<number> => {
    const body = JSON.stringify(value);
    const res = await fetch(`${origin()}/api${path}`, {
      method,
      headers: signedHeaders(secret, body, new Date(), `${method} /api${path}`),
      body,
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    const build: unknown = await res.json();
    if (typeof build !== 'object' || build === null || !('id' in build) || typeof build.id !== 'number') {
      throw new Error(`${method} ${path}: no build id in the answer`);
    }
    return build.id;
  };
  return async (event) => {
    events.push(event);
    const started = new Date();
    const id = await send('POST', '/builds', {
      reason:
        event.event === 'rebuild'
          ? `rebuild: ${event.reason ?? 'requested'}`
          : `fast path: post ${event.postId} ${event.event}`,
      postId: event.event === 'rebuild' ? null : event.postId,
      status: 'running',
      startedAt: started.toISOString(),
    });
    await send('PATCH', `/builds/${id}`, {
      status: 'done',
      finishedAt: new Date().toISOString(),
      durationMs: Math.max(1, Date.now() - started.getTime()),
      pages: event.event === 'rebuild' ? 30 : 4,
    });
  };
}

/**
 * Starts the API with the demo data and the admin app from `adminDist`, on 127.0.0.1 and a free
 * port; `env` adds to the API's configuration (e.g. TRUST_PROXY, as behind nginx).
 */
export async function startAdminServer(
  adminDist: string,
  options: { env?: Record<string, string> } = {},
): Promise<AdminServer> {
  const database = await createTestDatabase();
  const clock = systemClock;
  // Listening first: PUBLIC_URL (the CSRF origin check) needs the port.
  const front = new Hono();
  let server: ServerType | undefined;
  const listening = new Promise<AddressInfo>((resolve) => {
    server = serve({ fetch: front.fetch, port: 0, hostname: '127.0.0.1' }, resolve);
  });
  const { port } = await listening;
  const url = `http://127.0.0.1:${port}`;

  const config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: url,
    MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'blog-admin-outbox-')),
    MEDIA_DIR: mkdtempSync(join(tmpdir(), 'blog-admin-media-')),
    ...options.env,
  });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  await seedDemo(database.db, clock);
  const events: PublishEvent[] = [];
  const jobs = createBackgroundJobs(
    { config, db: database.db, logger, clock, publish: recordingBuilder(() => url, config.webhookSecret, events) },
    { pollMs: 100, backoffMs: (attempt) => Math.min(200 * attempt, 1000) },
  );
  const api = createApp({ config, db: database.db, logger, clock, jobs });

  front.use('/admin/*', async (c, next) => {
    await next();
    c.res.headers.set('Content-Security-Policy', CSP);
  });
  front.use('*', staticSite({ root: adminDist, mount: '/admin/', fallback: 'spa', immutable: ['/admin/assets/'] }));
  front.all('*', (c) => api.fetch(c.req.raw, c.env));
  await jobs.start();

  return {
    url,
    db: database.db,
    events,
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await jobs.stop();
      await database.destroy();
    },
  };
}
