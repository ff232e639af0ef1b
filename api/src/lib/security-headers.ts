import type { MiddlewareHandler } from 'hono';

/**
 * The site's own scripts and styles only: the Astro build emits no inline script or style
 * (inlineStylesheets: 'never') and the admin app is built by Vite into files.
 * 'wasm-unsafe-eval' lets the search (Pagefind, /pagefind/pagefind.js and its worker) compile its
 * WebAssembly, which it fetches from the site itself: it allows WebAssembly compilation only, not
 * eval() or new Function(), and no script from anywhere but the site.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The security headers of every response, in both modes: the one definition. nginx's template
 * (nginx/templates/default.conf.template) carries them as `add_header` lines, checked against
 * this list by e2e/deploy-config.test.ts; one-process mode sends them from `securityHeaders()`.
 */
export const SECURITY_HEADERS: ReadonlyArray<readonly [name: string, value: string]> = [
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ['X-Frame-Options', 'DENY'],
];

/** Sent only when the site is served over HTTPS (NGINX_HSTS=on; an https PUBLIC_URL in one-process mode). */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** The nginx lines of SECURITY_HEADERS, as the template must hold them. */
export const nginxSecurityHeaderLines = (): string[] =>
  SECURITY_HEADERS.map(([name, value]) => `add_header ${name} "${value}" always;`);

/** Sets SECURITY_HEADERS (and HSTS when `hsts`) on every response, errors and static files included. */
export function securityHeaders(options: { hsts: boolean }): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of SECURITY_HEADERS) c.res.headers.set(name, value);
    if (options.hsts) c.res.headers.set('Strict-Transport-Security', HSTS);
  };
}
