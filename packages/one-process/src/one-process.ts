import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiExtension, App, Config, Logger, PublishDelivery } from '@blog/api';
import { type Builder, COMMENT_PAGE_CACHE_CONTROL, COMMENT_PAGE_PATTERN, createBuilder } from '@blog/site/builder';
import { REPO_ROOT } from './paths.js';
import { staticSite } from './static.js';

/**
 * One-process mode (DESIGN §1, BUILDER_URL unset): the API also serves the
 * static site (SITE_DIST) and the admin app (admin/dist), and runs the
 * builder in-process; the outbox hands publish events straight to it.
 */
export function createOneProcess(config: Config, logger: Logger) {
  let builder: Builder | null = null;

  const extension = {
    /** The outbox's delivery: until the builder runs, jobs wait and retry. */
    publish: (async (event) => {
      if (!builder) throw new Error('the in-process builder is not running yet');
      builder.accept(event);
    }) satisfies PublishDelivery,

    /** Adds the static site and the admin app after the API routes (a path the API answers never gets here). */
    mount(app: App) {
      // While the first build runs there is nothing to serve yet: a page that says so and
      // reloads itself (a meta refresh: the CSP allows no inline script), not the API's JSON 404.
      app.use('*', async (c, next) => {
        const path = c.req.path;
        if (c.req.method !== 'GET' || path.startsWith('/api/') || path.startsWith('/media/')) return next();
        const admin = path === '/admin' || path.startsWith('/admin/');
        const root = admin ? config.adminDist : config.siteDist;
        if (existsSync(join(root, 'index.html'))) return next();
        return c.html(buildingPage(admin ? 'the admin app' : 'your blog'), 503, {
          'Retry-After': '2',
          'Cache-Control': 'no-store',
        });
      });
      app.use(
        '*',
        staticSite({ root: config.adminDist, mount: '/admin/', fallback: 'spa', immutable: ['/admin/assets/'] }),
      );
      // Uploaded images (MEDIA_DIR): every file is written once under a random key, never changed.
      app.use('*', staticSite({ root: config.media.dir, mount: '/media/', fallback: '404', immutable: ['/media/'] }));
      app.use(
        '*',
        staticSite({
          root: config.siteDist,
          mount: '/',
          fallback: '404',
          skip: ['/api/', '/admin/', '/media/'],
          immutable: ['/_astro/'],
          shortLived: { pattern: COMMENT_PAGE_PATTERN, cacheControl: COMMENT_PAGE_CACHE_CONTROL },
          // Draft previews and a post published a moment ago: the builder's on-demand pages.
          onDemand: async (request) =>
            builder ? builder.renderOnDemand(request) : new Response(null, { status: 503 }),
        }),
      );
    },

    /**
     * Starts the builder once the API listens on `port` (the site build reads
     * the API over HTTP), and builds the site: a first build when SITE_DIST
     * is missing, else a rebuild that also warms the fast-path renderer.
     */
    start(port: number, fetchApi: (input: string, init: RequestInit) => Promise<Response>) {
      const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host;
      const apiHost = host.includes(':') ? `[${host}]` : host;
      builder = createBuilder({
        secret: config.webhookSecret,
        siteDist: config.siteDist,
        apiUrl: `http://${apiHost}:${port}/api`,
        publicUrl: config.publicUrl,
        fetch: fetchApi,
        logger,
      });
      const missing = !existsSync(join(config.siteDist, 'index.html'));
      buildAdminIfMissing(config, logger);
      builder.rebuild(missing ? 'first build (SITE_DIST missing)' : 'start-up build (warms the fast path)');
      return { missing, builder };
    },

    /** ApiExtension's hook: start the builder against the API just started, and say where the blog is. */
    started(api: { port: number; app: App }) {
      const { missing } = extension.start(api.port, async (input, init) => api.app.request(input, init));
      process.stdout.write(
        missing
          ? `Building the site into ${config.siteDist} (first start: a few seconds); the blog is at ${config.publicUrl}/\n`
          : `Serving the site from ${config.siteDist} at ${config.publicUrl}/ (rebuilding it in the background)\n`,
      );
    },

    async stop() {
      await builder?.stop();
    },
  };
  return extension satisfies ApiExtension;
}

/** The page shown while `what` is being built for the first time. */
function buildingPage(what: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="2"><title>Building ${what}…</title></head>
<body><main><h1>Building ${what}…</h1><p>This is the first start: it takes a few seconds. This page reloads itself.</p></main></body></html>`;
}

/** On a fresh clone, builds the admin app once (vite build, a few seconds) so /admin/ works after `npm start`. */
function buildAdminIfMissing(config: Config, logger: Logger): void {
  if (existsSync(join(config.adminDist, 'index.html'))) return;
  logger.info('admin/dist is missing: building the admin app');
  const child = spawn('npm', ['run', 'build', '-w', '@blog/admin'], { cwd: REPO_ROOT, stdio: 'ignore' });
  child.on('error', (error) => logger.error({ err: error }, 'could not build the admin app'));
  child.on('exit', (code) => {
    if (code === 0) logger.info(`admin app built: ${config.publicUrl}/admin/`);
    else logger.error({ code }, 'the admin app build failed; run `npm run build -w @blog/admin` to see why');
  });
}
