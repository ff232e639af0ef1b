import { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler, TypedResponse } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import type { z } from 'zod';
import { databaseErrorToApiError } from '../db/errors.js';
import { ApiError, type ErrorCode, type ErrorDetail } from './errors.js';
import type { Logger } from './logger.js';

const CODES_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
  503: 'unavailable',
};

function errorBody(code: ErrorCode, message: string, requestId: string | undefined, details?: ErrorDetail[]) {
  return { error: { code, message, ...(details ? { details } : {}), ...(requestId ? { requestId } : {}) } };
}

/** Whether the request's own connection closed before its body was complete (node:http only). */
function requestBodyAborted(c: Context): boolean {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return false;
  const { incoming } = env;
  return incoming instanceof IncomingMessage && incoming.destroyed && !incoming.complete;
}

/**
 * The one error renderer: ApiError and Hono's HTTPException as their status, a body the client
 * stopped sending a 400, anything else a logged 500.
 */
export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context) => {
    const requestId = c.get('requestId') as string | undefined;
    const fromDatabase = databaseErrorToApiError(error);
    if (fromDatabase) {
      logger.warn({ err: error, requestId, method: c.req.method, path: c.req.path }, fromDatabase.code);
      error = fromDatabase;
    }
    if (error instanceof ApiError) {
      if (error.headers) for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(errorBody(error.code, error.message, requestId, error.details), error.status);
    }
    if (error instanceof HTTPException && error.status < 500) {
      const status = error.status as ContentfulStatusCode;
      const message =
        error.message === 'Malformed JSON in request body' ? 'The request body is not valid JSON.' : error.message;
      return c.json(errorBody(CODES_BY_STATUS[status] ?? 'bad_request', message || 'Bad request.', requestId), status);
    }
    if (requestBodyAborted(c)) {
      // The client closed the connection before its body arrived whole: nothing failed here, and
      // no one reads this answer; the log line should say so rather than count a 500.
      logger.info({ requestId, method: c.req.method, path: c.req.path }, 'request body aborted by the client');
      return c.json(errorBody('bad_request', 'The request body did not arrive whole.', requestId), 400);
    }
    logger.error({ err: error, requestId, method: c.req.method, path: c.req.path }, 'unhandled error');
    return c.json(errorBody('internal_error', 'Something went wrong on our side.', requestId), 500);
  };
}

/** Turns zod issues into the `details` list of the error shape. */
export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}

/** The validation hook every route uses: 422 for bodies, 400 for query, path and header values. */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target: string },
): void {
  if (result.success) return;
  const details = zodDetails(result.error);
  if (result.target === 'json' || result.target === 'form') {
    throw new ApiError(422, 'validation_failed', 'The request body is invalid.', details);
  }
  throw new ApiError(
    400,
    'invalid_request',
    `Invalid ${result.target === 'param' ? 'path' : result.target} parameters.`,
    details,
  );
}

