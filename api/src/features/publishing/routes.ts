import {
  checkSignature,
  MAX_AGE_SECONDS,
  MAX_FUTURE_SECONDS,
  SIGNATURE_HEADER,
  SIGNATURE_MESSAGES,
  TIMESTAMP_HEADER,
} from '@blog/contract/signature';
import { createRoute } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../app-env.js';
import { requireRole } from '../../auth/guards.js';
import type { Clock } from '../../lib/clock.js';
import { ApiError } from '../../lib/errors.js';
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../../lib/openapi.js';
import type { RateLimiter } from '../../lib/rate-limit.js';
import {
  BuildListQuerySchema,
  BuildListSchema,
  BuildSchema,
  CreateBuildSchema,
  RebuildQueuedSchema,
  RebuildRequestSchema,
  UpdateBuildSchema,
} from './schema.js';
import { type PublishingService, presentBuild } from './service.js';

/**
 * The builder's writes are authenticated by the webhook's HMAC scheme (not by
 * a cookie): the signature covers "timestamp.rawBody" with WEBHOOK_SECRET.
 * This middleware reads the raw body (before the JSON validator, which then
 * parses the same text) and notes the verdict; `requireSignature` enforces it
 * in the handler, so malformed bodies answer 400/422 like every other route.
 */
export function checkBuilderSignature(secret: string, clock: Clock): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const body = await c.req.text();
    c.set(
      'signature',
      // The method and path are signed too (the builder's reporter signs them): a captured record
      // cannot be replayed against another build.
      checkSignature(
        secret,
        c.req.header(TIMESTAMP_HEADER),
        c.req.header(SIGNATURE_HEADER),
        body,
        clock(),
        `${c.req.method} ${c.req.path}`,
      ),
    );
    await next();
  };
}

/**
 * 401 unless the request carried a valid signature; 409 `replayed` when the same signed request
 * (method, path, timestamp and body) arrives again within the signature's lifetime. The seen
 * signatures live in the database, so every API replica refuses the replay.
 */
async function requireSignature(c: Context<AppEnv>, rateLimiter: RateLimiter): Promise<void> {
  const check = c.get('signature') ?? { ok: false, reason: 'missing' };
  if (!check.ok) throw new ApiError(401, 'bad_signature', SIGNATURE_MESSAGES[check.reason]);
  const key = `replay:${c.req.method} ${c.req.path}:${c.req.header(SIGNATURE_HEADER) ?? ''}`;
  const { count } = await rateLimiter.increment(key, {
    limit: 1,
    windowSeconds: MAX_AGE_SECONDS + MAX_FUTURE_SECONDS,
  });
  if (count > 1) throw new ApiError(409, 'replayed', 'This signed request was already received.');
}

const builderSecurity = [{ webhookSignature: [] }];

const createBuild = createRoute({
  method: 'post',
  path: '/builds',
  tags: ['Builds'],
  summary: 'Record a site build (the builder; HMAC-signed)',
  security: builderSecurity,
  request: { body: jsonBody(CreateBuildSchema) },
  responses: {
    201: jsonResponse(BuildSchema, 'The recorded build'),
    ...errorResponses(400, 401, 409, 413, 415, 422),
  },
});

const updateBuild = createRoute({
  method: 'patch',
  path: '/builds/{id}',
  tags: ['Builds'],
  summary: "Update a build's status, duration, pages or error (the builder; HMAC-signed)",
  security: builderSecurity,
  request: { params: IdParam, body: jsonBody(UpdateBuildSchema) },
  responses: {
    200: jsonResponse(BuildSchema, 'The build'),
    ...errorResponses(400, 401, 404, 409, 413, 415, 422),
  },
});

const listRebuilds = createRoute({
  method: 'get',
  path: '/admin/rebuilds',
  tags: ['Admin'],
  summary: 'Site builds, newest first (admins)',
  request: { query: BuildListQuerySchema },
  responses: { 200: jsonResponse(BuildListSchema, 'One page of builds'), ...errorResponses(400, 401, 403) },
});

const requestRebuild = createRoute({
  method: 'post',
  path: '/admin/rebuilds',
  tags: ['Admin'],
  summary: 'Queue a full rebuild of the site (admins)',
  request: { body: { ...jsonBody(RebuildRequestSchema), required: false } },
  responses: {
    202: jsonResponse(RebuildQueuedSchema, 'The rebuild is queued in the outbox'),
    ...errorResponses(400, 401, 403, 413, 415, 422),
  },
});

/** Build records and rebuild requests, mounted at /api. */
export function publishingRoutes(
  service: PublishingService,
  options: { webhookSecret: string; clock: Clock; rateLimiter: RateLimiter },
) {
  const router = createRouter();
  router.openAPIRegistry.registerComponent('securitySchemes', 'webhookSignature', {
    type: 'apiKey',
    in: 'header',
    name: SIGNATURE_HEADER,
    description: `sha256=<hex HMAC-SHA256 of "<${TIMESTAMP_HEADER}>.<METHOD> <path>.<raw body>"> keyed with WEBHOOK_SECRET; ${TIMESTAMP_HEADER} is unix seconds, at most 5 minutes old`,
  });
  const signed = checkBuilderSignature(options.webhookSecret, options.clock);
  router.use('/builds', signed);
  router.use('/builds/*', signed);
  return router
    .openapi(createBuild, async (c) => {
      await requireSignature(c, options.rateLimiter);
      const build = await service.createBuild(c.req.valid('json'));
      return c.json(presentBuild(build), 201);
    })
    .openapi(updateBuild, async (c) => {
      await requireSignature(c, options.rateLimiter);
      const build = await service.updateBuild(c.req.valid('param').id, c.req.valid('json'));
      return c.json(presentBuild(build), 200);
    })
    .openapi(listRebuilds, async (c) => {
      requireRole(c, 'admin');
      const { page, limit } = c.req.valid('query');
      const { rows, total } = await service.listBuilds(page, limit);
      return c.json({ items: rows.map(presentBuild), page, limit, total, totalPages: Math.ceil(total / limit) }, 200);
    })
    .openapi(requestRebuild, async (c) => {
      const admin = requireRole(c, 'admin');
      // The body is optional: without a JSON content type the validator hands over {}.
      return c.json(await service.requestRebuild(admin, c.req.valid('json').reason), 202);
    });
}
