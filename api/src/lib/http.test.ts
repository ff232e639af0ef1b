import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext, unique } from '../../test/app.js';
import type { User } from '../db/models/index.js';

// The malformed-input sweep of DESIGN §6: every route the app serves, every
// kind of bad input, as an admin and as nobody. Only 2xx and 4xx may come
// back, every 4xx in the one error shape, and the app must keep answering.

// Top-level await: the route list must exist when the tests are collected.
// Behind a "trusted proxy" so every request can come from an address of its
// own and the per-address comment limit does not blur what is tested.
const t: TestContext = await createTestContext({ TRUST_PROXY: 'true' });
afterAll(async () => {
  await t.destroy();
});

interface Route {
  method: string;
  path: string;
}

/** Every method and path the app answers, without the `ALL` middleware entries. */
const ROUTES: Route[] = [
  ...new Map(
    t.app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => [`${route.method} ${route.path}`, { method: route.method, path: route.path }]),
  ).values(),
];

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// 302: the OpenID Connect callback answers every failure with a redirect to the site (checked below).
const STATUSES_ALLOWED = new Set([200, 201, 202, 204, 302, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429]);

const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().regex(/^[a-z]+(_[a-z]+)*$/),
    message: z.string().min(1),
    details: z.array(z.looseObject({ path: z.string().optional(), message: z.string() })).optional(),
    requestId: z.string().min(1),
  }),
});

// Just enough of an OpenAPI document to find each operation's JSON body fields.
// OpenAPI 3.1 spells a nullable field `type: ['string', 'null']` or `anyOf: [{…}, { type: 'null' }]`;
// both are read back as one type plus `nullable`.
const TypeSchema = z.union([z.string(), z.array(z.string())]).optional();
const PropertySchema = z
  .looseObject({
    type: TypeSchema,
    enum: z.array(z.unknown()).optional(),
    nullable: z.boolean().optional(),
    minimum: z.number().optional(),
    exclusiveMinimum: z.union([z.number(), z.boolean()]).optional(),
    anyOf: z.array(z.looseObject({ type: TypeSchema, enum: z.array(z.unknown()).optional() })).optional(),
  })
  .transform(({ type, enum: values, nullable, anyOf, minimum, exclusiveMinimum }) => {
    const types = [type, ...(anyOf ?? []).map((branch) => branch.type)].flat().filter((t) => t !== undefined);
    const enumValues = values ?? anyOf?.find((branch) => branch.enum)?.enum;
    return {
      type: types.find((t) => t !== 'null'),
      enum: enumValues,
      nullable: nullable === true || types.includes('null'),
      minimum: typeof exclusiveMinimum === 'number' ? exclusiveMinimum : minimum,
      exclusiveMinimum: exclusiveMinimum !== undefined && exclusiveMinimum !== false,
    };
  });
const ObjectSchema = z.looseObject({
  properties: z.record(z.string(), PropertySchema).default({}),
  required: z.array(z.string()).default([]),
});
const RefSchema = z.strictObject({ $ref: z.string() });
const OperationSchema = z.looseObject({
  requestBody: z.looseObject({ content: z.record(z.string(), z.looseObject({ schema: z.unknown() })) }).optional(),
});
const DocumentSchema = z.looseObject({
  paths: z.record(z.string(), z.record(z.string(), OperationSchema)),
  components: z.looseObject({ schemas: z.record(z.string(), ObjectSchema) }),
});

const documentRes = await t.request('GET', '/api/openapi.json');
const DOCUMENT = DocumentSchema.parse(await documentRes.json());

type BodySchema = z.infer<typeof ObjectSchema>;

/** The JSON body schema the document gives `route`, $ref resolved, or null. */
function bodySchemaOf(route: Route): BodySchema | null {
  const docPath = route.path.replace(/:(\w+)/g, '{$1}');
  const schema =
    DOCUMENT.paths[docPath]?.[route.method.toLowerCase()]?.requestBody?.content['application/json']?.schema;
  if (!schema) return null;
  const ref = RefSchema.safeParse(schema);
  if (!ref.success) return ObjectSchema.parse(schema);
  const resolved = DOCUMENT.components.schemas[ref.data.$ref.replace('#/components/schemas/', '')];
  if (!resolved) throw new Error(`unresolvable ${ref.data.$ref}`);
  return resolved;
}

interface Fixtures {
  admin: User;
  values: Record<string, string>;
}