function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** 404 for unknown paths, 405 with `Allow` for known paths with another method. */
export function notFoundOrMethodNotAllowed(app: { routes: ReadonlyArray<{ method: string; path: string }> }) {
  let routes: Array<{ method: string; pattern: RegExp }> | null = null;
  return (c: Context) => {
    routes ??= app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => ({ method: route.method, pattern: pathPattern(route.path) }));
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method))];
    const requestId = c.get('requestId') as string | undefined;
    if (allowed.length > 0) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      c.header('Allow', allowed.join(', '));
      return c.json(
        errorBody('method_not_allowed', `${c.req.method} is not allowed here; use ${allowed.join(', ')}.`, requestId),
        405,
      );
    }
    return c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}.`, requestId), 404);
  };
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Bodies of state-changing requests must be JSON (415 otherwise), so no form can post cross-site. */
export function requireJsonBodies(): MiddlewareHandler {
  return async (c, next) => {
    if (UNSAFE_METHODS.has(c.req.method)) {
      const length = c.req.header('content-length');
      const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
      const type = c.req.header('content-type') ?? '';
      if (hasBody && !/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type)) {
        throw new ApiError(415, 'unsupported_media_type', 'Send the request body as application/json.');
      }
    }
    await next();
  };
}

/**
 * CSRF defence for cookie-authenticated writes: a state-changing request that
 * a browser marks as cross-site, or whose Origin is not one of ours, is refused.
 */
export function sameOriginWrites(allowedOrigins: string[]): MiddlewareHandler {
  const allowed = new Set(allowedOrigins.map((origin) => new URL(origin).origin));
  return async (c, next) => {
    if (UNSAFE_METHODS.has(c.req.method)) {
      const site = c.req.header('sec-fetch-site');
      const origin = c.req.header('origin');
      if (
        site === 'cross-site' ||
        (origin !== undefined && origin !== 'null' && !allowed.has(origin)) ||
        origin === 'null'
      ) {
        throw new ApiError(403, 'csrf_rejected', 'Cross-site requests cannot change anything here.');
      }
    }
    await next();
  };
}

/**
 * The API's default Cache-Control, for responses whose route set none: anything a session can
 * shape (a request with cookies, or under /api/auth and /api/admin) is `private, no-store`, so
 * no browser or proxy cache keeps personal data; anonymous reads are `no-cache` with
 * `Vary: Cookie` (stored at most until revalidated, never shared with a signed-in reader).
 */
export function apiCachePolicy(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.res.headers.has('cache-control')) return;
    const personal =
      c.req.header('cookie') !== undefined || c.req.method !== 'GET' || /^\/api\/(auth|admin)(\/|$)/.test(c.req.path);
    c.res.headers.set('Cache-Control', personal ? 'private, no-store' : 'no-cache');
    if (!personal) c.res.headers.append('Vary', 'Cookie');
  };
}

/** One JSON log line per request, with its id, status and duration. */
export function requestLogger(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  };
}

/**
 * A JSON body encoded once (a cache's bytes) sent as it is, typed as the `T` it encodes, exactly
 * as `c.json(value, status)` would be (the route's declared response stays checked).
 */
export function encodedJson<T extends object, S extends ContentfulStatusCode>(
  c: Context,
  bytes: Uint8Array,
  status: S,
): Response & TypedResponse<JSONParsed<T>, S, 'json'> {
  const response: Response = c.body(bytes as Uint8Array<ArrayBuffer>, status, { 'Content-Type': 'application/json' });
  // The types say what the bytes are: hono's TypedResponse is a compile-time brand only.
  return response as Response & TypedResponse<JSONParsed<T>, S, 'json'>;
}

/** A refused body is read and dropped while it keeps coming: for at most this long in all... */
const DISCARD_TIMEOUT_MS = 5_000;
/** ...and with no pause longer than this (a client that stalls gets its answer at once). */
const DISCARD_IDLE_MS = 250;

/**
 * Reads and drops a refused request's body, when it declared its length and that length is at most
 * `cap`, so that the connection can close after the answer without resetting it: closing a socket
 * on a body still arriving sends a TCP reset, which can destroy the answer on its way (nginx, still
 * sending the body it buffered, then reports 502 instead of the API's 413). nginx's own "lingering
 * close", bounded by bytes, by time and by pauses. Resolves whether the body was read whole; one
 * that is chunked, already being read, larger than `cap` or stalled is left on the connection.
 */
export async function discardBody(request: Request, cap: number): Promise<boolean> {
  const declared = Number(request.headers.get('content-length'));
  const body = request.body;
  if (!body || body.locked || request.headers.has('transfer-encoding')) return false;
  if (!Number.isSafeInteger(declared) || declared > cap) return false;
  const reader = body.getReader();
  const deadline = performance.now() + DISCARD_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const pause = () =>
    new Promise<'stalled'>((resolve) => {
      timer = setTimeout(() => resolve('stalled'), Math.min(DISCARD_IDLE_MS, deadline - performance.now()));
    });
  try {
    for (let read = 0; read <= cap; ) {
      const chunk = await Promise.race([reader.read(), pause()]);
      clearTimeout(timer);
      if (chunk === 'stalled') return false;
      if (chunk.done) return true;
      read += chunk.value.byteLength;
    }
    return false;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}
