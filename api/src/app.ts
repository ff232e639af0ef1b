import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './app-env.js';
import { createAccountService } from './auth/accounts.js';
import { createDeviceCookies } from './auth/device.js';
import { oidcRoutes } from './auth/oidc/routes.js';
import { createOidcService, type OidcOptions } from './auth/oidc/service.js';
import { createOtpService } from './auth/otp.js';
import { createPasswordHasher } from './auth/passwords.js';
import { authRoutes } from './auth/routes.js';
import { createSessionStore, loadSession, SESSION_COOKIE } from './auth/sessions.js';
import type { Config } from './config.js';
import type { Database } from './db/index.js';
import { createAuditLogger } from './features/admin/audit.js';
import { adminRoutes } from './features/admin/routes.js';
import { createAdminService } from './features/admin/service.js';
import { authorRoutes } from './features/authors/routes.js';
import { createAuthorService } from './features/authors/service.js';
import { categoryRoutes } from './features/categories/routes.js';
import { createCategoryService } from './features/categories/service.js';
import { createCommentEvents } from './features/comments/events.js';
import { createCommentPageCache } from './features/comments/page-cache.js';
import { commentRoutes } from './features/comments/routes.js';
import { createCommentService } from './features/comments/service.js';
import { healthRoutes } from './features/health/routes.js';
import { MEDIA_UPLOAD_PATH, mediaRoutes, multipartBodies } from './features/media/routes.js';
import { createMediaService } from './features/media/service.js';
import { createAkismetChecker } from './features/moderation/akismet.js';
import { moderationRoutes } from './features/moderation/routes.js';
import { createModerationService } from './features/moderation/service.js';
import { createPreviewLinks } from './features/posts/preview-links.js';
import { postRoutes } from './features/posts/routes.js';
import { createPostService } from './features/posts/service.js';
import { publishingRoutes } from './features/publishing/routes.js';
import { createPublishingService } from './features/publishing/service.js';
import { revisionRoutes } from './features/scheduling/routes.js';
import { SCHEDULED_PUBLISH_JOB, ScheduledPublishPayloadSchema } from './features/scheduling/schedule.js';
import { createRevisionService } from './features/scheduling/service.js';
import { siteRoutes } from './features/site/routes.js';
import { createSiteService } from './features/site/service.js';
import { jsonOrFormBodies, SIGNED_LINK_PATHS, subscriptionRoutes } from './features/subscriptions/routes.js';
import { createSubscriptionService } from './features/subscriptions/service.js';
import { tagRoutes } from './features/tags/routes.js';
import { createTagService } from './features/tags/service.js';
import { IMPORT_PATH, transferRoutes } from './features/transfer/routes.js';
import { createTransferService } from './features/transfer/service.js';
import { userRoutes } from './features/users/routes.js';
import { announcesComments } from './jobs/index.js';
import type { JobQueue } from './jobs/queue.js';
import { clientIpResolver } from './lib/client-ip.js';
import { type Clock, systemClock } from './lib/clock.js';
import { ApiError } from './lib/errors.js';
import {
  apiCachePolicy,
  createErrorHandler,
  discardBody,
  notFoundOrMethodNotAllowed,
  requestLogger,
  requireJsonBodies,
  sameOriginWrites,
  validationHook,
} from './lib/http.js';
import type { Logger } from './lib/logger.js';
import { withOperationIds } from './lib/openapi.js';
import { createRateLimiter } from './lib/rate-limit.js';
import { securityHeaders } from './lib/security-headers.js';

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  clock?: Clock;
  /** The outbox queue (mail, publish events); the process entry starts its worker. */
  jobs: JobQueue;
  /** How to reach OpenID Connect providers; only tests set this (plain-http issuer, intercepted fetch). */
  oidc?: OidcOptions;
}

export type Services = ReturnType<typeof createServices>;

/**
 * Every service of the API, built once from the app's dependencies: the routes receive them, and
 * an admin bulk action runs the same entity services (posts, comments, users) as a single change.
 */
