import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../app-env.js';
import { requireRole, requireUser, requireVerified } from '../../auth/guards.js';
import type { ClientIp } from '../../lib/client-ip.js';
import { ApiError } from '../../lib/errors.js';
import { createRouter, errorResponses, IdOrSlugParam, IdParam, jsonResponse } from '../../lib/openapi.js';
import { linkPage } from './pages.js';
import { presentSubscription } from './presenter.js';
import {
  AdminNewsletterSchema,
  NewsletterSubscribeAcceptedSchema,
  NewsletterSubscribeSchema,
  SignedTokenQuerySchema,
  SubscriptionListSchema,
  SubscriptionStateSchema,
  UnsubscribedSchema,
} from './schema.js';
import type { SubscriptionService } from './service.js';

const tags = ['Subscriptions'];

const htmlResponse = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

const postSubscription = (method: 'get' | 'put' | 'delete') =>
  createRoute({
    method,
    path: '/posts/{idOrSlug}/subscription',
    tags,
    summary: {
      get: 'Whether you get mails about new comments on this post',
      put: 'Get mails about new comments on this post (verified users; idempotent)',
      delete: 'Stop mails about new comments on this post (idempotent)',
    }[method],
    request: { params: IdOrSlugParam },
    responses: {
      200: jsonResponse(SubscriptionStateSchema, 'Whether you are subscribed now'),
      ...errorResponses(400, 401, 403, 404),
    },
  });

const listSubscriptions = createRoute({
  method: 'get',
  path: '/subscriptions',
  tags,
  summary: 'Your subscriptions (posts, newsletter, reply and moderation mails)',
  responses: { 200: jsonResponse(SubscriptionListSchema, 'Your subscriptions'), ...errorResponses(401, 403) },
});

const deleteSubscription = createRoute({
  method: 'delete',
  path: '/subscriptions/{id}',
  tags,
  summary: 'Stop one of your subscriptions (kept as unsubscribed, so reply-mail opt-outs hold)',
  request: { params: IdParam },
  responses: { 204: { description: 'Unsubscribed' }, ...errorResponses(400, 401, 403, 404) },
});

const unsubscribePage = createRoute({
  method: 'get',
  path: '/unsubscribe',
  tags,
  summary: "An unsubscribe link's page: what it stops, and a button (a plain form) that does it",
  request: { query: SignedTokenQuerySchema },
  responses: { 200: htmlResponse('The confirmation page'), ...errorResponses(400, 403) },
});

/** RFC 8058's body: `List-Unsubscribe=One-Click` (other fields are let through and ignored). */
const OneClickBodySchema = z.object({ 'List-Unsubscribe': z.string().max(100).optional() });

const unsubscribe = createRoute({
  method: 'post',
  path: '/unsubscribe',
  tags,
  summary:
    'One-click unsubscribe (RFC 8058): the signed token is the only authority, no cookie or CSRF check; any body (List-Unsubscribe=One-Click) is ignored',
  request: {
    query: SignedTokenQuerySchema,
    body: {
      required: false,
      description: 'What RFC 8058 mail clients send; ignored',
      content: {
        'multipart/form-data': { schema: OneClickBodySchema },
        'application/x-www-form-urlencoded': { schema: OneClickBodySchema },
      },
    },
  },
  responses: {
    200: {
      description: 'Unsubscribed (idempotent): JSON when asked for, else a page',
      content: { 'application/json': { schema: UnsubscribedSchema }, 'text/html': { schema: z.string() } },
    },
    ...errorResponses(400, 403, 413, 415),
  },
});