/** Fresh rows for one test, and the valid path values that point at them. */
async function fixtures(): Promise<Fixtures> {
  const admin = await t.factories.user({ role: 'admin' });
  const category = await t.factories.category();
  const post = await t.factories.post(admin, { category });
  const comment = await t.factories.comment(post, admin);
  return {
    admin,
    values: {
      '/api/categories': category.slug,
      '/api/posts': String(post.id),
      '/api/comments': String(comment.id),
      '/api/users': String(admin.id),
    },
  };
}

/** `route.path` with each `:param` set to `value`, or to the fixtures' valid value. */
function pathOf(route: Route, fx: Fixtures, value?: string): string {
  return route.path.replace(/:(\w+)/g, () => {
    if (value !== undefined) return value;
    const prefix = Object.keys(fx.values).find((p) => route.path.startsWith(`${p}/`));
    return prefix ? (fx.values[prefix] ?? '1') : '1';
  });
}

type Identity = 'admin' | 'anonymous';

let addresses = 0;

/**
 * Sends requests as one identity and collects every response that breaks the
 * rules, so a failing test lists all of them at once.
 */
function sweeper(identity: Identity, fx: Fixtures) {
  const problems: string[] = [];
  let admin = fx.admin;

  async function send(
    label: string,
    method: string,
    path: string,
    options: {
      body?: string;
      headers?: Record<string, string>;
      withoutLength?: boolean;
      withoutAddress?: boolean;
      expect?: { status: number; code?: string };
    } = {},
  ): Promise<Response> {
    const attempt = () => {
      addresses += 1;
      // Addresses from the benchmarking range: only ever a header value here, never a destination.
      const headers: Record<string, string> = options.withoutAddress
        ? {}
        : { 'x-real-ip': `198.${18 + ((addresses >> 16) & 1)}.${(addresses >> 8) & 255}.${addresses & 255}` };
      if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        // What a real client sends; without it the app cannot tell there is a body before reading it.
        if (!options.withoutLength) headers['content-length'] = String(Buffer.byteLength(options.body));
      }
      Object.assign(headers, options.headers);
      const as = identity === 'admin' ? admin : undefined;
      return t.request(method, path, {
        headers,
        ...(options.body !== undefined ? { body: options.body } : {}),
        ...(as ? { as } : {}),
      });
    };
    let res = await attempt();
    if (res.status === 429 && identity === 'admin') {
      // The per-user comment limit did its job; go on as a fresh admin so the input still gets tested.
      admin = await t.factories.user({ role: 'admin' });
      res = await attempt();
    }
    const where = `${identity} ${method} ${path.length > 120 ? `${path.slice(0, 120)}…` : path} [${label}]`;
    const text = await res.clone().text();
    const say = (problem: string) => problems.push(`${where}: ${problem} → ${res.status} ${text.slice(0, 300)}`);

    if (!STATUSES_ALLOWED.has(res.status)) say(`status ${res.status}`);
    if (res.status === 302 && !(res.headers.get('location') ?? '').startsWith(`${t.config.publicUrl}/`)) {
      say(`redirect off the site to ${res.headers.get('location')}`);
    }
    const requestId = res.headers.get('x-request-id');
    if (!requestId) say('no X-Request-Id');
    if (res.status >= 400) {
      if (!/^application\/json/.test(res.headers.get('content-type') ?? '')) say('error is not JSON');
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        say('error body does not parse');
      }
      const parsed = ErrorBody.safeParse(json);
      if (!parsed.success) say(`error shape: ${parsed.error.message}`);
      else {
        if (parsed.data.error.requestId !== requestId) say('requestId differs from X-Request-Id');
        if (options.expect?.code && parsed.data.error.code !== options.expect.code) {
          say(`expected code ${options.expect.code}`);
        }
      }
      if (res.status === 405 && !res.headers.get('allow')) say('405 without Allow');
      if (res.status === 429 && !/^\d+$/.test(res.headers.get('retry-after') ?? '')) say('429 without Retry-After');
    }
    if (options.expect && res.status !== options.expect.status) say(`expected ${options.expect.status}`);
    return res;
  }

  return { send, problems };
}

async function expectHealthy(): Promise<void> {
  const res = await t.request('GET', '/api/health');
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ok', database: 'ok' });
}

