import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../auth/guards.js';
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../../lib/openapi.js';
import { pageOf } from '../admin/query.js';
import { BulkResultSchema } from '../admin/schema.js';
import type { AdminService } from '../admin/service.js';
import { presentBan, presentModerationEvent } from './presenter.js';
import {
  BanListSchema,
  BanQuerySchema,
  BanSchema,
  CreateBanSchema,
  ModerationLogQuerySchema,
  ModerationLogSchema,
  ModerationSettingsSchema,
  PurgeRequestSchema,
  UpdateModerationSettingsSchema,
} from './schema.js';
import type { ModerationService } from './service.js';

const tags = ['Moderation'];

const getSettings = createRoute({
  method: 'get',
  path: '/admin/moderation/settings',
  tags,
  summary: 'The moderation mode, the spam rules’ limits and the forbidden words (admins)',
  responses: { 200: jsonResponse(ModerationSettingsSchema, 'The settings'), ...errorResponses(401, 403) },
});

const putSettings = createRoute({
  method: 'put',
  path: '/admin/moderation/settings',
  tags,
  summary: 'Replace the forbidden words: a comment containing one waits for approval (admins)',
  request: { body: jsonBody(UpdateModerationSettingsSchema) },
  responses: {
    200: jsonResponse(ModerationSettingsSchema, 'The settings'),
    ...errorResponses(400, 401, 403, 415, 422),
  },
});

const listLog = createRoute({
  method: 'get',
  path: '/admin/moderation/log',
  tags,
  summary: 'Every spam and moderation decision with its reason, newest first (admins)',
  request: { query: ModerationLogQuerySchema },
  responses: { 200: jsonResponse(ModerationLogSchema, 'A page of decisions'), ...errorResponses(400, 401, 403) },
});

const listBans = createRoute({
  method: 'get',
  path: '/admin/bans',
  tags,
  summary: 'Bans by address or prefix and by email domain (admins)',
  request: { query: BanQuerySchema },
  responses: { 200: jsonResponse(BanListSchema, 'A page of bans'), ...errorResponses(400, 401, 403) },
});

const createBan = createRoute({
  method: 'post',
  path: '/admin/bans',
  tags,
  summary: 'Ban an address, a prefix or an email domain from signing up and commenting (admins)',
  request: { body: jsonBody(CreateBanSchema) },
  responses: { 201: jsonResponse(BanSchema, 'The ban'), ...errorResponses(400, 401, 403, 409, 415, 422) },
});

const deleteBan = createRoute({
  method: 'delete',
  path: '/admin/bans/{id}',
  tags,
  summary: 'Lift a ban (admins)',
  request: { params: IdParam },
  responses: { 204: { description: 'Lifted' }, ...errorResponses(400, 401, 403, 404) },
});

const purge = createRoute({
  method: 'post',
  path: '/admin/comments/purge',
  tags,
  summary: 'Delete every comment of a user, or every comment sent from an address (admins)',
  description:
    'A bulk delete with one result per comment; replies to those comments go with their thread. Addresses are matched by a keyed hash: the API never stores them.',
  request: { body: jsonBody(PurgeRequestSchema) },
  responses: {
    200: jsonResponse(BulkResultSchema, 'What happened to each comment'),
    ...errorResponses(400, 401, 403, 415, 422),
  },
});

/** The moderation settings, the decision log, bans and purges, mounted at /api. */
export function moderationRoutes(moderation: ModerationService, admin: AdminService) {
  return createRouter()
    .openapi(getSettings, async (c) => {
      requireRole(c, 'admin');
      return c.json(await moderation.settings(), 200);
    })
    .openapi(putSettings, async (c) => {
      const actor = requireRole(c, 'admin');
      return c.json(await moderation.updateSettings(c.req.valid('json'), { actor }), 200);
    })
    .openapi(listLog, async (c) => {
      requireRole(c, 'admin');
      const query = c.req.valid('query');
      const { rows, users, total } = await moderation.listLog(query);
      return c.json(
        pageOf(
          rows.map((row) => presentModerationEvent(row, users)),
          query,
          total,
        ),
        200,
      );
    })
    .openapi(listBans, async (c) => {
      requireRole(c, 'admin');
      const query = c.req.valid('query');
      const { rows, users, total } = await moderation.listBans(query);
      return c.json(
        pageOf(
          rows.map((row) => presentBan(row, users)),
          query,
          total,
        ),
        200,
      );
    })
    .openapi(createBan, async (c) => {
      const actor = requireRole(c, 'admin');
      const ban = await moderation.createBan(c.req.valid('json'), { actor });
      return c.json(presentBan(ban, new Map([[actor.id, actor]])), 201);
    })
    .openapi(deleteBan, async (c) => {
      const actor = requireRole(c, 'admin');
      await moderation.deleteBan(c.req.valid('param').id, { actor });
      return c.body(null, 204);
    })
    .openapi(purge, async (c) => {
      const actor = requireRole(c, 'admin');
      return c.json(await admin.purge(actor, c.req.valid('json')), 200);
    });
}