const subscribeNewsletter = createRoute({
  method: 'post',
  path: '/newsletter/subscribe',
  tags,
  summary:
    'Sign an address up for new posts by mail: a confirmation mail (double opt-in); always the same answer. A plain HTML form (urlencoded) is sent back to the newsletter page',
  request: {
    body: {
      required: false,
      content: {
        'application/json': { schema: NewsletterSubscribeSchema },
        'application/x-www-form-urlencoded': { schema: NewsletterSubscribeSchema },
      },
    },
  },
  responses: {
    202: jsonResponse(
      NewsletterSubscribeAcceptedSchema,
      'A confirmation mail is on its way, unless the address already gets the newsletter',
    ),
    303: { description: 'The HTML form: back to the newsletter page, which says to check the inbox' },
    ...errorResponses(400, 403, 413, 415, 422, 429),
  },
});

const confirmNewsletter = createRoute({
  method: 'get',
  path: '/newsletter/confirm',
  tags,
  summary: "The confirmation mail's link: the address gets new posts from now on",
  request: { query: SignedTokenQuerySchema },
  responses: { 200: htmlResponse('Confirmed'), ...errorResponses(400, 403, 410) },
});

const newsletterToggle = (method: 'get' | 'put' | 'delete') =>
  createRoute({
    method,
    path: '/newsletter/subscription',
    tags,
    summary: {
      get: 'Whether you get new posts by mail',
      put: 'Get new posts by mail at your verified address, at once (verified users; idempotent)',
      delete: 'Stop getting new posts by mail (idempotent)',
    }[method],
    responses: {
      200: jsonResponse(SubscriptionStateSchema, 'Whether you are subscribed now'),
      ...errorResponses(401, 403),
    },
  });

const adminNewsletter = createRoute({
  method: 'get',
  path: '/admin/newsletter',
  tags: ['Admin'],
  summary: 'Newsletter subscribers (confirmed, pending, unsubscribed) and the latest sends with their delivery states',
  responses: { 200: jsonResponse(AdminNewsletterSchema, 'Newsletter overview'), ...errorResponses(401, 403) },
});

/**
 * Paths createApp lets through with a form body (`forms`) or without the same-origin check
 * (`crossSite`: the RFC 8058 POST, authorised by its signed token alone).
 */
export const SIGNED_LINK_PATHS = {
  forms: new Set(['/api/unsubscribe', '/api/newsletter/subscribe']),
  crossSite: new Set(['/api/unsubscribe']),
};

/**
 * requireJsonBodies() for the form routes: a body is JSON or an urlencoded form; the one-click
 * POST also takes multipart/form-data, which RFC 8058 says mail clients SHOULD send.
 */
export function jsonOrFormBodies(): MiddlewareHandler {
  return async (c, next) => {
    const length = c.req.header('content-length');
    const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
    const type = c.req.header('content-type') ?? '';
    const accepted =
      /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type) ||
      /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type) ||
      (c.req.path === '/api/unsubscribe' && /^multipart\/form-data\s*(;|$)/i.test(type));
    if (c.req.method === 'POST' && hasBody && !accepted) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the request body as application/json or a form.');
    }
    await next();
  };
}

/** Where the sign-up form lands without JavaScript: the site's newsletter page, its "check your inbox" note shown. */
export const NEWSLETTER_SENT_PATH = '/newsletter/#check-your-inbox';

const wantsJson = (c: Context<AppEnv>) => /application\/json/i.test(c.req.header('accept') ?? '');

const KIND_LABEL = {
  post: 'mails about new comments on this post',
  site: 'new posts by mail (the newsletter)',
  replies: 'mails about replies to your comments',
  moderation: 'mails about comments waiting for approval',
} as const;