// Path values: traversal, encodings, numbers that are not ids, lengths, unicode.
const HOSTILE_SEGMENTS = [
  '..%2F..%2Fetc%2Fpasswd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%252e%252e%252f',
  '..%5C..%5Cwindows%5Cwin.ini',
  '..%00',
  '....%2F%2F',
  '-1',
  '0',
  '1.5',
  '1e3',
  '0x10',
  '%201',
  '99999999999',
  '9'.repeat(400),
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'x'.repeat(10_000),
  '%00',
  '%',
  '%ZZ',
  '%E0%A4%A',
  '%ED%A0%80',
  '%EF%BF%BF',
  encodeURIComponent('\u200b'),
  encodeURIComponent('a\u200bb'),
  encodeURIComponent('\u202eevil\u202c'),
  encodeURIComponent('😀'),
  encodeURIComponent('é-e\u0301'),
  encodeURIComponent("' OR 1=1 --"),
  encodeURIComponent('<script>alert(1)</script>'),
  '%3F',
  '%23',
  ';',
  'a;b=c',
  '*',
  '~',
];

// Query strings for every GET route: the keys the routes know, and some they do not.
const HOSTILE_QUERIES = [
  'limit=-1',
  'limit=0',
  'limit=NaN',
  'limit=1.5',
  'limit=99999999999',
  'limit=1e400',
  'limit=%00',
  'limit=1&limit=2',
  'page=0',
  'page=abc',
  'page=99999999999',
  'page=-1',
  'cursor=..%2F..%2F',
  'cursor=-1',
  'cursor=99999999999',
  'cursor=%00',
  'posts=1,NaN',
  'posts=%2e%2e%2f',
  `posts=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`,
  `posts=${'1,'.repeat(5000)}1`,
  'posts=99999999999',
  'posts=&posts=1',
  'category=..%2F..%2Fetc%2Fpasswd',
  `category=${encodeURIComponent('\u202e\u200b')}`,
  `category=${encodeURIComponent('😀')}`,
  'category=a&category=b',
  'category=%ZZ',
  `${'k'.repeat(5000)}=1`,
  '%ZZ=%ZZ',
  'limit[]=1',
  'returnTo=javascript:alert(1)',
];

// Headers a client controls: forged proxy addresses, broken cookies, odd content types.
const HOSTILE_HEADERS: Array<[string, Record<string, string>, boolean]> = [
  ['long X-Real-IP', { 'x-real-ip': 'a'.repeat(500) }, false],
  ['X-Real-IP not an address', { 'x-real-ip': '../../etc/passwd' }, false],
  ['long X-Forwarded-For', { 'x-forwarded-for': `${'203.0.113.1, '.repeat(300)}${'b'.repeat(300)}` }, true],
  ['X-Forwarded-For IPv6', { 'x-forwarded-for': '2001:db8::1' }, true],
  ['huge cookie', { cookie: `blog_session=${'x'.repeat(8000)}` }, false],
  ['broken cookie', { cookie: 'blog_session=%ZZ; blog_session=abc; ===; ;;' }, false],
  ['cookie of unicode', { cookie: `blog_session=${encodeURIComponent('😀\u202e')}` }, false],
  ['charset utf-16', { 'content-type': 'application/json; charset=utf-16' }, false],
  ['charset bogus', { 'content-type': 'application/json; charset=bogus' }, false],
  ['content-length not a number', { 'content-length': 'abc' }, false],
  ['content-length negative', { 'content-length': '-1' }, false],
  ['method override', { 'x-http-method-override': 'DELETE', 'x-method-override': 'DELETE' }, false],
  ['X-Request-Id traversal', { 'x-request-id': '../../etc/passwd' }, false],
  ['accept html', { accept: 'text/html', 'accept-encoding': 'gzip, br' }, false],
  ['same origin', { origin: 'http://blog.test', 'sec-fetch-site': 'same-origin' }, false],
];

