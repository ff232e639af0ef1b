import { randomBytes } from 'node:crypto';
import { signedHeaders } from '@blog/contract/signature';
import { z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_ORIGIN, type TestContext, unique } from '../../test/app.js';
import {
  runSignIn,
  setCookieValue,
  startTestProvider,
  type TestIdentityProvider,
  writeProvidersFile,
} from '../../test/oidc-provider.js';
import { STATE_COOKIE, signLoginState } from '../auth/oidc/state.js';
import { createOtpService, type OtpService } from '../auth/otp.js';
import { createPasswordHasher } from '../auth/passwords.js';
import { MeSchema } from '../auth/schema.js';
import { publicSessionId, SESSION_COOKIE } from '../auth/sessions.js';
import type { OtpPurpose, Post, User } from '../db/models/index.js';
import { ErrorSchema } from '../lib/openapi.js';
import { AdminCommentListSchema, AdminCommentSchema } from './admin/content.schema.js';
import { BulkResultSchema } from './admin/schema.js';
import { CommentCountsSchema } from './comments/schema.js';
import { PostListSchema, PostSchema, PreviewLinkSchema } from './posts/schema.js';
import { BuildSchema } from './publishing/schema.js';
import { SiteInfoSchema, SitePostPageSchema, SitePreviewSchema } from './site/schema.js';
import { createSubscriptionTokens } from './subscriptions/tokens.js';

/*
 * The authorisation matrix (issue 9): every API operation × every kind of caller, with the
 * outcome the rules of README's API table and the guards (api/src/auth/guards.ts) call for,
 * checked against the real app over a real database. Each cell builds its own callers and
 * data, so no cell depends on another. The table must name exactly the routes the app serves
 * and documents in /api/openapi.json: a route without a row, or a row without a route, fails.
 *
 * Outcomes are a status, or "status code" when the error code tells which rule refused (a
 * 403 for the ban and a 403 for the role are different rules). Statuses that are not 2xx but
 * still mean "past authorisation" are explained in the row's `why`.
 */

// Callers

const PERSONAS = ['anonymous', 'unverified', 'reader', 'banned', 'author', 'otherAuthor', 'admin'] as const;
type Persona = (typeof PERSONAS)[number];

/** What each column is. */
const PERSONA_LABELS: Record<Persona, string> = {
  anonymous: 'anonymous (no session)',
  unverified: 'unverified user',
  reader: 'verified reader',
  // An admin, so that every refusal in this column is the ban's alone: the role would allow everything.
  banned: 'banned admin',
  author: 'author, on their own resources',
  otherAuthor: "another author, on the first author's resources",
  admin: 'admin',
};

/** One cell's world: its caller and the author whose posts and comments the rows aim at. */
interface World {
  persona: Persona;
  /** The caller's account; null for anonymous. */
  caller: User | null;
  /** Owns the rows' posts and comments: the caller in the `author` column, a fresh author in every other. */
  author: User;
  /** The cell's own client address (rate limits are per address: cells never share one). */
  ip: string;
}

// Outcomes

type Outcome = number | `${number} ${string}`;
type Outcomes = Record<Persona, Outcome>;

const BANNED = '403 banned';
const UNVERIFIED = '403 email_not_verified';
const NO_ROLE = '403 forbidden';
const NOT_OWNER = '403 not_owner';
const ALREADY_VERIFIED = '409 already_verified';
const OWN_ACCOUNT = '409 own_account';
const UNSIGNED = '401 bad_signature';

const everyone = (outcome: Outcome): Outcomes => ({
  anonymous: outcome,
  unverified: outcome,
  reader: outcome,
  banned: outcome,
  author: outcome,
  otherAuthor: outcome,
  admin: outcome,
});

/** requireRole(c, 'admin'): verified, not banned, admin. */
const adminsOnly = (outcome: Outcome): Outcomes => ({
  anonymous: 401,
  unverified: UNVERIFIED,
  reader: NO_ROLE,
  banned: BANNED,
  author: NO_ROLE,
  otherAuthor: NO_ROLE,
  admin: outcome,
});

/** requireRole(c, 'author', 'admin') on the first author's post: `own` for its author and admins, `other` for another author. */
const postEditors = (own: Outcome, other: Outcome): Outcomes => ({
  anonymous: 401,
  unverified: UNVERIFIED,
  reader: NO_ROLE,
  banned: BANNED,
  author: own,
  otherAuthor: other,
  admin: own,
});

function parseOutcome(outcome: Outcome): { status: number; code?: string } {
  if (typeof outcome === 'number') return { status: outcome };
  const [status = '', code] = outcome.split(' ');
  return { status: Number(status), code };
}

// Rows

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type RouteKey = `${Method} /api/${string}`;

/** What a cell's check sees. */
interface Answer {
  persona: Persona;
  /** The status was below 400: the caller got through. */
  allowed: boolean;
  res: Response;
  body: unknown;
}

/** One request, built for one cell. */
interface Call {
  /** Values of the route's `{params}`. */
  params?: Record<string, string | number>;
  query?: Record<string, string>;
  json?: unknown;
  /** Cookies besides the caller's session (`name=value`). */
  cookies?: string[];
  /** Further checks on the answer, e.g. that a listing leaks no draft or a refused write changed nothing. */
  check?: (answer: Answer) => void | Promise<void>;
}

interface Row {
  /** The operation, as `/api/openapi.json` names it. */
  route: RouteKey;
  /** Which resource the row aims at, when the route has several rows. */
  target?: string;
  /** Why an outcome is what it is, where the status alone does not say. */
  why?: string;
  prepare: (w: World) => Promise<Call>;
  expect: Outcomes;
}

let t: TestContext;
let idp: TestIdentityProvider;
let removeProvidersFile: () => void;
let otp: OtpService;
let passwordHash: string;
const PASSWORD = 'matrix horse battery staple';

// Resource builders (each call makes fresh rows)

const reader = (overrides: Parameters<TestContext['factories']['user']>[0] = {}) =>
  t.factories.user({ name: 'Someone Else', ...overrides });
const published = (w: World) => t.factories.post(w.author, { title: 'Published post' });
const draft = (w: World) => t.factories.post(w.author, { status: 'draft', title: 'Draft post' });
/** The first author's comment on their own published post. */
/** A new tag on a published post of the cell's author; its id. */
/** An image of `w.author`'s in the library (a row: the matrix sends no files). */
async function matrixMedia(w: World): Promise<number> {
  const media = await t.db.models.Media.create({
    key: randomBytes(8).toString('hex'),
    ownerId: w.author.id,
    originalName: 'matrix.jpg',
    mimeType: 'image/jpeg',
    width: 10,
    height: 10,
    bytes: 100,
    variants: '[]',
  });
  return media.id;
}

