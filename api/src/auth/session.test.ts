import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext } from '../../test/app.js';
import { MeSchema } from './schema.js';

const SessionResponse = z.object({ user: MeSchema.nullable() });

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

describe('GET /api/auth/session', () => {
  it('answers 200 with a null user when signed out, and is never cached', async () => {
    const res = await t.request('GET', '/api/auth/session');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(SessionResponse.parse(await res.json())).toEqual({ user: null });
  });

  it('answers 200 with a null user for an unknown session cookie', async () => {
    const res = await t.request('GET', '/api/auth/session', { as: 'blog_session=not-a-session' });
    expect(res.status).toBe(200);
    expect(SessionResponse.parse(await res.json())).toEqual({ user: null });
  });

  it('answers with the signed-in account as /auth/me does', async () => {
    const user = await t.factories.user({ verified: false, name: 'Ada' });
    const res = await t.request('GET', '/api/auth/session', { as: user });
    expect(res.status).toBe(200);
    const body = SessionResponse.parse(await res.json());
    const me = await (await t.request('GET', '/api/auth/me', { as: user })).json();
    expect(body).toEqual(me);
    expect(body.user).toMatchObject({ id: user.id, name: 'Ada', emailVerified: false });
  });
});
