import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, read } from '../../../test/admin.js';
import { createTestContext, type TestContext } from '../../../test/app.js';
import type { Comment, Post, User } from '../../db/models/index.js';
import { PostListSchema } from '../posts/schema.js';
import { AdminCommentListSchema } from './content.schema.js';
import { AdminStatsSchema, BulkResultSchema } from './schema.js';
import { AdminUserDetailSchema } from './users.schema.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

interface Fixture {
  target: User;
  author: User;
  post: Post;
  comment: Comment;
  /** Waiting for approval. */
  waiting: Comment;
  /** A ban's id. */
  ban: number;
}

async function fixture(): Promise<Fixture> {
  const author = await t.factories.user({ role: 'author' });
  const target = await t.factories.user();
  const post = await t.factories.post(author);
  const comment = await t.factories.comment(post, target);
  const waiting = await t.factories.comment(post, target, { status: 'pending' });
  const ban = await t.db.models.Ban.create({
    kind: 'email_domain',
    value: `${Math.random().toString(36).slice(2)}.example`,
    createdBy: null,
    expiresAt: null,
  });
  return { target, author, post, comment, waiting, ban: ban.id };
}

interface AdminRoute {
  /** As Hono lists it: `METHOD /api/admin/…/:id`. */
  name: string;
  path: (fx: Fixture) => string;
  json?: (fx: Fixture) => unknown;
  /** What an admin gets. */
  ok: number;
}

const methodOf = (route: AdminRoute) => route.name.split(' ')[0] ?? 'GET';

/** Every admin route of this feature, aimed at a fresh fixture. */
const ROUTES: AdminRoute[] = [
  { name: 'GET /api/admin/stats', path: () => '/api/admin/stats', ok: 200 },
  { name: 'GET /api/admin/audit', path: () => '/api/admin/audit', ok: 200 },
  // The newsletter's numbers (features/subscriptions).
  { name: 'GET /api/admin/newsletter', path: () => '/api/admin/newsletter', ok: 200 },
  { name: 'POST /api/admin/recount', path: () => '/api/admin/recount', ok: 200 },
  {
    name: 'POST /api/admin/bulk',
    path: () => '/api/admin/bulk',
    json: (fx) => ({ resource: 'comments', action: 'hide', ids: [fx.comment.id] }),
    ok: 200,
  },
  { name: 'GET /api/admin/users', path: () => '/api/admin/users', ok: 200 },
  { name: 'GET /api/admin/users/:id', path: (fx) => `/api/admin/users/${fx.target.id}`, ok: 200 },
  {
    name: 'PATCH /api/admin/users/:id',
    path: (fx) => `/api/admin/users/${fx.target.id}`,
    json: () => ({ role: 'admin' }),
    ok: 200,
  },
  { name: 'POST /api/admin/users/:id/ban', path: (fx) => `/api/admin/users/${fx.target.id}/ban`, ok: 200 },
  { name: 'POST /api/admin/users/:id/unban', path: (fx) => `/api/admin/users/${fx.target.id}/unban`, ok: 200 },
  { name: 'DELETE /api/admin/users/:id', path: (fx) => `/api/admin/users/${fx.target.id}`, ok: 204 },
  { name: 'GET /api/admin/posts', path: () => '/api/admin/posts', ok: 200 },
  { name: 'GET /api/admin/comments', path: () => '/api/admin/comments', ok: 200 },
  { name: 'POST /api/admin/comments/:id/hide', path: (fx) => `/api/admin/comments/${fx.comment.id}/hide`, ok: 200 },
  {
    name: 'POST /api/admin/comments/:id/unhide',
    path: (fx) => `/api/admin/comments/${fx.comment.id}/unhide`,
    ok: 200,
  },
  { name: 'DELETE /api/admin/comments/:id', path: (fx) => `/api/admin/comments/${fx.comment.id}`, ok: 204 },
  {
    name: 'POST /api/admin/comments/:id/approve',
    path: (fx) => `/api/admin/comments/${fx.waiting.id}/approve`,
    ok: 200,
  },
  {
    name: 'POST /api/admin/comments/:id/reject',
    path: (fx) => `/api/admin/comments/${fx.waiting.id}/reject`,
    ok: 200,
  },
  {
    name: 'POST /api/admin/comments/purge',
    path: () => '/api/admin/comments/purge',
    json: (fx) => ({ userId: fx.target.id }),
    ok: 200,
  },
  { name: 'GET /api/admin/moderation/settings', path: () => '/api/admin/moderation/settings', ok: 200 },
  {
    name: 'PUT /api/admin/moderation/settings',
    path: () => '/api/admin/moderation/settings',
    json: () => ({ forbiddenWords: [] }),
    ok: 200,
  },
  { name: 'GET /api/admin/moderation/log', path: () => '/api/admin/moderation/log', ok: 200 },
  { name: 'GET /api/admin/bans', path: () => '/api/admin/bans', ok: 200 },
  {
    name: 'POST /api/admin/bans',
    path: () => '/api/admin/bans',
    json: () => ({ kind: 'email_domain', value: `${Math.random().toString(36).slice(2)}.example` }),
    ok: 201,
  },
  {
    name: 'DELETE /api/admin/bans/:id',
    path: (fx) => `/api/admin/bans/${fx.ban}`,
    ok: 204,
  },
];