async function matrixTag(w: World): Promise<number> {
  const post = await t.factories.post(w.author);
  const name = unique('Matrix tag ');
  await t.factories.tag(post, name);
  const tag = await t.db.models.Tag.findOne({ where: { nameKey: name.toLowerCase() } });
  if (!tag) throw new Error('matrixTag: no tag');
  return tag.id;
}

const authorsComment = async (w: World) => t.factories.comment(await published(w), w.author);
/** The caller's own comment on a published post (anonymous owns nothing: a reader's comment stands in). */
const callersComment = async (w: World) => t.factories.comment(await published(w), w.caller ?? (await reader()));
/** The caller's own account (anonymous has none: a reader's stands in). */
const self = async (w: World) => w.caller ?? (await reader());

async function withPassword(user: User): Promise<User> {
  return user.update({ passwordHash });
}

/** Issues a real one-time code to `user` through the OTP service and reads it from the mail the outbox holds. */
async function issueCode(user: User, purpose: OtpPurpose, target: string | null = null): Promise<string> {
  await t.db.transaction((transaction) => otp.issue(user, purpose, transaction, target));
  const to = target ?? user.email;
  const jobs = await t.db.models.Job.findAll({ where: { kind: 'mail' }, order: [['id', 'DESC']] });
  const MailSchema = z.object({ to: z.string(), text: z.string() });
  for (const job of jobs) {
    const mail = MailSchema.parse(JSON.parse(job.payload));
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
    if (mail.to === to && code) return code;
  }
  throw new Error(`no code mailed to ${to}`);
}

/** A `replies` subscription of `user` (on, like every account's). */
async function subscriptionOf(user: User) {
  return t.db.models.Subscription.create({
    userId: user.id,
    email: null,
    subscriber: `user:${user.id}`,
    kind: 'replies',
    postId: null,
    scope: '-',
    confirmedAt: new Date(),
    secret: unique('s'),
  });
}

const subscriptionTokens = () => createSubscriptionTokens(t.config.sessionSecret);

async function reloadPost(post: Post) {
  return t.db.models.Post.findByPk(post.id);
}

const objectSchema = z.record(z.string(), z.unknown());

/**
 * A refused OpenID sign-in: back to the site with ?auth_error=invalid_state, and no new session
 * (a signed-in caller may see its own cookie renewed: factory sessions are past half-life).
 */
const refusedSignIn =
  (w: World) =>
  async ({ res }: Answer) => {
    expect(res.headers.get('location')).toBe(`${TEST_ORIGIN}/?auth_error=invalid_state`);
    const own = w.caller ? (await t.factories.sessionCookie(w.caller)).slice(SESSION_COOKIE.length + 1) : undefined;
    expect([undefined, own]).toContain(setCookieValue(res, SESSION_COOKIE));
  };

