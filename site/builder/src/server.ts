// The builder as a process of its own (production: BUILDER_URL points here). Its variables are
// those of config.ts: WEBHOOK_SECRET, SITE_DIST, BLOG_API_URL, PUBLIC_URL; optional PORT (4322),
// HOST (127.0.0.1), SITE_RELEASES, BUILD_COMMAND, FOLLOW_UP_REBUILD_SECONDS (30; 0 = never).
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createBuilder } from './builder.js';
import { loadBuilderConfig } from './config.js';
import { SITE_ROOT } from './renderer.js';
import { consoleLogger } from './reporter.js';

let config: ReturnType<typeof loadBuilderConfig>;
try {
  config = loadBuilderConfig(resolve(SITE_ROOT, '..'));
} catch (error) {
  process.stderr.write(`builder: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

const builder = createBuilder({ ...config, logger: consoleLogger });
const server = serve({ fetch: builder.app.fetch, port: config.port, hostname: config.host }, (info) => {
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