/** Subscription routes, mounted at /api. */
export function subscriptionRoutes(subscriptions: SubscriptionService, clientIp: ClientIp, siteName: string) {
  const page = (title: string, body: string) => linkPage({ siteName, title, body });
  return createRouter()
    .openapi(postSubscription('get'), async (c) => {
      const user = requireUser(c);
      return c.json({ subscribed: await subscriptions.postState(user, c.req.valid('param').idOrSlug) }, 200);
    })
    .openapi(postSubscription('put'), async (c) => {
      const user = requireVerified(c);
      return c.json(
        { subscribed: await subscriptions.setPostSubscription(user, c.req.valid('param').idOrSlug, true) },
        200,
      );
    })
    .openapi(postSubscription('delete'), async (c) => {
      const user = requireUser(c);
      return c.json(
        { subscribed: await subscriptions.setPostSubscription(user, c.req.valid('param').idOrSlug, false) },
        200,
      );
    })
    .openapi(listSubscriptions, async (c) => {
      const user = requireUser(c);
      return c.json({ items: (await subscriptions.list(user)).map(presentSubscription) }, 200);
    })
    .openapi(deleteSubscription, async (c) => {
      const user = requireUser(c);
      await subscriptions.remove(user, c.req.valid('param').id);
      return c.body(null, 204);
    })
    .openapi(unsubscribePage, async (c) => {
      const { token } = c.req.valid('query');
      const { kind, active } = await subscriptions.describeUnsubscribe(token);
      c.header('Cache-Control', 'private, no-store');
      c.header('X-Robots-Tag', 'noindex');
      return c.html(
        active
          ? page(
              'Unsubscribe',
              `<p>Stop ${KIND_LABEL[kind]}?</p>
<form method="post" action="/api/unsubscribe?token=${encodeURIComponent(token)}"><button type="submit">Unsubscribe</button></form>`,
            )
          : page('Unsubscribed', `<p>You no longer get ${KIND_LABEL[kind]}.</p>`),
        200,
      );
    })
    .openapi(unsubscribe, async (c) => {
      const { kind } = await subscriptions.unsubscribe(c.req.valid('query').token);
      c.header('Cache-Control', 'private, no-store');
      if (wantsJson(c)) return c.json({ unsubscribed: true as const, kind }, 200);
      return c.html(page('Unsubscribed', `<p>Done: you no longer get ${KIND_LABEL[kind]}.</p>`), 200);
    })
    .openapi(subscribeNewsletter, async (c) => {
      const type = c.req.header('content-type') ?? '';
      const form = /^application\/x-www-form-urlencoded/i.test(type);
      const json = /^application\/([\w.-]+\+)?json/i.test(type);
      if (!form && !json) {
        throw new ApiError(415, 'unsupported_media_type', 'Send {"email": …} as JSON, or an HTML form.');
      }
      // The validators ran for the body's type (zod-openapi checks only the type that came).
      const input = json ? c.req.valid('json') : c.req.valid('form');
      const parsed = NewsletterSubscribeSchema.safeParse(input);
      if (!parsed.success) {
        throw new ApiError(422, 'validation_failed', 'Give an email address.', [
          { path: 'email', message: 'required' },
        ]);
      }
      await subscriptions.subscribeAddress(parsed.data.email, clientIp(c));
      if (form) return c.redirect(NEWSLETTER_SENT_PATH, 303);
      return c.json({ status: 'check_your_inbox' as const }, 202);
    })
    .openapi(confirmNewsletter, async (c) => {
      await subscriptions.confirm(c.req.valid('query').token);
      c.header('Cache-Control', 'private, no-store');
      c.header('X-Robots-Tag', 'noindex');
      return c.html(page('Subscribed', '<p>Thank you: new posts will come to you by mail.</p>'), 200);
    })
    .openapi(newsletterToggle('get'), async (c) => {
      return c.json({ subscribed: await subscriptions.newsletterState(requireUser(c)) }, 200);
    })
    .openapi(newsletterToggle('put'), async (c) => {
      return c.json({ subscribed: await subscriptions.setNewsletter(requireVerified(c), true) }, 200);
    })
    .openapi(newsletterToggle('delete'), async (c) => {
      return c.json({ subscribed: await subscriptions.setNewsletter(requireUser(c), false) }, 200);
    })
    .openapi(adminNewsletter, async (c) => {
      requireRole(c, 'admin');
      return c.json(await subscriptions.adminNewsletter(), 200);
    });
}