/** What any admin route could change about a fixture. */
async function snapshot(fx: Fixture) {
  const target = await t.db.models.User.findByPk(fx.target.id);
  const comment = await t.db.models.Comment.findByPk(fx.comment.id);
  return {
    target: target && { role: target.role, bannedAt: target.bannedAt, verified: target.emailVerifiedAt !== null },
    comment: comment?.status ?? null,
    waiting: (await t.db.models.Comment.findByPk(fx.waiting.id))?.status ?? null,
    ban: (await t.db.models.Ban.findByPk(fx.ban)) !== null,
    audit: await t.db.models.AuditLog.count(),
  };
}

async function expectRefusedEverywhere(as: User | undefined, status: number, code: string, except = new Set<string>()) {
  for (const route of ROUTES) {
    if (except.has(route.name)) continue;
    const fx = await fixture();
    const before = await snapshot(fx);
    const res = await t.request(methodOf(route), route.path(fx), {
      ...(as ? { as } : {}),
      ...(route.json ? { json: route.json(fx) } : {}),
    });
    expect(`${route.name} → ${res.status}`).toBe(`${route.name} → ${status}`);
    await expectError(res, status, code);
    expect(await snapshot(fx), route.name).toEqual(before);
  }
}

describe('who may use the admin API', () => {
  it('covers every admin route this feature serves', () => {
    const served = t.app.routes
      .filter((route) => route.method !== 'ALL' && route.path.startsWith('/api/admin/'))
      // Rebuilds belong to the publishing feature and are tested there.
      .filter((route) => !route.path.startsWith('/api/admin/rebuilds'))
      // So do tags to the tags feature (features/tags; their rows are in the authorisation matrix).
      .filter((route) => !route.path.startsWith('/api/admin/tags'))
      // And import and export to the transfer feature (features/transfer; rows in the matrix too).
      .filter((route) => route.path !== '/api/admin/import' && route.path !== '/api/admin/export')
      .map((route) => `${route.method} ${route.path}`);
    expect([...new Set(served)].sort()).toEqual(ROUTES.map((route) => route.name).sort());
  });

  it('answers anonymous requests with 401 and changes nothing', async () => {
    await expectRefusedEverywhere(undefined, 401, 'unauthorized');
  });

  it('answers a plain user with 403 and changes nothing', async () => {
    await expectRefusedEverywhere(await t.factories.user(), 403, 'forbidden');
  });

  it('answers an author with 403 everywhere but the post list and their own posts’ queue', async () => {
    const author = await t.factories.user({ role: 'author' });
    const queue = [
      'GET /api/admin/comments',
      'POST /api/admin/comments/:id/approve',
      'POST /api/admin/comments/:id/reject',
    ];
    await expectRefusedEverywhere(author, 403, 'forbidden', new Set(['GET /api/admin/posts', ...queue]));
    await read(await t.request('GET', '/api/admin/posts', { as: author }), 200, PostListSchema);
    // Another author's post: its queue is not theirs to see or decide.
    const fx = await fixture();
    const before = await snapshot(fx);
    const list = await read(await t.request('GET', '/api/admin/comments', { as: author }), 200, AdminCommentListSchema);
    expect(list.items).toEqual([]);
    for (const action of ['approve', 'reject']) {
      await expectError(
        await t.request('POST', `/api/admin/comments/${fx.waiting.id}/${action}`, { as: author }),
        404,
        'not_found',
      );
    }
    expect(await snapshot(fx)).toEqual(before);
  });

  it('answers an unverified admin with 403 email_not_verified', async () => {
    await expectRefusedEverywhere(
      await t.factories.user({ role: 'admin', verified: false }),
      403,
      'email_not_verified',
    );
  });

  it('answers a banned admin, and a banned author, with 403 banned', async () => {
    await expectRefusedEverywhere(await t.factories.user({ role: 'admin', banned: true }), 403, 'banned');
    const bannedAuthor = await t.factories.user({ role: 'author', banned: true });
    await expectError(await t.request('GET', '/api/admin/posts', { as: bannedAuthor }), 403, 'banned');
  });

  it('lets an admin use every route', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    for (const route of ROUTES) {
      const fx = await fixture();
      const res = await t.request(methodOf(route), route.path(fx), {
        as: admin,
        ...(route.json ? { json: route.json(fx) } : {}),
      });
      expect(`${route.name} → ${res.status}`, await res.clone().text()).toBe(`${route.name} → ${route.ok}`);
    }
  });

  it('refuses a cross-site admin write with 403 csrf_rejected and changes nothing', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    for (const route of ROUTES.filter((r) => methodOf(r) !== 'GET')) {
      const fx = await fixture();
      const before = await snapshot(fx);
      const res = await t.request(methodOf(route), route.path(fx), {
        as: admin,
        headers: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
        ...(route.json ? { json: route.json(fx) } : {}),
      });
      await expectError(res, 403, 'csrf_rejected');
      expect(await snapshot(fx), route.name).toEqual(before);
    }
  });

  it('takes admin access away at once from a demoted admin, and from a banned one', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const demoted = await t.factories.user({ role: 'admin' });
    const banned = await t.factories.user({ role: 'admin' });
    // Both signed in and using the admin API first.
    await read(await t.request('GET', '/api/admin/stats', { as: demoted }), 200, AdminStatsSchema);
    await read(await t.request('GET', '/api/admin/stats', { as: banned }), 200, AdminStatsSchema);
    await read(
      await t.request('PATCH', `/api/admin/users/${demoted.id}`, { as: admin, json: { role: 'user' } }),
      200,
      AdminUserDetailSchema,
    );
    await expectError(await t.request('GET', '/api/admin/stats', { as: demoted }), 403, 'forbidden');
    await read(await t.request('POST', `/api/admin/users/${banned.id}/ban`, { as: admin }), 200, AdminUserDetailSchema);
    // The ban ended the session the cookie pointed at: signed out.
    await expectError(await t.request('GET', '/api/admin/stats', { as: banned }), 401, 'unauthorized');
  });
});

