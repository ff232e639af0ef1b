import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { sitePath } from '@blog/contract/paths';
import type { Context, MiddlewareHandler } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.pdf': 'application/pdf',
};
const COMPRESSIBLE = new Set(['.html', '.css', '.js', '.mjs', '.json', '.webmanifest', '.xml', '.txt', '.svg', '.map']);

export interface StaticSiteOptions {
  /** The folder served (SITE_DIST, a symlink the builder swaps: resolved on every request). */
  root: string;
  /** URL prefix, with trailing slash: '/' for the site, '/admin/' for the admin app. */
  mount: string;
  /** What a miss gets: the site's 404.html with status 404, or the app's index.html (single-page app). */
  fallback: '404' | 'spa';
  /** URL paths that are never this middleware's (e.g. /api/, /admin/ under the site mount). */
  skip?: string[];
  /** URL prefixes of content-hashed assets, cached for a year as immutable. */
  immutable?: string[];
  /** Paths cached briefly (`cacheControl`), e.g. the comment pages the builder rewrites often. */
  shortLived?: { pattern: RegExp; cacheControl: string };
  /**
   * Asked for a page no file holds (nginx's `try_files … @astro`): the on-demand renderer. Its
   * answer is sent as it is, but a 404 (not a page) and a 503 (nothing built to render with yet)
   * get the usual miss, as nginx does.
   */
  onDemand?: (request: Request) => Promise<Response>;
}

/** The encodings the client accepts, by q-value (q=0 refuses). */
function accepted(header: string | undefined): Set<string> {
  const result = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) result.add(name);
  }
  return result;
}

async function fileStat(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/**
 * Serves a built static folder the way nginx does in production (DESIGN §1,
 * one-process mode): pretty URLs (/posts/x/ → posts/x/index.html, /posts/x →
 * 301 to /posts/x/), the precompressed .br/.gz sibling when the client
 * accepts it (with Vary: Accept-Encoding), HTML revalidated on every visit
 * and hashed assets immutable, ETag/304, and no way out of the folder.
 */
export function staticSite(options: StaticSiteOptions): MiddlewareHandler {
  const immutable = options.immutable ?? [];
  const skip = options.skip ?? [];

  async function send(c: Context, file: string, info: Stats, status: 200 | 404, urlPath: string): Promise<Response> {
    const ext = extname(file).toLowerCase();
    const headers = new Headers({
      'Content-Type': TYPES[ext] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
    });
    let body = file;
    let size = info.size;
    let mtime = info.mtimeMs;
    if (COMPRESSIBLE.has(ext)) {
      headers.set('Vary', 'Accept-Encoding');
      const encodings = accepted(c.req.header('accept-encoding'));
      for (const [encoding, suffix] of [
        ['br', '.br'],
        ['gzip', '.gz'],
      ] as const) {
        if (!encodings.has(encoding)) continue;
        const variant = await fileStat(file + suffix);
        if (variant?.isFile()) {
          headers.set('Content-Encoding', encoding);
          body = file + suffix;
          size = variant.size;
          mtime = variant.mtimeMs;
          break;
        }
      }
    }
    if (ext === '.html' || status === 404) headers.set('Cache-Control', 'no-cache');
    else if (options.shortLived?.pattern.test(urlPath)) headers.set('Cache-Control', options.shortLived.cacheControl);
    else if (immutable.some((prefix) => urlPath.startsWith(prefix))) {
      headers.set('Cache-Control', 'public, max-age=31536000, immutable');
    } else headers.set('Cache-Control', 'public, max-age=3600');
    const etag = `W/"${size.toString(16)}-${Math.floor(mtime).toString(16)}${headers.get('Content-Encoding') ?? ''}"`;
    headers.set('ETag', etag);
    headers.set('Last-Modified', new Date(mtime).toUTCString());
    if (status === 200 && c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers });
    const data = await readFile(body);
    headers.set('Content-Length', String(data.length));
    return new Response(c.req.method === 'HEAD' ? null : data, { status, headers });
  }

  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const rawPath = new URL(c.req.url).pathname;
    if (!rawPath.startsWith(options.mount) && `${rawPath}/` !== options.mount) return next();
    if (skip.some((prefix) => rawPath === prefix.replace(/\/$/, '') || rawPath.startsWith(prefix))) return next();
    if (`${rawPath}/` === options.mount) return c.redirect(options.mount, 301);

    const root = resolve(options.root);
    const rootInfo = await fileStat(root);
    if (!rootInfo?.isDirectory()) return next();

    const notFound = async () => {
      if (options.fallback === 'spa') {
        const index = resolve(root, 'index.html');
        const info = await fileStat(index);
        if (info?.isFile()) return send(c, index, info, 200, rawPath);
      } else {
        const page = resolve(root, '404.html');
        const info = await fileStat(page);
        if (info?.isFile()) return send(c, page, info, 404, rawPath);
      }
      return c.text('Not found', 404, { 'Cache-Control': 'no-cache' });
    };

    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath.slice(options.mount.length - 1));
    } catch {
      return notFound();
    }
    // No NUL, no backslashes, no dot segments (encoded ones included): nothing outside the folder.
    // Nor hidden files (the builder's temporary files start with a dot), but /.well-known/.
    const segments = decoded.split('/');
    if (
      decoded.includes('\0') ||
      decoded.includes('\\') ||
      segments.some((s) => s === '..' || s === '.' || (s.startsWith('.') && s !== '.well-known'))
    ) {
      return notFound();
    }
    let file = resolve(root, `.${decoded}`);
    if (file !== root && !file.startsWith(root + sep)) return notFound();
    if (decoded.endsWith('/')) file = resolve(file, 'index.html');
    let info = await fileStat(file);
    if (info?.isDirectory()) {
      const index = await fileStat(resolve(file, 'index.html'));
      if (index?.isFile()) {
        const query = new URL(c.req.url).search;
        return c.redirect(`${sitePath(rawPath)}/${query}`, 301);
      }
      info = null;
    }
    if (!info?.isFile()) {
      // A single-page app's routes are paths without an extension; a missing asset is a plain 404.
      if (options.fallback === 'spa' && extname(decoded))
        return c.text('Not found', 404, { 'Cache-Control': 'no-cache' });
      if (options.onDemand) {
        const rendered = await options.onDemand(c.req.raw);
        if (rendered.status !== 404 && rendered.status !== 503) return rendered;
        await rendered.body?.cancel();
      }
      return notFound();
    }
    return send(c, file, info, 200, rawPath);
  };
}
