import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server';
import { CONTENT_SECURITY_POLICY } from '../../api/src/lib/security-headers.js';

/**
 * The policy nginx sends with the site (nginx/templates/default.conf.template, checked equal to
 * this one by e2e/deploy-config.test.ts), so the browser tests run under it.
 */
export const SITE_CSP = CONTENT_SECURITY_POLICY;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json',
};

type Fetch = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

/** A built site folder served as nginx serves it: `try_files $uri $uri/index.html`, the 404 page, the CSP. */
export async function serveStatic(root: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
  let path: string;
  try {
    path = decodeURIComponent(new URL(request.url).pathname);
  } catch {
    return new Response(null, { status: 400 });
  }
  const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
  if (!file.startsWith(root + sep)) return new Response(null, { status: 404 });
  const headers = { 'content-security-policy': SITE_CSP, 'cache-control': 'no-store' };
  try {
    const body = await readFile(file);
    return new Response(body, {
      headers: { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' },
    });
  } catch {
    const notFound = await readFile(join(root, '404.html')).catch(() => Buffer.from('Not found'));
    return new Response(notFound, { status: 404, headers: { ...headers, 'content-type': TYPES['.html'] ?? '' } });
  }
}

export interface OneOrigin {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** What answers requests from now on (until then: 503). */
  use(fetch: Fetch): void;
  close(): Promise<void>;
}

/**
 * One HTTP server on 127.0.0.1 and a free port whose handler is set later: the port is known
 * first, so the API can be configured with it as PUBLIC_URL (cookies and its CSRF origin check
 * need the site and /api on one origin, as nginx serves them).
 */
export async function startOneOrigin(): Promise<OneOrigin> {
  let handler: Fetch = () => new Response('starting', { status: 503 });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: (request, env) => handler(request, env), hostname: '127.0.0.1', port: 0 }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The test server has no TCP address');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    use(fetch) {
      handler = fetch;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
