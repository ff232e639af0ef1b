import { isIP } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';

/** The client address as the server saw it: rate-limit keys and session records use it. */
export type ClientIp = (c: Context<AppEnv>) => string;

/** The proxy's X-Real-IP (or last X-Forwarded-For hop) when behind a trusted proxy, else the socket's. */
export function clientIpResolver(trustProxy: boolean): ClientIp {
  return (c) => {
    if (trustProxy) {
      const forwarded = c.req.header('x-real-ip') ?? c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
      // Only an address: anything else (a header the proxy let through) would become a rate-limit key.
      if (forwarded && isIP(forwarded)) return forwarded;
    }
    try {
      return getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      // app.request() in tests has no socket.
      return 'local';
    }
  };
}