const ROWS: Row[] = [
  // Health and the document itself
  { route: 'GET /api/health', prepare: async () => ({}), expect: everyone(200) },
  { route: 'GET /api/openapi.json', prepare: async () => ({}), expect: everyone(200) },

  // Accounts
  {
    route: 'POST /api/auth/signup',
    why: 'anyone may create an account, whatever session the browser has',
    prepare: async () => ({
      json: { email: `${unique('signup')}@example.com`, name: 'New Reader', password: PASSWORD },
    }),
    expect: everyone(201),
  },
  {
    route: 'POST /api/auth/login',
    target: 'a password account',
    prepare: async () => ({ json: { email: (await withPassword(await reader())).email, password: PASSWORD } }),
    expect: everyone(200),
  },
  {
    route: 'POST /api/auth/login',
    target: 'a banned password account',
    prepare: async () => ({
      json: { email: (await withPassword(await reader({ banned: true }))).email, password: PASSWORD },
    }),
    why: "the same 401 as a wrong password: the answer never confirms a banned account's password",
    expect: everyone('401 invalid_credentials'),
  },
  { route: 'POST /api/auth/logout', prepare: async () => ({}), expect: everyone(204) },
  {
    route: 'GET /api/auth/me',
    why: 'a banned account may still read itself (guards: "signed out of everything but reading")',
    prepare: async () => ({}),
    expect: { ...everyone(200), anonymous: 401 },
  },
  {
    route: 'GET /api/auth/session',
    prepare: async (w) => ({
      check: ({ body }) => {
        const { user } = z.object({ user: MeSchema.nullable() }).parse(body);
        expect(user?.id ?? null).toBe(w.caller?.id ?? null);
      },
    }),
    expect: everyone(200),
  },
  {
    route: 'DELETE /api/auth/me',
    why: 'factory accounts have no password; their session is minutes old, which re-authenticates them',
    prepare: async (w) => ({
      check: async ({ allowed }) => {
        if (!w.caller) return;
        expect(await t.db.models.User.findByPk(w.caller.id)).toSatisfy((row) => (row === null) === allowed);
      },
    }),
    expect: { ...everyone(204), anonymous: 401, banned: BANNED },
  },
  {
    route: 'POST /api/auth/otp/send',
    why: '409 already_verified: past authorisation, but a verified address needs no code',
    prepare: async () => ({}),
    expect: { ...everyone(ALREADY_VERIFIED), anonymous: 401, unverified: 202, banned: BANNED },
  },
  {
    route: 'POST /api/auth/otp/verify',
    why: 'a real code mailed to the caller; 409 already_verified: past authorisation, nothing to verify',
    prepare: async (w) => ({ json: { code: w.caller ? await issueCode(w.caller, 'verify_email') : '123456' } }),
    expect: { ...everyone(ALREADY_VERIFIED), anonymous: 401, unverified: 200, banned: BANNED },
  },
  {
    route: 'POST /api/auth/password/forgot',
    prepare: async () => ({ json: { email: (await withPassword(await reader())).email } }),
    expect: everyone(202),
  },
  {
    route: 'POST /api/auth/password/reset',
    why: 'authorised by the mailed code, not by a session',
    prepare: async () => {
      const account = await withPassword(await reader());
      const code = await issueCode(account, 'reset_password');
      return { json: { email: account.email, code, password: 'another horse battery staple' } };
    },
    expect: everyone(204),
  },

  {
    route: 'POST /api/auth/password/change',
    why: 'factory accounts have no password; their session is minutes old, which re-authenticates them',
    prepare: async () => ({ json: { newPassword: 'another horse battery staple' } }),
    expect: { ...everyone(200), anonymous: 401, banned: BANNED },
  },
  {
    route: 'PATCH /api/auth/me',
    prepare: async () => ({ json: { name: unique('Renamed Reader ') } }),
    expect: { ...everyone(200), anonymous: 401, banned: BANNED },
  },
  {
    route: 'POST /api/auth/email/change',
    why: 'factory accounts have no password; their session is minutes old, which re-authenticates them',
    prepare: async () => ({ json: { email: `${unique('moving')}@example.com` } }),
    expect: { ...everyone(202), anonymous: 401, banned: BANNED },
  },
  {
    route: 'POST /api/auth/email/confirm',
    why: 'a real code mailed to the new address',
    prepare: async (w) => {
      const email = `${unique('moved')}@example.com`;
      return { json: { code: w.caller ? await issueCode(w.caller, 'change_email', email) : '123456' } };
    },
    expect: { ...everyone(200), anonymous: 401, banned: BANNED },
  },
  {
    route: 'GET /api/auth/sessions',
    prepare: async () => ({}),
    expect: { ...everyone(200), anonymous: 401, banned: BANNED },
  },
  {
    route: 'DELETE /api/auth/sessions/others',
    prepare: async () => ({}),
    expect: { ...everyone(200), anonymous: 401, banned: BANNED },
  },
  {
    route: 'DELETE /api/auth/sessions/{id}',
    target: "another session of the caller's own",
    prepare: async (w) => {
      const owner = await self(w);
      const other = await t.db.models.Session.create({
        id: unique('matrix-session-').padEnd(64, '0'),
        userId: owner.id,
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      return { params: { id: publicSessionId(other.id) } };
    },
    expect: { ...everyone(204), anonymous: 401, banned: BANNED },
  },
  {
    route: 'GET /api/auth/me/export',
    prepare: async (w) => ({
      check: ({ allowed, body }) => {
        if (allowed) expect(objectSchema.parse(objectSchema.parse(body).profile).id).toBe(w.caller?.id);
      },
    }),
    expect: { ...everyone(200), anonymous: 401, banned: BANNED },
  },

  // Sign-in with OpenID Connect: authorised by the signed state cookie, not by a session
  { route: 'GET /api/auth/providers', prepare: async () => ({}), expect: everyone(200) },
  {
    route: 'GET /api/auth/oidc/{provider}/start',
    target: 'a configured provider',
    prepare: async () => ({
      params: { provider: 'test' },
      query: { returnTo: '/posts/x' },
      check: ({ res }) => {
        expect(res.headers.get('location') ?? '').toMatch(new RegExp(`^${idp.issuer}/`));
        expect(setCookieValue(res, STATE_COOKIE)).toBeTruthy();
      },
    }),
    expect: everyone(302),
  },
  {
    route: 'GET /api/auth/oidc/{provider}/start',
    target: 'an unknown provider',
    prepare: async () => ({ params: { provider: 'nobody' } }),
    expect: everyone(404),
  },
  {
    route: 'GET /api/auth/oidc/{provider}/callback',
    target: 'no state cookie',
    why: 'refusals are a 302 to the site with ?auth_error=, and no session',
    prepare: async (w) => ({
      params: { provider: 'test' },
      query: { code: 'stolen-code', state: 'a-state-nobody-signed-0123456789' },
      check: refusedSignIn(w),
    }),
    expect: everyone(302),
  },
  {
    route: 'GET /api/auth/oidc/{provider}/callback',
    target: 'a state cookie signed with another key',
    why: 'refusals are a 302 to the site with ?auth_error=, and no session',
    prepare: async (w) => {
      const state = 'forged-state-value-0123456789abcdef';
      const forged = signLoginState(
        {
          provider: 'test',
          state,
          nonce: 'forged-nonce-value-0123456789abcdef',
          codeVerifier: 'forged-code-verifier-0123456789abcdefghijklmnopqrstuvwxyz',
          returnTo: `${TEST_ORIGIN}/`,
          expiresAt: Date.now() + 60_000,
        },
        'not-the-session-secret-not-the-session-secret',
      );
      return {
        params: { provider: 'test' },
        query: { code: 'stolen-code', state },
        cookies: [`${STATE_COOKIE}=${forged}`],
        check: refusedSignIn(w),
      };
    },
    expect: everyone(302),
  },

  // Posts
  {
    route: 'GET /api/posts',
    prepare: async (w) => {
      const category = await t.factories.category();
      const visible = await t.factories.post(w.author, { category });
      await t.factories.post(w.author, { category, status: 'draft' });
      return {
        query: { category: category.slug },
        check: ({ body }) => expect(PostListSchema.parse(body).items.map((p) => p.id)).toEqual([visible.id]),
      };
    },
    expect: everyone(200),
  },
  {
    route: 'POST /api/posts',
    prepare: async () => ({ json: { title: unique('Matrix post '), bodyMarkdown: 'Written.', status: 'draft' } }),
    expect: postEditors(201, 201),
  },
  {
    route: 'POST /api/preview',
    why: "the editor's preview: whoever may write posts",
    prepare: async () => ({ json: { bodyMarkdown: '| a | b |\n|---|---|\n| 1 | 2 |' } }),
    expect: postEditors(200, 200),
  },
  {
    route: 'GET /api/posts/{idOrSlug}',
    target: 'published',
    why: 'everyone reads it; only its author and admins get its Markdown source',
    prepare: async (w) => ({
      params: { idOrSlug: (await published(w)).slug },
      check: ({ persona, body }) => {
        const editor = persona === 'author' || persona === 'admin';
        expect(PostSchema.parse(body).bodyMarkdown !== undefined, 'bodyMarkdown shown').toBe(editor);
      },
    }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/posts/{idOrSlug}',
    target: 'draft',
    why: 'a draft is not found for anyone but its author and admins (a banned admin is no admin)',
    prepare: async (w) => ({ params: { idOrSlug: (await draft(w)).id } }),
    expect: { ...everyone(404), author: 200, admin: 200 },
  },
  ...(['published', 'draft'] as const).map(
    (status): Row => ({
      route: 'PATCH /api/posts/{idOrSlug}',
      target: status,
      prepare: async (w) => {
        const post = await t.factories.post(w.author, { status });
        return {
          params: { idOrSlug: post.id },
          json: { title: 'Edited by the matrix' },
          check: async ({ allowed }) =>
            expect((await reloadPost(post))?.title === 'Edited by the matrix', 'edited').toBe(allowed),
        };
      },
      expect: postEditors(200, status === 'draft' ? 404 : NOT_OWNER),
    }),
  ),
  {
    route: 'PATCH /api/posts/{idOrSlug}',
    target: 'reassigning it to another author',
    why: 'only admins reassign posts: its own author may not give one away',
    prepare: async (w) => {
      const post = await published(w);
      const heir = await t.factories.user({ role: 'author', name: 'Heir' });
      return {
        params: { idOrSlug: post.id },
        json: { authorId: heir.id },
        check: async ({ allowed }) =>
          expect((await reloadPost(post))?.authorId === heir.id, 'reassigned').toBe(allowed),
      };
    },
    expect: { ...postEditors(200, NOT_OWNER), author: NO_ROLE },
  },
  ...(['published', 'draft'] as const).map(
    (status): Row => ({
      route: 'DELETE /api/posts/{idOrSlug}',
      target: status,
      prepare: async (w) => {
        const post = await t.factories.post(w.author, { status });
        return {
          params: { idOrSlug: post.id },
          check: async ({ allowed }) => expect((await reloadPost(post)) === null, 'deleted').toBe(allowed),
        };
      },
      expect: postEditors(204, status === 'draft' ? 404 : NOT_OWNER),
    }),
  ),
  ...(['draft', 'published'] as const).map(
    (status): Row => ({
      route: 'POST /api/posts/{idOrSlug}/preview-link',
      target: status,
      why: "a secret link to the post's page: whoever may edit it",
      prepare: async (w) => ({ params: { idOrSlug: (await t.factories.post(w.author, { status })).id } }),
      expect: postEditors(201, status === 'draft' ? 404 : NOT_OWNER),
    }),
  ),
  ...(
    [
      ['GET', 'revisions', 200],
      ['GET', 'revisions/1', 200],
      ['POST', 'revisions/1/restore', 200],
    ] as const
  ).map(
    ([method, tail, ok]): Row => ({
      route: `${method} /api/posts/{idOrSlug}/${tail.replace('1', '{version}')}`,
      why: "a post's history: whoever may edit it (a published post, so another author is refused, not unaware)",
      prepare: async (w) => {
        // Written through the API, which records the first revision.
        const res = await t.request('POST', '/api/posts', {
          as: w.author,
          json: { title: 'Matrix history', bodyMarkdown: 'Body.', status: 'published' },
        });
        const post = PostSchema.parse(await res.json());
        return { params: { idOrSlug: post.id, ...(tail === 'revisions' ? {} : { version: 1 }) } };
      },
      expect: postEditors(ok, NOT_OWNER),
    }),
  ),
  ...(['publish', 'unpublish'] as const).flatMap((action) =>
    (['draft', 'published'] as const).map(
      (status): Row => ({
        route: `POST /api/posts/{idOrSlug}/${action}`,
        target: status,
        prepare: async (w) => ({ params: { idOrSlug: (await t.factories.post(w.author, { status })).id } }),
        expect: postEditors(200, status === 'draft' ? 404 : NOT_OWNER),
      }),
    ),
  ),

  // Categories
  { route: 'GET /api/categories', prepare: async () => ({}), expect: everyone(200) },
  {
    route: 'GET /api/categories/{idOrSlug}',
    prepare: async () => ({ params: { idOrSlug: (await t.factories.category()).slug } }),
    expect: everyone(200),
  },
  {
    route: 'POST /api/categories',
    prepare: async () => ({ json: { name: unique('Matrix category ') } }),
    expect: adminsOnly(201),
  },
  {
    route: 'PATCH /api/categories/{idOrSlug}',
    prepare: async () => ({ params: { idOrSlug: (await t.factories.category()).id }, json: { name: 'Renamed' } }),
    expect: adminsOnly(200),
  },
  {
    route: 'DELETE /api/categories/{idOrSlug}',
    prepare: async () => ({ params: { idOrSlug: (await t.factories.category()).id } }),
    expect: adminsOnly(204),
  },

  // Tags
  { route: 'GET /api/tags', prepare: async () => ({}), expect: everyone(200) },
  { route: 'GET /api/admin/tags', prepare: async () => ({}), expect: adminsOnly(200) },
  {
    route: 'PATCH /api/admin/tags/{id}',
    prepare: async (w) => ({ params: { id: await matrixTag(w) }, json: { name: unique('Renamed tag ') } }),
    expect: adminsOnly(200),
  },
  {
    route: 'POST /api/admin/tags/{id}/merge',
    prepare: async (w) => ({ params: { id: await matrixTag(w) }, json: { into: await matrixTag(w) } }),
    expect: adminsOnly(200),
  },
  {
    route: 'DELETE /api/admin/tags/{id}',
    prepare: async (w) => ({ params: { id: await matrixTag(w) } }),
    expect: adminsOnly(204),
  },

  // Import and export
  {
    route: 'POST /api/admin/import',
    why: 'no file sent: past authorisation, the missing file (422)',
    prepare: async () => ({}),
    expect: adminsOnly(422),
  },
  { route: 'GET /api/admin/export', prepare: async () => ({}), expect: adminsOnly(200) },

  // Author pages
  { route: 'GET /api/authors', prepare: async () => ({}), expect: everyone(200) },
  {
    route: 'GET /api/authors/{slug}',
    prepare: async (w) => {
      await t.factories.post(w.author, { status: 'published' });
      return { params: { slug: String((await w.author.reload()).slug) } };
    },
    expect: everyone(200),
  },
  {
    route: 'GET /api/authors/me',
    prepare: async () => ({}),
    expect: postEditors(200, 200),
  },
  {
    route: 'PATCH /api/authors/me',
    prepare: async () => ({ json: { bio: 'A matrix bio.' } }),
    expect: postEditors(200, 200),
  },

  // Media
  {
    route: 'POST /api/media',
    why: 'no file sent: past authorisation, the missing file (422)',
    prepare: async () => ({}),
    expect: postEditors(422, 422),
  },
  { route: 'GET /api/media', prepare: async () => ({}), expect: postEditors(200, 200) },
  {
    route: 'GET /api/media/{id}',
    why: 'the library is shared by every author',
    prepare: async (w) => ({ params: { id: await matrixMedia(w) } }),
    expect: postEditors(200, 200),
  },
  {
    route: 'PATCH /api/media/{id}',
    prepare: async (w) => ({ params: { id: await matrixMedia(w) }, json: { alt: 'Matrix alt' } }),
    expect: postEditors(200, NOT_OWNER),
  },
  {
    route: 'DELETE /api/media/{id}',
    prepare: async (w) => ({ params: { id: await matrixMedia(w) } }),
    expect: postEditors(204, NOT_OWNER),
  },

  // Comments
  {
    route: 'GET /api/posts/{idOrSlug}/comments',
    target: 'published post',
    prepare: async (w) => ({ params: { idOrSlug: (await authorsComment(w)).postId } }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/posts/{idOrSlug}/comments',
    target: 'draft',
    prepare: async (w) => ({ params: { idOrSlug: (await draft(w)).id } }),
    expect: { ...everyone(404), author: 200, admin: 200 },
  },
  {
    route: 'POST /api/posts/{idOrSlug}/comments',
    target: 'published post',
    prepare: async (w) => ({ params: { idOrSlug: (await published(w)).id }, json: { body: 'Nice post.' } }),
    expect: { ...everyone(201), anonymous: 401, unverified: UNVERIFIED, banned: BANNED },
  },
  {
    route: 'POST /api/posts/{idOrSlug}/comments',
    target: 'draft',
    why: "a draft's author and admins may comment while previewing; to everyone else it does not exist",
    prepare: async (w) => ({ params: { idOrSlug: (await draft(w)).id }, json: { body: 'Nice draft.' } }),
    expect: {
      anonymous: 401,
      unverified: UNVERIFIED,
      reader: 404,
      banned: BANNED,
      author: 201,
      otherAuthor: 404,
      admin: 201,
    },
  },
  ...(['published', 'draft'] as const).map(
    (status): Row => ({
      route: 'GET /api/posts/{idOrSlug}/comments/viewer',
      target: status,
      why: "everyone may ask (anonymous gets the empty state); a draft's, like its comments, only its editors",
      prepare: async (w) => ({ params: { idOrSlug: (await t.factories.post(w.author, { status })).id } }),
      expect: status === 'published' ? everyone(200) : { ...everyone(404), author: 200, admin: 200 },
    }),
  ),
  ...(['PUT', 'DELETE'] as const).map(
    (method): Row => ({
      route: `${method} /api/comments/{id}/like`,
      target: "the author's comment",
      why: 'verified readers like (or unlike) what others wrote, never their own',
      prepare: async (w) => ({ params: { id: (await authorsComment(w)).id } }),
      expect: {
        anonymous: 401,
        unverified: UNVERIFIED,
        reader: 200,
        banned: BANNED,
        author: '403 own_comment',
        otherAuthor: 200,
        admin: 200,
      },
    }),
  ),
  ...(['PUT', 'DELETE'] as const).map(
    (method): Row => ({
      route: `${method} /api/comments/{id}/pin`,
      target: "a reader's comment on the author's post",
      why: "pins are the post's author's and admins' (another author is any other reader here)",
      prepare: async (w) => ({ params: { id: (await t.factories.comment(await published(w), await reader())).id } }),
      expect: {
        anonymous: 401,
        unverified: UNVERIFIED,
        reader: NO_ROLE,
        banned: BANNED,
        author: 200,
        otherAuthor: NO_ROLE,
        admin: 200,
      },
    }),
  ),
  {
    route: 'POST /api/comments/preview',
    prepare: async () => ({ json: { body: 'Some *text*.' } }),
    expect: { ...everyone(200), anonymous: 401, unverified: UNVERIFIED, banned: BANNED },
  },
  {
    route: 'GET /api/comments/counts',
    why: 'a draft is left out of the counts for everyone',
    prepare: async (w) => {
      const visible = await published(w);
      const hidden = await draft(w);
      return {
        query: { posts: `${visible.id},${hidden.id}` },
        check: ({ body }) => expect(Object.keys(CommentCountsSchema.parse(body).counts)).toEqual([String(visible.id)]),
      };
    },
    expect: everyone(200),
  },
  {
    route: 'PATCH /api/comments/{id}',
    target: "the author's comment",
    why: 'only its writer edits a comment; admins hide or delete instead',
    prepare: async (w) => {
      const comment = await authorsComment(w);
      return {
        params: { id: comment.id },
        json: { body: 'Edited by the matrix.' },
        check: async ({ allowed }) => {
          const row = await t.db.models.Comment.findByPk(comment.id);
          expect(row?.bodyMarkdown === 'Edited by the matrix.', 'edited').toBe(allowed);
        },
      };
    },
    expect: {
      anonymous: 401,
      unverified: UNVERIFIED,
      reader: NOT_OWNER,
      banned: BANNED,
      author: 200,
      otherAuthor: NOT_OWNER,
      admin: NOT_OWNER,
    },
  },
  {
    route: 'PATCH /api/comments/{id}',
    target: "the caller's own comment",
    prepare: async (w) => ({ params: { id: (await callersComment(w)).id }, json: { body: 'Edited.' } }),
    expect: { ...everyone(200), anonymous: 401, unverified: UNVERIFIED, banned: BANNED },
  },
  {
    route: 'DELETE /api/comments/{id}',
    target: "the author's comment",
    prepare: async (w) => {
      const comment = await authorsComment(w);
      return {
        params: { id: comment.id },
        check: async ({ allowed }) =>
          expect((await t.db.models.Comment.findByPk(comment.id)) === null, 'deleted').toBe(allowed),
      };
    },
    expect: {
      anonymous: 401,
      unverified: NOT_OWNER,
      reader: NOT_OWNER,
      banned: BANNED,
      author: 204,
      otherAuthor: NOT_OWNER,
      admin: 204,
    },
  },
  {
    route: 'DELETE /api/comments/{id}',
    target: "the caller's own comment",
    why: 'taking back your own comment needs no verified address, only an unbanned account',
    prepare: async (w) => ({ params: { id: (await callersComment(w)).id } }),
    expect: { ...everyone(204), anonymous: 401, banned: BANNED },
  },
  {
    route: 'DELETE /api/comments/{id}',
    target: "a reader's comment on the author's post",
    why: "a post's author does not moderate its comments: only the comment's writer or an admin deletes it",
    prepare: async (w) => ({ params: { id: (await t.factories.comment(await published(w), await reader())).id } }),
    expect: {
      anonymous: 401,
      unverified: NOT_OWNER,
      reader: NOT_OWNER,
      banned: BANNED,
      author: NOT_OWNER,
      otherAuthor: NOT_OWNER,
      admin: 204,
    },
  },

  // The static site build
  {
    route: 'GET /api/site/posts',
    prepare: async (w) => {
      const visible = await published(w);
      await draft(w);
      return {
        query: { cursor: String(visible.id - 1), limit: '10' },
        check: ({ body }) => expect(SitePostPageSchema.parse(body).items.map((p) => p.id)).toEqual([visible.id]),
      };
    },
    expect: everyone(200),
  },

  {
    route: 'GET /api/site/info',
    why: "the blog's name and links, for every page's build",
    prepare: async () => ({ check: ({ body }) => expect(SiteInfoSchema.parse(body).name).toBe(t.config.siteName) }),
    expect: everyone(200),
  },

  {
    route: 'GET /api/site/comments',
    prepare: async (w) => ({ query: { cursor: String((await authorsComment(w)).id - 1), limit: '10' } }),
    expect: everyone(200),
  },
  ...(['draft', 'published'] as const).map(
    (status): Row => ({
      route: 'GET /api/site/posts/{id}/comments',
      target: status,
      why: "the builder's list of one post's comments: published posts only, for everyone",
      prepare: async (w) => ({ params: { id: (await t.factories.post(w.author, { status })).id } }),
      expect: everyone(status === 'draft' ? 404 : 200),
    }),
  ),
  ...(['draft', 'published'] as const).map(
    (status): Row => ({
      route: 'GET /api/site/posts/{idOrSlug}',
      target: status,
      why: 'the on-demand page of a post not built yet: published posts only, for everyone',
      prepare: async (w) => ({ params: { idOrSlug: (await t.factories.post(w.author, { status })).slug } }),
      expect: everyone(status === 'draft' ? 404 : 200),
    }),
  ),
  {
    route: 'GET /api/site/previews/{token}',
    why: 'the token is the key: whoever holds a preview link reads the draft, signed in or not',
    prepare: async (w) => {
      const post = await draft(w);
      const res = await t.request('POST', `/api/posts/${post.id}/preview-link`, { as: w.author });
      const link = PreviewLinkSchema.parse(await res.json());
      return {
        params: { token: link.path.split('/')[2] ?? '' },
        check: ({ body }) => expect(SitePreviewSchema.parse(body)).toMatchObject({ id: post.id, status: 'draft' }),
      };
    },
    expect: everyone(200),
  },

  // Public profiles
  {
    route: 'GET /api/users/{id}',
    target: 'another user',
    prepare: async () => ({
      params: { id: (await reader()).id },
      check: ({ body }) => expect(objectSchema.parse(body)).not.toHaveProperty('email'),
    }),
    expect: everyone(200),
  },
  {
    route: 'GET /api/users/{id}',
    target: 'self',
    why: "a banned account's profile is gone, for its owner too",
    prepare: async (w) => ({ params: { id: (await self(w)).id } }),
    expect: { ...everyone(200), banned: 404 },
  },
  {
    route: 'GET /api/users/{id}',
    target: 'a banned user',
    prepare: async () => ({ params: { id: (await reader({ banned: true })).id } }),
    expect: everyone(404),
  },

  // Admin: the whole site
  { route: 'POST /api/admin/recount', prepare: async () => ({}), expect: adminsOnly(200) },
  { route: 'GET /api/admin/stats', prepare: async () => ({}), expect: adminsOnly(200) },
  { route: 'GET /api/admin/audit', prepare: async () => ({}), expect: adminsOnly(200) },
  {
    route: 'POST /api/admin/bulk',
    prepare: async (w) => {
      const comment = await authorsComment(w);
      return {
        json: { resource: 'comments', action: 'hide', ids: [comment.id] },
        check: async ({ allowed, body }) => {
          if (allowed) expect(BulkResultSchema.parse(body).results).toEqual([{ id: comment.id, ok: true }]);
          expect((await t.db.models.Comment.findByPk(comment.id))?.status).toBe(allowed ? 'hidden' : 'visible');
        },
      };
    },
    expect: adminsOnly(200),
  },
  {
    route: 'GET /api/admin/rebuilds',
    prepare: async () => ({}),
    expect: adminsOnly(200),
  },
  {
    route: 'POST /api/admin/rebuilds',
    prepare: async () => ({ json: { reason: 'authorisation matrix' } }),
    expect: adminsOnly(202),
  },

  // Admin: accounts ("admins, not on their own account")
  {
    route: 'GET /api/admin/users',
    prepare: async () => ({ query: { q: 'example.com' } }),
    expect: adminsOnly(200),
  },
  ...(['another user', 'self'] as const).flatMap((target): Row[] => {
    const account = (w: World) => (target === 'self' ? self(w) : reader());
    const onSelf = (outcome: Outcome) => (target === 'self' ? OWN_ACCOUNT : outcome);
    return [
      {
        route: 'GET /api/admin/users/{id}',
        target,
        prepare: async (w) => ({ params: { id: (await account(w)).id } }),
        expect: adminsOnly(200),
      },
      {
        route: 'PATCH /api/admin/users/{id}',
        target,
        prepare: async (w) => ({ params: { id: (await account(w)).id }, json: { role: 'author' } }),
        expect: adminsOnly(onSelf(200)),
      },
      {
        route: 'DELETE /api/admin/users/{id}',
        target,
        prepare: async (w) => ({ params: { id: (await account(w)).id } }),
        expect: adminsOnly(onSelf(204)),
      },
      {
        route: 'POST /api/admin/users/{id}/ban',
        target,
        prepare: async (w) => ({ params: { id: (await account(w)).id } }),
        expect: adminsOnly(onSelf(200)),
      },
    ];
  }),
  {
    route: 'POST /api/admin/users/{id}/unban',
    target: 'a banned user',
    prepare: async () => ({ params: { id: (await reader({ banned: true })).id } }),
    expect: adminsOnly(200),
  },
  {
    route: 'POST /api/admin/users/{id}/unban',
    target: 'self',
    why: 'an admin unbanning their own (unbanned) account is a no-op, not a self-change to refuse',
    prepare: async (w) => ({ params: { id: (await self(w)).id } }),
    expect: adminsOnly(200),
  },

  // Admin: content
  {
    route: 'GET /api/admin/posts',
    why: 'authors see their own posts of every status and nobody else’s',
    prepare: async (w) => {
      const word = unique('matrixword');
      const own = await t.factories.post(w.author, { status: 'draft', title: `Draft ${word}` });
      const others = await t.factories.post(await t.factories.user({ role: 'author' }), {
        status: 'draft',
        title: `Draft ${word}`,
      });
      return {
        query: { q: word, sort: 'created', order: 'asc' },
        check: ({ persona, allowed, body }) => {
          if (!allowed) return;
          const seen = PostListSchema.parse(body).items.map((p) => p.id);
          const expected = { author: [own.id], otherAuthor: [], admin: [own.id, others.id] };
          if (persona === 'author' || persona === 'otherAuthor' || persona === 'admin') {
            expect(seen).toEqual(expected[persona]);
          }
        },
      };
    },
    expect: postEditors(200, 200),
  },
  {
    route: 'GET /api/admin/comments',
    why: 'admins see every comment; authors the queue of their own posts',
    prepare: async (w) => {
      const comment = await t.factories.comment(await published(w), await reader(), { status: 'pending' });
      return {
        query: { status: 'pending' },
        check: async ({ persona, allowed, body }) => {
          if (!allowed) return;
          const ids = AdminCommentListSchema.parse(body).items.map((c) => c.id);
          // Another author sees nothing of the first author's queue.
          expect(ids.includes(comment.id)).toBe(persona !== 'otherAuthor');
        },
      };
    },
    expect: postEditors(200, 200),
  },
  ...(['approve', 'reject'] as const).map(
    (action): Row => ({
      route: `POST /api/admin/comments/{id}/${action}`,
      why: "admins and the post's author decide its queue; another author does not see it",
      prepare: async (w) => {
        const comment = await t.factories.comment(await published(w), await reader(), { status: 'pending' });
        return {
          params: { id: comment.id },
          check: async ({ allowed }) => {
            const status = (await t.db.models.Comment.findByPk(comment.id))?.status;
            expect(status).toBe(allowed ? (action === 'approve' ? 'visible' : 'rejected') : 'pending');
          },
        };
      },
      expect: postEditors(200, '404 not_found'),
    }),
  ),
  {
    route: 'POST /api/admin/comments/purge',
    prepare: async () => {
      const spammer = await reader();
      return { json: { userId: spammer.id } };
    },
    expect: adminsOnly(200),
  },
  { route: 'GET /api/admin/moderation/settings', prepare: async () => ({}), expect: adminsOnly(200) },
  {
    route: 'PUT /api/admin/moderation/settings',
    prepare: async () => ({ json: { forbiddenWords: [] } }),
    expect: adminsOnly(200),
  },
  { route: 'GET /api/admin/moderation/log', prepare: async () => ({}), expect: adminsOnly(200) },
  { route: 'GET /api/admin/bans', prepare: async () => ({}), expect: adminsOnly(200) },
  {
    route: 'POST /api/admin/bans',
    prepare: async () => ({ json: { kind: 'email_domain', value: `${Math.random().toString(36).slice(2)}.example` } }),
    expect: adminsOnly(201),
  },
  {
    route: 'DELETE /api/admin/bans/{id}',
    prepare: async () => {
      const ban = await t.db.models.Ban.create({
        kind: 'email_domain',
        value: `${Math.random().toString(36).slice(2)}.example`,
        createdBy: null,
        expiresAt: null,
      });
      return { params: { id: ban.id } };
    },
    expect: adminsOnly(204),
  },
  {
    route: 'POST /api/admin/comments/{id}/hide',
    why: 'moderation is for admins only, whoever wrote the comment',
    prepare: async (w) => {
      const comment = await authorsComment(w);
      return {
        params: { id: comment.id },
        check: async ({ allowed, body }) => {
          if (allowed) expect(AdminCommentSchema.parse(body).status).toBe('hidden');
          expect((await t.db.models.Comment.findByPk(comment.id))?.status).toBe(allowed ? 'hidden' : 'visible');
        },
      };
    },
    expect: adminsOnly(200),
  },
  {
    route: 'POST /api/admin/comments/{id}/unhide',
    prepare: async (w) => {
      const post = await published(w);
      return { params: { id: (await t.factories.comment(post, w.author, { status: 'hidden' })).id } };
    },
    expect: adminsOnly(200),
  },
  {
    route: 'DELETE /api/admin/comments/{id}',
    why: "the moderation route is for admins, even to the comment's writer (who has DELETE /comments/{id})",
    prepare: async (w) => ({ params: { id: (await authorsComment(w)).id } }),
    expect: adminsOnly(204),
  },

  // Subscriptions: a session for one's own; signed mail links for the rest (no session needed)
  ...(['GET', 'PUT', 'DELETE'] as const).map(
    (method): Row => ({
      route: `${method} /api/posts/{idOrSlug}/subscription`,
      why: 'reading and stopping need a session, subscribing a verified one',
      prepare: async (w) => ({ params: { idOrSlug: (await published(w)).id } }),
      expect: {
        ...everyone(200),
        anonymous: 401,
        banned: BANNED,
        ...(method === 'PUT' ? { unverified: UNVERIFIED } : {}),
      },
    }),
  ),
  ...(['GET', 'PUT', 'DELETE'] as const).map(
    (method): Row => ({
      route: `${method} /api/newsletter/subscription`,
      why: "the signed-in reader's own toggle; subscribing needs a verified address",
      prepare: async () => ({}),
      expect: {
        ...everyone(200),
        anonymous: 401,
        banned: BANNED,
        ...(method === 'PUT' ? { unverified: UNVERIFIED } : {}),
      },
    }),
  ),
  {
    route: 'GET /api/subscriptions',
    prepare: async () => ({}),
    expect: { ...everyone(200), anonymous: 401, banned: BANNED },
  },
  {
    route: 'DELETE /api/subscriptions/{id}',
    target: "the caller's own",
    prepare: async (w) => ({ params: { id: (await subscriptionOf(await self(w))).id } }),
    expect: { ...everyone(204), anonymous: 401, banned: BANNED },
  },
  {
    route: 'DELETE /api/subscriptions/{id}',
    target: "someone else's",
    why: "another reader's subscription is not found, for admins too",
    prepare: async () => ({ params: { id: (await subscriptionOf(await reader())).id } }),
    expect: { ...everyone('404 not_found'), anonymous: 401, banned: BANNED },
  },
  ...(['GET', 'POST'] as const).flatMap((method): Row[] => [
    {
      route: `${method} /api/unsubscribe`,
      target: 'a signed link',
      why: 'the signed token is the only authority (a mail client sends no cookie)',
      prepare: async () => ({
        query: { token: subscriptionTokens().unsubscribe(await subscriptionOf(await reader())) },
      }),
      expect: everyone(200),
    },
    {
      route: `${method} /api/unsubscribe`,
      target: 'a forged link',
      prepare: async () => {
        const sub = await subscriptionOf(await reader());
        return { query: { token: `${sub.id}.${'A'.repeat(43)}` } };
      },
      expect: everyone('403 invalid_token'),
    },
  ]),
  {
    route: 'POST /api/newsletter/subscribe',
    why: 'anyone may sign an address up: the mailed link confirms it',
    prepare: async () => ({ json: { email: `${unique('news')}@example.com` } }),
    expect: everyone(202),
  },
  {
    route: 'GET /api/newsletter/confirm',
    why: 'authorised by the mailed, signed link',
    prepare: async () => {
      const sub = await t.db.models.Subscription.create({
        userId: null,
        email: `${unique('confirm')}@example.com`,
        subscriber: `email:${unique('confirm')}@example.com`,
        kind: 'site',
        postId: null,
        scope: '-',
        confirmedAt: null,
        secret: 'matrix-secret',
      });
      return { query: { token: subscriptionTokens().confirm(sub, new Date(Date.now() + 3_600_000)) } };
    },
    expect: everyone(200),
  },
  { route: 'GET /api/admin/newsletter', prepare: async () => ({}), expect: adminsOnly(200) },

  // The builder's routes: authorised by an HMAC signature, never by a session (admins' included)
  {
    route: 'POST /api/builds',
    target: 'unsigned',
    prepare: async () => ({ json: { reason: 'unsigned build' } }),
    expect: everyone(UNSIGNED),
  },
  {
    route: 'PATCH /api/builds/{id}',
    target: 'unsigned',
    prepare: async () => {
      const build = await t.db.models.BuildEvent.create({
        reason: 'a build',
        postId: null,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
        pages: null,
        error: null,
      });
      return {
        params: { id: build.id },
        json: { status: 'failed', error: 'forged' },
        check: async () => expect((await t.db.models.BuildEvent.findByPk(build.id))?.status).toBe('queued'),
      };
    },
    expect: everyone(UNSIGNED),
  },
];

// The app's routes

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
const OpenApiSchema = z.object({ paths: z.record(z.string(), z.record(z.string(), z.unknown())) });

/** Every operation of /api/openapi.json, as `METHOD /path`. */
async function documentedRoutes(): Promise<Set<string>> {
  const res = await t.request('GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  const { paths } = OpenApiSchema.parse(await res.json());
  const routes = new Set<string>();
  for (const [path, operations] of Object.entries(paths)) {
    for (const method of Object.keys(operations)) {
      if (HTTP_METHODS.has(method)) routes.add(`${method.toUpperCase()} ${path}`);
    }
  }
  return routes;
}

/** Every route the app serves (middleware aside), in OpenAPI's `{param}` spelling. */
function servedRoutes(): Set<string> {
  return new Set(
    t.app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
  );
}

// Running a cell

let ipCounter = 0;
function nextIp(): string {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

async function callerFor(persona: Persona): Promise<User | null> {
  const { user } = t.factories;
  switch (persona) {
    case 'anonymous':
      return null;
    case 'unverified':
      return user({ verified: false, name: 'Unverified' });
    case 'reader':
      return user({ name: 'Reader' });
    case 'banned':
      return user({ role: 'admin', banned: true, name: 'Banned Admin' });
    case 'author':
      return user({ role: 'author', name: 'Author' });
    case 'otherAuthor':
      return user({ role: 'author', name: 'Other Author' });
    case 'admin':
      return user({ role: 'admin', name: 'Admin' });
  }
}

async function buildWorld(persona: Persona): Promise<World> {
  const caller = await callerFor(persona);
  const author =
    persona === 'author' && caller ? caller : await t.factories.user({ role: 'author', name: 'Post Author' });
  return { persona, caller, author, ip: nextIp() };
}

function pathOf(template: string, params: Call['params'] = {}, query: Call['query']): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(String(value));
  });
  const search = query ? `?${new URLSearchParams(query).toString()}` : '';
  return `${path}${search}`;
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const cells = { checked: 0, mismatched: 0 };

async function runCell(row: Row, persona: Persona): Promise<void> {
  const [method = '', template = ''] = row.route.split(' ');
  const w = await buildWorld(persona);
  const call = await row.prepare(w);
  const cookies = [...(w.caller ? [await t.factories.sessionCookie(w.caller)] : []), ...(call.cookies ?? [])];
  const headers: Record<string, string> = {
    origin: TEST_ORIGIN,
    'x-real-ip': w.ip,
    ...(cookies.length > 0 ? { cookie: cookies.join('; ') } : {}),
  };
  const res = await t.request(method, pathOf(template, call.params, call.query), { json: call.json, headers });
  const text = await res.text();
  const body = parseBody(text);
  const { status, code } = parseOutcome(row.expect[persona]);
  const rule = row.why ? ` (${row.why})` : '';
  expect(res.status, `${row.route} as ${PERSONA_LABELS[persona]}${rule}: ${text}`).toBe(status);
  if (code) expect(ErrorSchema.parse(body).error.code, text).toBe(code);
  await call.check?.({ persona, allowed: res.status < 400, res, body });
}

// The tests

beforeAll(async () => {
  idp = await startTestProvider({ redirectUri: `${TEST_ORIGIN}/api/auth/oidc/test/callback` });
  const providers = writeProvidersFile([
    { id: 'test', name: 'Test ID', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret },
  ]);
  removeProvidersFile = providers.remove;
  t = await createTestContext(
    { OIDC_PROVIDERS_FILE: providers.file, TRUST_PROXY: 'true' },
    { oidc: { allowInsecureRequests: true } },
  );
  otp = createOtpService({
    db: t.db,
    clock: () => new Date(),
    jobs: t.jobs,
    secret: t.config.sessionSecret,
    ttlSeconds: t.config.otpTtlSeconds,
    siteName: t.config.siteName,
    siteUrl: t.config.publicUrl,
    locale: t.config.siteLocale,
  });
  passwordHash = await createPasswordHasher().hash(PASSWORD);
});

afterAll(async () => {
  const routes = new Set(ROWS.map((row) => row.route)).size;
  console.log(
    `authorisation matrix: ${routes} routes (${ROWS.length} rows) × ${PERSONAS.length} callers = ` +
      `${cells.checked} cells checked, ${cells.mismatched} mismatched`,
  );
  await t?.destroy();
  await idp?.close();
  removeProvidersFile?.();
});

describe('the table', () => {
  it('has a row for every route the app serves and documents, and no row for a route that does not exist', async () => {
    const routes = new Set([...(await documentedRoutes()), ...servedRoutes()]);
    const tabled = new Set<string>(ROWS.map((row) => row.route));
    expect({
      routesWithoutARow: [...routes].filter((route) => !tabled.has(route)).sort(),
      rowsNamingNoRoute: [...tabled].filter((route) => !routes.has(route)).sort(),
    }).toEqual({ routesWithoutARow: [], rowsNamingNoRoute: [] });
  });

  it('names each target of a route once', () => {
    const keys = ROWS.map((row) => `${row.route} [${row.target ?? ''}]`);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });
});

describe.each(ROWS.map((row) => ({ row, name: row.target ? `${row.route} [${row.target}]` : row.route })))(
  '$name',
  ({ row }) => {
    it.each(PERSONAS.map((persona) => ({ persona, label: PERSONA_LABELS[persona], outcome: row.expect[persona] })))(
      '$label → $outcome',
      async ({ persona }) => {
        cells.checked++;
        try {
          await runCell(row, persona);
        } catch (error) {
          cells.mismatched++;
          throw error;
        }
      },
    );
  },
);

describe('the signature- and state-authorised routes accept what they should', () => {
  it('accepts a build signed with the webhook secret', async () => {
    const body = JSON.stringify({ reason: 'signed build' });
    const created = await t.request('POST', '/api/builds', {
      body,
      headers: signedHeaders(t.config.webhookSecret, body, new Date(), 'POST /api/builds'),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const build = BuildSchema.parse(await created.json());
    const update = JSON.stringify({ status: 'running' });
    const updated = await t.request('PATCH', `/api/builds/${build.id}`, {
      body: update,
      headers: signedHeaders(t.config.webhookSecret, update, new Date(), `PATCH /api/builds/${build.id}`),
    });
    expect(updated.status, await updated.clone().text()).toBe(200);
    expect(BuildSchema.parse(await updated.json()).status).toBe('running');
  });

  it('signs in through the provider when the callback carries the state /start signed', async () => {
    const sub = unique('sub-');
    idp.signInAs({ sub, email: `${sub}@mail.example`, email_verified: true, name: 'Matrix' });
    const flow = await runSignIn(t, { returnTo: '/posts/x' });
    expect(flow.authError).toBeNull();
    expect(flow.location).toBe(`${TEST_ORIGIN}/posts/x`);
    expect(flow.sessionToken).toBeTruthy();
  });
});