export function createServices(deps: AppDeps) {
  const { config, db, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const sessions = createSessionStore(db, clock);
  const rateLimiter = createRateLimiter(db, clock);
  const audit = createAuditLogger(db, clock);
  const previewLinks = createPreviewLinks({
    secret: config.sessionSecret,
    clock,
    ttlSeconds: config.previewLinkTtlSeconds,
    publicUrl: config.publicUrl,
  });
  const subscriptions = createSubscriptionService({
    db,
    clock,
    jobs: deps.jobs,
    rateLimiter,
    secret: config.sessionSecret,
    publicUrl: config.publicUrl,
    siteName: config.siteName,
    locale: config.siteLocale,
    digestSeconds: config.notifyDigestSeconds,
    newsletter: config.newsletter,
  });
  const tags = createTagService({ db, clock, audit, jobs: deps.jobs });
  const media = createMediaService({ db, clock, limits: config.media, audit });
  const posts = createPostService({
    db,
    clock,
    jobs: deps.jobs,
    audit,
    previewLinks,
    newsletter: subscriptions,
    tags,
    media,
  });
  // Scheduled posts are published by the outbox when their time comes (features/scheduling).
  deps.jobs.register(SCHEDULED_PUBLISH_JOB, async (payload) => {
    const { postId, publishAt } = ScheduledPublishPayloadSchema.parse(payload);
    await posts.publishScheduled(postId, new Date(publishAt));
  });
  const commentEvents = createCommentEvents({ db, jobs: deps.jobs, clock, enabled: announcesComments(config) });
  const moderation = createModerationService({
    db,
    clock,
    audit,
    rules: config.moderation,
    secret: config.sessionSecret,
    publicUrl: config.publicUrl,
    akismet: config.moderation.akismet
      ? createAkismetChecker({ ...config.moderation.akismet, blog: config.publicUrl, logger })
      : null,
  });
  const comments = createCommentService({
    moderation,
    audit,
    db,
    clock,
    rateLimiter,
    events: commentEvents,
    avatars: config.avatars,
    notify: subscriptions,
    rules: {
      editWindowSeconds: config.commentEditWindowSeconds,
      perUser: { limit: 10, windowSeconds: 60 },
      perIp: { limit: 30, windowSeconds: 60 },
      // Generous: a reader going down a long thread liking as they read.
      likes: { limit: 120, windowSeconds: 60 },
      previews: { limit: 60, windowSeconds: 60 },
    },
  });
  const otp = createOtpService({
    db,
    clock,
    jobs: deps.jobs,
    secret: config.sessionSecret,
    ttlSeconds: config.otpTtlSeconds,
    siteName: config.siteName,
    siteUrl: config.publicUrl,
    locale: config.siteLocale,
  });
  return {
    clock,
    sessions,
    rateLimiter,
    audit,
    posts,
    comments,
    commentEvents,
    subscriptions,
    moderation,
    categories: createCategoryService(db, audit),
    tags,
    revisions: createRevisionService({ db, posts }),
    media,
    transfer: createTransferService({ db, clock, audit, jobs: deps.jobs, tags, media }),
    authors: createAuthorService({ db, clock, jobs: deps.jobs }),
    publishing: createPublishingService({ db, clock, jobs: deps.jobs }),
    site: createSiteService(db, posts),
    oidc: createOidcService({ config, db, clock, logger, sessions, options: deps.oidc, bans: moderation }),
    accounts: createAccountService({
      db,
      clock,
      sessions,
      otp,
      rateLimiter,
      passwords: createPasswordHasher(),
      devices: createDeviceCookies(config.sessionSecret, clock),
      commentEvents,
      jobs: deps.jobs,
      siteName: config.siteName,
      siteUrl: config.publicUrl,
      locale: config.siteLocale,
      bans: moderation,
    }),
    admin: createAdminService({ db, clock, sessions, audit, posts, comments, commentEvents, moderation }),
  };
}

/** Builds the API: every route under /api, nothing listening. */
export function createApp(deps: AppDeps) {
  const { config, db, logger } = deps;
  const services = createServices(deps);
  const { clock, sessions, rateLimiter } = services;
  const clientIp = clientIpResolver(config.trustProxy);
  const secureCookies = config.env === 'production';

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // Every response, the 404 of a path outside /api included, carries an id that its log line shares.
  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', requestLogger(logger));
  // The same headers as nginx sends, on everything this process answers (one-process mode serves
  // the site and the admin app too).
  app.use('*', securityHeaders({ hsts: config.publicUrl.startsWith('https://') }));
  app.use(
    '/api/*',
    secureHeaders({
      crossOriginResourcePolicy: 'same-origin',
      // Set by securityHeaders() from the one definition instead.
      strictTransportSecurity: false,
      xFrameOptions: false,
      referrerPolicy: false,
      xContentTypeOptions: false,
    }),
  );
  app.use('/api/*', apiCachePolicy());
  // Refused before the body is read (or once a chunked one passes the limit). A declared length up
  // to twice the limit plus 1 MB (what nginx lets through) is read and dropped first, so closing
  // cannot reset the connection under the answer; the connection closes either way, since what is
  // left of a body still on it would be taken for the next request.
  const limitTo = (maxSize: number, code: 'payload_too_large' | 'image_too_large', message: string) =>
    bodyLimit({
      maxSize,
      onError: async (c) => {
        await discardBody(c.req.raw, 2 * maxSize + 1024 * 1024);
        throw new ApiError(413, code, message, undefined, { Connection: 'close' });
      },
    });
  const limitBody = limitTo(
    config.maxBodyBytes,
    'payload_too_large',
    `Request bodies are limited to ${config.maxBodyBytes} bytes.`,
  );
  // An image upload (POST /api/media, multipart) may be as large as MEDIA_MAX_BYTES, plus the
  // form's own few hundred bytes; the service refuses a file over the limit with its own code.
  const limitUpload = limitTo(
    config.media.maxBytes + 64 * 1024,
    'image_too_large',
    `Images are limited to ${Math.round(config.media.maxBytes / 1048576)} MB.`,
  );
  // An import (POST /api/admin/import: an export, a Markdown folder, a WXR with its uploads).
  const limitImport = limitTo(
    config.importMaxBytes,
    'payload_too_large',
    `Imports are limited to ${Math.round(config.importMaxBytes / 1048576)} MB (IMPORT_MAX_BYTES).`,
  );
  // The upload's and the import's own limits apply to their multipart bodies only: anything else
  // sent there is held to MAX_BODY_BYTES like every other route (then refused as not multipart).
  const largeBodies = new Map([
    [MEDIA_UPLOAD_PATH, limitUpload],
    [IMPORT_PATH, limitImport],
  ]);
  const largeLimit = (c: { req: { method: string; path: string; header(name: string): string | undefined } }) =>
    c.req.method === 'POST' && /^multipart\/form-data\s*;/i.test(c.req.header('content-type') ?? '')
      ? largeBodies.get(c.req.path)
      : undefined;
  // Only where a body may come: hono's bodyLimit asks a GET for its body too, which turns
  // @hono/node-server's light request into a full Request on every read (6 % of a cached read).
  app.use('/api/*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : (largeLimit(c) ?? limitBody)(c, next),
  );
  // Two routes take a form body: the RFC 8058 one-click POST a mail client sends, and the
  // newsletter sign-up form that works without JavaScript. The one-click POST comes from no page
  // of ours (its signed token is its only authority, no cookie is used), so it skips the CSRF check.
  const jsonBodies = requireJsonBodies();
  const formBodies = jsonOrFormBodies();
  // The two uploads (images, imports) take multipart bodies only, at the paths of largeBodies.
  const multipartPaths = new Map([
    [MEDIA_UPLOAD_PATH, multipartBodies()],
    [IMPORT_PATH, multipartBodies('Send the export as multipart/form-data, in a field named "file".')],
  ]);
  app.use('/api/*', (c, next) =>
    SIGNED_LINK_PATHS.forms.has(c.req.path)
      ? formBodies(c, next)
      : (multipartPaths.get(c.req.path) ?? jsonBodies)(c, next),
  );
  const sameOrigin = sameOriginWrites([config.publicUrl]);
  app.use('/api/*', (c, next) => (SIGNED_LINK_PATHS.crossSite.has(c.req.path) ? next() : sameOrigin(c, next)));
  app.use('/api/*', loadSession(sessions, secureCookies));

  const routes = app
    .route('/api', healthRoutes(db))
    .route('/api', authRoutes({ accounts: services.accounts, sessions, secureCookies, clientIp }))
    .route('/api', postRoutes(services.posts))
    .route('/api', categoryRoutes(services.categories))
    .route('/api', tagRoutes(services.tags))
    .route('/api', revisionRoutes(services.revisions))
    .route('/api', mediaRoutes(services.media))
    .route('/api', transferRoutes(services.transfer, logger))
    .route('/api', authorRoutes(services.authors))
    .route(
      '/api',
      commentRoutes(
        services.comments,
        clientIp,
        createCommentPageCache(config.commentCacheMs, () => clock().getTime()),
        config.avatars,
      ),
    )
    .route(
      '/api',
      siteRoutes(services.site, clock, {
        comments: services.comments,
        editWindowSeconds: config.commentEditWindowSeconds,
        avatars: config.avatars,
        info: config,
      }),
    )
    .route('/api', userRoutes(db))
    .route('/api', moderationRoutes(services.moderation, services.admin))
    .route('/api', subscriptionRoutes(services.subscriptions, clientIp, config.siteName))
    .route('/api', adminRoutes(services))
    .route('/api', publishingRoutes(services.publishing, { webhookSecret: config.webhookSecret, clock, rateLimiter }))
    .route('/api', oidcRoutes(services.oidc, { publicUrl: config.publicUrl, secureCookies, clientIp }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
  });
  // OpenAPI 3.1 (null is a type of its own, so a nullable $ref needs no `nullable` beside it),
  // generated once from the routes' zod schemas, every operation named (withOperationIds).
  let document: ReturnType<typeof app.getOpenAPI31Document> | null = null;
  app.get('/api/openapi.json', (c) => {
    document ??= withOperationIds(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'Blog API',
          version: '1.0.0',
          description: 'JSON API of the blog platform. Errors: { error: { code, message, details? } }.',
        },
        servers: [{ url: config.publicUrl }],
        security: [{ session: [] }],
      }),
    );
    return c.json(document);
  });
  app.onError(createErrorHandler(logger));
  app.notFound(notFoundOrMethodNotAllowed(app));
  return routes;
}

export type AppType = ReturnType<typeof createApp>;
