// The builder as a process of its own (production: BUILDER_URL points here).
//   WEBHOOK_SECRET, SITE_DIST, BLOG_API_URL, PUBLIC_URL; optional PORT (4322), HOST (127.0.0.1),
//   SITE_RELEASES (releases beside SITE_DIST), BUILD_COMMAND, FOLLOW_UP_REBUILD_SECONDS (30; 0 = never).
import { isAbsolute, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createBuilder } from './builder.js';
import { SITE_ROOT } from './renderer.js';
import { consoleLogger } from './reporter.js';

const env = process.env;
const fail = (message: string): never => {
  process.stderr.write(`builder: ${message}\n`);
  process.exit(1);
};
const secret = env.WEBHOOK_SECRET ?? fail('WEBHOOK_SECRET is required');
if (secret.length < 32) fail('WEBHOOK_SECRET must be at least 32 characters');
const repoRoot = resolve(SITE_ROOT, '..');
const fromRoot = (path: string) => (isAbsolute(path) ? path : resolve(repoRoot, path));
const followUp = Number(env.FOLLOW_UP_REBUILD_SECONDS ?? '30');

const builder = createBuilder({
  secret,
  siteDist: fromRoot(env.SITE_DIST ?? './site/dist'),
  releasesDir: env.SITE_RELEASES ? fromRoot(env.SITE_RELEASES) : undefined,
  apiUrl: (env.BLOG_API_URL ?? 'http://127.0.0.1:8080/api').replace(/\/+$/, ''),
  publicUrl: (env.PUBLIC_URL ?? 'http://localhost:8080').replace(/\/+$/, ''),
  buildCommand: env.BUILD_COMMAND || null,
  followUpDelayMs: followUp > 0 ? followUp * 1000 : null,
  logger: consoleLogger,
});
const port = Number(env.PORT ?? '4322');
const server = serve({ fetch: builder.app.fetch, port, hostname: env.HOST ?? '127.0.0.1' }, (info) => {
  process.stdout.write(`Builder listening on ${info.address}:${info.port}; POST /hooks/publish\n`);
  builder.rebuild('start-up build');
});
const shutdown = () => {
  server.close();
  void builder.stop().then(() => process.exit(0));
  setTimeout(() => process.exit(1), 10_000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