describe('authors in the post list', () => {
  it('see only their own posts, drafts included, whatever they filter by', async () => {
    const alice = await t.factories.user({ role: 'author' });
    const bob = await t.factories.user({ role: 'author' });
    const admin = await t.factories.user({ role: 'admin' });
    const own = [await t.factories.post(alice), await t.factories.post(alice, { status: 'draft' })];
    const others = [await t.factories.post(bob), await t.factories.post(bob, { status: 'draft' })];

    const mine = await read(await t.request('GET', '/api/admin/posts?limit=100', { as: alice }), 200, PostListSchema);
    expect(mine.items.map((p) => p.id).sort()).toEqual(own.map((p) => p.id).sort());
    expect(mine.total).toBe(2);

    const snooping = await read(
      await t.request('GET', `/api/admin/posts?author=${bob.id}`, { as: alice }),
      200,
      PostListSchema,
    );
    expect(snooping).toMatchObject({ items: [], total: 0 });

    const all = await read(
      await t.request('GET', `/api/admin/posts?author=${bob.id}`, { as: admin }),
      200,
      PostListSchema,
    );
    expect(all.items.map((p) => p.id).sort()).toEqual(others.map((p) => p.id).sort());
  });
});

describe('admins and their own account', () => {
  it('refuses banning, demoting, un-verifying and deleting yourself with 409 own_account', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const path = `/api/admin/users/${admin.id}`;
    await expectError(await t.request('POST', `${path}/ban`, { as: admin }), 409, 'own_account');
    await expectError(await t.request('PATCH', path, { as: admin, json: { role: 'author' } }), 409, 'own_account');
    await expectError(await t.request('PATCH', path, { as: admin, json: { verified: false } }), 409, 'own_account');
    await expectError(await t.request('DELETE', path, { as: admin }), 409, 'own_account');
    const row = await t.db.models.User.findByPk(admin.id);
    expect(row).toMatchObject({ role: 'admin', bannedAt: null });
    expect(row?.emailVerifiedAt).not.toBeNull();
    // Keeping your own role is not a change, so it is allowed.
    await read(await t.request('PATCH', path, { as: admin, json: { role: 'admin' } }), 200, AdminUserDetailSchema);
    // Nothing refused reached the audit log.
    expect(
      await t.db.models.AuditLog.count({ where: { actorId: admin.id, action: ['user.ban', 'user.delete'] } }),
    ).toBe(0);
  });

  it('reports yourself as own_account in a bulk action and applies the rest', async () => {
    const admin = await t.factories.user({ role: 'admin' });
    const other = await t.factories.user();
    for (const action of ['ban', 'delete'] as const) {
      const result = await read(
        await t.request('POST', '/api/admin/bulk', {
          as: admin,
          json: { resource: 'users', action, ids: [admin.id, other.id] },
        }),
        200,
        BulkResultSchema,
      );
      expect(result.results[0]).toMatchObject({ id: admin.id, ok: false, error: 'own_account' });
      expect(result.results[1]).toMatchObject({ id: other.id, ok: true });
    }
    expect(await t.db.models.User.findByPk(admin.id)).toMatchObject({ bannedAt: null });
    expect(await t.db.models.User.findByPk(other.id)).toBeNull();
  });
});