// Bodies that are not JSON, or not the JSON of an object.
const BAD_JSON = [
  '{',
  '{"body":',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  'undefined',
  'NaN',
  '\u0000',
  '',
];
// A UTF-8 byte order mark before JSON is allowed by the Fetch standard's body.json(): '\ufeff{}' is plain {}.
const NOT_OBJECTS = [
  'null',
  '[]',
  '"string"',
  '0',
  'true',
  '[{"body":"x"}]',
  `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
];

const WRONG_BY_TYPE: Record<string, string[]> = {
  string: ['0', '1.5', 'true', 'null', '[]', '{}', '["a"]', '{"toString":"x"}'],
  integer: [
    '"1"',
    '1.5',
    '-1',
    '0',
    '99999999999',
    '2147483648',
    '1e400',
    '-1e400',
    '1e-400',
    'true',
    '[]',
    '{}',
    '"NaN"',
  ],
  number: ['"1"', 'true', '[]', '{}', '1e400'],
  array: ['"a"', '1', 'true', '{}', '[1]'],
  boolean: ['"true"', '1', 'null', '[]'],
};
const WRONG_ENUM = ['"bogus"', '""', '"DRAFT"', '1', '[]'];

/** Unicode edge cases, as raw JSON string literals (so lone surrogates travel escaped). */
const UNICODE = [
  '"\\ud800"',
  '"\\udfff"',
  '"a\\ud800b\\udc00c"',
  '"\\udc00\\ud800"',
  '"\u200b\u200c\u200d\u2060\ufeff"',
  '"zero\u200bwidth\u200djoiner"',
  '"\u202eevil\u202c \u200f\u0627\u0644\u0639\u0631\u0628\u064a\u0629\u200e"',
  '"😀👨‍👩‍👧‍👦🏳️‍🌈"',
  `"${'😀'.repeat(60)}"`,
  '"e\u0301\u0301\u0301\u0301"',
  '"Z̸̢͓̮a̵̛l̸̰g̶̣o̴̥"',
  '"\\u0007\\u001b[31mred\\u001b[0m"',
  '"\\u2028\\u2029"',
  '"\\uffff\\ufffe\\ufffd"',
  '"İıßﬁ"',
  '"\\u0000"',
];

/** A body with the schema's required string fields filled, `overrides` (raw JSON values) on top. */
function bodyWith(schema: BodySchema | null, overrides: Record<string, string> | Array<[string, string]>): string {
  // A Map, so a "__proto__" field is sent as a field like any other.
  const fields = new Map<string, string>();
  for (const name of schema?.required ?? []) fields.set(name, JSON.stringify(unique('sweep-')));
  for (const [name, raw] of Array.isArray(overrides) ? overrides : Object.entries(overrides)) fields.set(name, raw);
  return `{${[...fields].map(([name, raw]) => `${JSON.stringify(name)}:${raw}`).join(',')}}`;
}

const IDENTITIES: Identity[] = ['admin', 'anonymous'];
const label = (route: Route) => `${route.method} ${route.path}`;

describe.each(ROUTES.map((route) => ({ route, name: label(route) })))('$name', ({ route }) => {
  const hasParams = route.path.includes(':');
  const isGet = route.method === 'GET';
  const isUnsafe = UNSAFE.has(route.method);
  const schema = bodySchemaOf(route);

  describe.each(IDENTITIES)('as %s', (identity) => {
    if (hasParams)
      it('survives hostile path values', async () => {
        const fx = await fixtures();
        const { send, problems } = sweeper(identity, fx);
        const body = isUnsafe ? bodyWith(schema, {}) : undefined;
        for (const value of HOSTILE_SEGMENTS) {
          await send(
            `path ${value.slice(0, 40)}`,
            route.method,
            pathOf(route, fx, value),
            body === undefined ? {} : { body },
          );
        }
        // Unencoded traversal: the URL parser resolves it before the app sees it.
        await send('raw traversal', route.method, pathOf(route, fx, '../../etc/passwd'));
        await send('raw dots', route.method, pathOf(route, fx, '..'));
        expect(problems).toEqual([]);
        await expectHealthy();
      });

    if (isGet)
      it('survives hostile query strings', async () => {
        const fx = await fixtures();
        const { send, problems } = sweeper(identity, fx);
        for (const query of HOSTILE_QUERIES) {
          await send(`query ${query.slice(0, 40)}`, route.method, `${pathOf(route, fx)}?${query}`);
        }
        expect(problems).toEqual([]);
        await expectHealthy();
      });

    if (isUnsafe)
      it('answers bad JSON and JSON that is no object with 4xx', async () => {
        const fx = await fixtures();
        const { send, problems } = sweeper(identity, fx);
        for (const body of BAD_JSON) {
          await send(`bad JSON ${JSON.stringify(body.slice(0, 20))}`, route.method, pathOf(route, fx), {
            body,
            ...(schema ? { expect: { status: 400, code: 'bad_request' } } : {}),
          });
        }
        for (const body of NOT_OBJECTS) {
          await send(`not an object ${body.slice(0, 20)}`, route.method, pathOf(route, fx), {
            body,
            ...(schema ? { expect: { status: 422, code: 'validation_failed' } } : {}),
          });
        }
        expect(problems).toEqual([]);
        await expectHealthy();
      });

    if (isUnsafe)
      it('answers wrong types and unknown fields with 422', async () => {
        const fx = await fixtures();
        const { send, problems } = sweeper(identity, fx);
        const expected = schema ? { expect: { status: 422, code: 'validation_failed' } } : {};
        for (const [name, property] of Object.entries(schema?.properties ?? {})) {
          const wrong = property.enum ? WRONG_ENUM : (WRONG_BY_TYPE[property.type ?? ''] ?? WRONG_BY_TYPE.string ?? []);
          for (const raw of wrong) {
            // Some values are legitimately valid for a field (a nullable field takes null, an
            // integer field whose minimum is 0 takes 0 — 1e-400 is 0 too).
            const zeroAllowed = property.minimum !== undefined && property.minimum <= 0 && !property.exclusiveMinimum;
            const valid =
              (raw === 'null' && property.nullable === true) || (zeroAllowed && (raw === '0' || raw === '1e-400'));
            await send(`${name}=${raw}`, route.method, pathOf(route, fx), {
              body: bodyWith(schema, { [name]: raw }),
              ...(valid ? {} : expected),
            });
          }
        }
        // Pairs, not object literals: `{ __proto__: … }` would set a prototype, not send a key.
        const extras: Array<Array<[string, string]>> = [
          [['zzUnknown', '1']],
          [['__proto__', '{"isAdmin":true}']],
          [['constructor', '{"prototype":{"isAdmin":true}}']],
          [
            ['id', '1'],
            ['createdAt', '"2000-01-01T00:00:00Z"'],
          ],
        ];
        for (const extra of extras) {
          const body = bodyWith(schema, extra);
          const res = await send(`unknown ${extra.map(([name]) => name).join(',')}`, route.method, pathOf(route, fx), {
            body,
            ...expected,
          });
          if (schema && res.status === 422) {
            const parsed = ErrorBody.parse(await res.json());
            if (!parsed.error.details?.some((d) => d.code === 'unrecognized_keys')) {
              problems.push(`${label(route)}: unknown field not reported as unrecognized_keys`);
            }
          }
        }
        expect(problems).toEqual([]);
        await expectHealthy();
      });

    if (isUnsafe)
      it('survives unicode edge cases in every string field', async () => {
        const fx = await fixtures();
        const { send, problems } = sweeper(identity, fx);
        const strings = Object.entries(schema?.properties ?? { anything: { type: 'string' } }).filter(
          ([, property]) => property.type === 'string' && !property.enum,
        );
        for (const raw of UNICODE) {
          // Every string field at once, then each alone (so one field's refusal hides nothing).
          await send(`all strings ${raw.slice(0, 20)}`, route.method, pathOf(route, fx), {
            body: bodyWith(schema, Object.fromEntries(strings.map(([name]) => [name, raw]))),
          });
          for (const [name] of strings) {
            await send(`${name}=${raw.slice(0, 20)}`, route.method, pathOf(route, fx), {
              body: bodyWith(schema, { [name]: raw }),
            });
          }
        }
        expect(problems).toEqual([]);
        await expectHealthy();
      });

    it('survives hostile headers', async () => {
      const fx = await fixtures();
      const { send, problems } = sweeper(identity, fx);
      const body = isUnsafe ? bodyWith(schema, {}) : undefined;
      for (const [name, headers, withoutAddress] of HOSTILE_HEADERS) {
        await send(`header ${name}`, route.method, pathOf(route, fx), {
          ...(body === undefined ? {} : { body }),
          headers,
          withoutAddress,
        });
      }
      expect(problems).toEqual([]);
      await expectHealthy();
    });

    if (isUnsafe)
      it('answers a body over MAX_BODY_BYTES with 413 and a text body with 415', async () => {
        const fx = await fixtures();
        const { send, problems } = sweeper(identity, fx);
        const huge = bodyWith(schema, { body: JSON.stringify('x'.repeat(t.config.maxBodyBytes + 1)) });
        const tooLarge = { status: 413, code: 'payload_too_large' };
        await send('huge', route.method, pathOf(route, fx), { body: huge, expect: tooLarge });
        // Streamed without a length, the limit must still hold.
        await send('huge, chunked', route.method, pathOf(route, fx), {
          body: huge,
          headers: { 'transfer-encoding': 'chunked' },
          withoutLength: true,
          expect: tooLarge,
        });
        // A length that lies about a big body is refused before it is read.
        await send('huge length', route.method, pathOf(route, fx), {
          body: '{}',
          headers: { 'content-length': String(t.config.maxBodyBytes + 1) },
          expect: tooLarge,
        });
        // A route that documents a form body (the newsletter sign-up form, RFC 8058's one-click
        // POST) takes that type; every other type is still refused.
        const documented = Object.keys(
          DOCUMENT.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()]?.requestBody?.content ??
            {},
        );
        for (const type of [
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/jsonx',
        ].filter((type) => !documented.includes(type.split(';')[0] ?? type))) {
          await send(`content-type ${type}`, route.method, pathOf(route, fx), {
            body: bodyWith(schema, {}),
            headers: { 'content-type': type },
            expect: { status: 415, code: 'unsupported_media_type' },
          });
        }
        expect(problems).toEqual([]);
        await expectHealthy();
      });
  });
});

describe('routing', () => {
  it('answers an unknown path with a 404 in the error shape', async () => {
    const fx = await fixtures();
    const { send, problems } = sweeper('anonymous', fx);
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['GET', '/api'],
      ['GET', '/api/'],
      ['GET', '/api/posts/1/comments/extra'],
      ['POST', '/api/nope'],
      ['DELETE', '/api/users'],
      ['GET', '/nope'],
      ['GET', '/'],
      ['GET', '/etc/passwd'],
    ] as const) {
      await send('unknown', method, path, { expect: { status: 404, code: 'not_found' } });
    }
    expect(problems).toEqual([]);
  });

  it('answers a known path with a wrong method with a 405 and its Allow header', async () => {
    const fx = await fixtures();
    const { send, problems } = sweeper('admin', fx);
    const templates = ROUTES.map((route) => ({
      method: route.method,
      pattern: new RegExp(`^${route.path.replace(/:\w+/g, '[^/]+')}$`),
    }));
    const paths = new Set(ROUTES.map((route) => pathOf(route, fx)));
    expect(paths.size).toBeGreaterThan(5);
    for (const path of paths) {
      // /api/comments/counts also reads as /api/comments/:id, so a URL's methods are those of every route it matches.
      const served = new Set(templates.filter((tpl) => tpl.pattern.test(path)).map((tpl) => tpl.method));
      if (served.has('GET')) served.add('HEAD');
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        if (served.has(method)) continue;
        const res = await send('wrong method', method, path, { expect: { status: 405, code: 'method_not_allowed' } });
        const allow = new Set((res.headers.get('allow') ?? '').split(/,\s*/));
        expect(allow, `${method} ${path}`).toEqual(served);
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers HEAD on a GET route without a body', async () => {
    const res = await t.request('HEAD', '/api/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(await res.text()).toBe('');
  });
});

describe('request ids', () => {
  it('puts an X-Request-Id on every response, the same as the requestId of an error', async () => {
    const ids = new Set<string>();
    for (const path of ['/api/health', '/api/posts', '/api/nope', '/api/posts/no-such-post']) {
      const res = await t.request('GET', path);
      const id = res.headers.get('x-request-id');
      expect(id, path).toMatch(/^[\w-]{8,}$/);
      ids.add(id ?? '');
      if (res.status >= 400) expect(ErrorBody.parse(await res.json()).error.requestId).toBe(id);
    }
    expect(ids.size).toBe(4);
  });

  it('keeps a well-formed incoming X-Request-Id and replaces a hostile one', async () => {
    const kept = await t.request('GET', '/api/nope', { headers: { 'x-request-id': 'proxy-assigned-123' } });
    expect(kept.headers.get('x-request-id')).toBe('proxy-assigned-123');
    for (const hostile of [
      '<script>alert(1)</script>',
      'a'.repeat(300),
      'id\r\nSet-Cookie: x=1'.replace(/\r\n/, ' '),
    ]) {
      const res = await t.request('GET', '/api/nope', { headers: { 'x-request-id': hostile } });
      const id = res.headers.get('x-request-id') ?? '';
      expect(id).not.toBe(hostile);
      expect(id).toMatch(/^[\w-]+$/);
      expect(ErrorBody.parse(await res.json()).error.requestId).toBe(id);
    }
  });
});

describe('afterwards', () => {
  it('still answers /api/health', async () => {
    await expectHealthy();
  });
});
