import type { BodyOf, ResponseOf, Route, Routes } from '@blog/contract/client';
import type { ExtractSchema } from 'hono/types';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext } from '../../test/app.js';
import type { AppType } from '../app.js';

// The contract's browser route map (what the islands and the admin app call) against the API's
// own route types and OpenAPI document: a renamed route, a changed schema or a status the route
// does not declare fails `npm run typecheck` (the types below) or this test (the routes).

type Schema = ExtractSchema<AppType>;

type ApiPath<R extends Route> = R extends `${string} ${infer P}` ? `/api${P}` : never;
type ApiMethod<R extends Route> = R extends `${infer M} ${string}` ? `$${Lowercase<M>}` : never;
type Endpoint<R extends Route> =
  ApiPath<R> extends keyof Schema
    ? ApiMethod<R> extends keyof Schema[ApiPath<R>]
      ? Schema[ApiPath<R>][ApiMethod<R>]
      : 'no such method'
    : 'no such path';
/** The 2xx answer the API declares for R (undefined for 204). */
type ApiResponse<R extends Route> =
  Extract<Endpoint<R>, { status: 204 }> extends never
    ? Extract<Endpoint<R>, { status: 200 | 201 | 202 }> extends { output: infer O }
      ? O
      : 'no 2xx answer'
    : undefined;
type ApiBody<R extends Route> = Endpoint<R> extends { input: { json: infer J } } ? J : undefined;

/**
 * True when every answer the API declares for R fits the contract's type for it (a field the API
 * drops, renames or retypes does not), and the contract's body is one the API accepts (its
 * bodies are strict objects: no field the API does not know).
 */
type Agrees<R extends Route> = [ApiResponse<R>] extends [ResponseOf<R>]
  ? [BodyOf<R>] extends [undefined]
    ? true
    : BodyOf<R> extends ApiBody<R>
      ? [Exclude<keyof BodyOf<R>, keyof ApiBody<R>>] extends [never]
        ? true
        : 'body has fields the API refuses'
      : 'body differs'
  : 'answer differs';

describe('the browser route map of @blog/contract', () => {
  it('matches the API route for route: answers and bodies', () => {
    expectTypeOf<Agrees<'GET /auth/session'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /auth/login'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /auth/signup'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /auth/logout'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /auth/otp/send'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /auth/otp/verify'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /auth/providers'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /auth/password/forgot'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /auth/password/reset'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /auth/password/change'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'PATCH /auth/me'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /auth/me'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /auth/email/change'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /auth/email/confirm'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /auth/sessions'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /auth/sessions/others'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /auth/sessions/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /auth/me/export'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /posts/:idOrSlug/comments'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /posts/:idOrSlug/comments'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'PATCH /comments/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /comments/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /comments/counts'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /admin/stats'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /admin/recount'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /admin/bulk'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /admin/audit'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /admin/users'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /admin/users/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'PATCH /admin/users/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /admin/users/:id/ban'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /admin/users/:id/unban'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /admin/users/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /admin/posts'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /posts/:idOrSlug'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /posts'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /preview'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'PATCH /posts/:idOrSlug'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /posts/:idOrSlug/publish'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /posts/:idOrSlug/unpublish'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /posts/:idOrSlug'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /categories'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /categories'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'PATCH /categories/:idOrSlug'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /categories/:idOrSlug'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /tags'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /authors/me'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /media'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /media/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'PATCH /media/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /media/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /posts/:idOrSlug/revisions'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /posts/:idOrSlug/revisions/:version'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /posts/:idOrSlug/revisions/:version/restore'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'PATCH /authors/me'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /admin/tags'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'PATCH /admin/tags/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /admin/tags/:id/merge'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /admin/tags/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /admin/comments'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /admin/comments/:id/hide'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /admin/comments/:id/unhide'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /admin/comments/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /admin/rebuilds'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /admin/rebuilds'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /posts/:idOrSlug/subscription'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'PUT /posts/:idOrSlug/subscription'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /posts/:idOrSlug/subscription'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /subscriptions'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /subscriptions/:id'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'POST /newsletter/subscribe'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /newsletter/subscription'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'PUT /newsletter/subscription'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'DELETE /newsletter/subscription'>>().toEqualTypeOf<true>();
    expectTypeOf<Agrees<'GET /admin/newsletter'>>().toEqualTypeOf<true>();
  });

  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('names only routes the OpenAPI document has', async () => {
    const doc = z
      .object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) })
      .parse(await (await t.request('GET', '/api/openapi.json')).json());
    const keys: Array<keyof Routes> = [
      'GET /auth/session',
      'POST /auth/login',
      'POST /auth/signup',
      'POST /auth/logout',
      'POST /auth/otp/send',
      'POST /auth/otp/verify',
      'GET /auth/providers',
      'POST /auth/password/forgot',
      'POST /auth/password/reset',
      'POST /auth/password/change',
      'PATCH /auth/me',
      'DELETE /auth/me',
      'POST /auth/email/change',
      'POST /auth/email/confirm',
      'GET /auth/sessions',
      'DELETE /auth/sessions/others',
      'DELETE /auth/sessions/:id',
      'GET /auth/me/export',
      'GET /posts/:idOrSlug/comments',
      'POST /posts/:idOrSlug/comments',
      'PATCH /comments/:id',
      'DELETE /comments/:id',
      'GET /comments/counts',
      'GET /admin/stats',
      'POST /admin/recount',
      'POST /admin/bulk',
      'GET /admin/audit',
      'GET /admin/users',
      'GET /admin/users/:id',
      'PATCH /admin/users/:id',
      'POST /admin/users/:id/ban',
      'POST /admin/users/:id/unban',
      'DELETE /admin/users/:id',
      'GET /admin/posts',
      'GET /posts/:idOrSlug',
      'POST /posts',
      'POST /preview',
      'PATCH /posts/:idOrSlug',
      'POST /posts/:idOrSlug/publish',
      'POST /posts/:idOrSlug/unpublish',
      'DELETE /posts/:idOrSlug',
      'GET /categories',
      'POST /categories',
      'PATCH /categories/:idOrSlug',
      'DELETE /categories/:idOrSlug',
      'GET /tags',
      'GET /authors/me',
      'PATCH /authors/me',
      'GET /media',
      'GET /media/:id',
      'PATCH /media/:id',
      'DELETE /media/:id',
      'GET /posts/:idOrSlug/revisions',
      'GET /posts/:idOrSlug/revisions/:version',
      'POST /posts/:idOrSlug/revisions/:version/restore',
      'GET /admin/tags',
      'PATCH /admin/tags/:id',
      'POST /admin/tags/:id/merge',
      'DELETE /admin/tags/:id',
      'GET /admin/comments',
      'POST /admin/comments/:id/hide',
      'POST /admin/comments/:id/unhide',
      'DELETE /admin/comments/:id',
      'GET /admin/rebuilds',
      'POST /admin/rebuilds',
      'GET /posts/:idOrSlug/subscription',
      'PUT /posts/:idOrSlug/subscription',
      'DELETE /posts/:idOrSlug/subscription',
      'GET /subscriptions',
      'DELETE /subscriptions/:id',
      'POST /newsletter/subscribe',
      'GET /newsletter/subscription',
      'PUT /newsletter/subscription',
      'DELETE /newsletter/subscription',
      'GET /admin/newsletter',
    ];
    const missing = keys.filter((key) => {
      const [method = '', path = ''] = key.split(' ');
      const documented = `/api${path.replace(/:(\w+)/g, '{$1}')}`;
      return !doc.paths[documented]?.[method.toLowerCase()];
    });
    expect(missing).toEqual([]);
  });
});
