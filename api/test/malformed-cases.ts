import fc from 'fast-check';
import { z } from 'zod';
import { SESSION_COOKIE } from '../src/auth/sessions.js';
import { chunkedBody, requestBytes } from './raw-http.js';

/**
 * The malformed requests of the sweep (malformed.sweep.test.ts), generated from the API's own
 * OpenAPI document: for each operation, bodies with wrong types, missing and unknown fields,
 * huge, nested, broken and oddly encoded values; odd path and query values; odd methods;
 * oversized and chunked bodies; wrong content types.
 */

export interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  minItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/**
 * OpenAPI 3.1 schemas read as the 3.0 shape this sweep reasons about: `type: ['string', 'null']`
 * becomes `type: 'string', nullable: true`, a numeric `exclusiveMinimum` a `minimum` with the flag.
 */
function as30(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const schema: Record<string, unknown> = { ...raw };
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((type): type is string => typeof type === 'string');
    schema.nullable = types.includes('null') || schema.nullable === true;
    const type = types.find((candidate) => candidate !== 'null');
    if (type) schema.type = type;
    else delete schema.type;
  }
  if (typeof schema.exclusiveMinimum === 'number') {
    schema.minimum = schema.exclusiveMinimum;
    schema.exclusiveMinimum = true;
  }
  if (typeof schema.exclusiveMaximum === 'number') {
    schema.maximum = schema.exclusiveMaximum;
    delete schema.exclusiveMaximum;
  }
  return schema;
}

const JsonSchemaSchema: z.ZodType<JsonSchema> = z.lazy(() =>
  z.preprocess(
    as30,
    z.looseObject({
      $ref: z.string().optional(),
      type: z.string().optional(),
      format: z.string().optional(),
      pattern: z.string().optional(),
      enum: z.array(z.unknown()).optional(),
      nullable: z.boolean().optional(),
      minLength: z.number().optional(),
      maxLength: z.number().optional(),
      minimum: z.number().optional(),
      maximum: z.number().optional(),
      exclusiveMinimum: z.boolean().optional(),
      minItems: z.number().optional(),
      properties: z.record(z.string(), JsonSchemaSchema).optional(),
      required: z.array(z.string()).optional(),
      items: JsonSchemaSchema.optional(),
      anyOf: z.array(JsonSchemaSchema).optional(),
      allOf: z.array(JsonSchemaSchema).optional(),
    }),
  ),
);

const ParameterSchema = z.looseObject({
  name: z.string(),
  in: z.enum(['path', 'query', 'header', 'cookie']),
  required: z.boolean().optional(),
  schema: JsonSchemaSchema.optional(),
});

const OperationSchema = z.looseObject({
  parameters: z.array(ParameterSchema).default([]),
  requestBody: z
    .looseObject({
      content: z.record(z.string(), z.looseObject({ schema: JsonSchemaSchema })),
    })
    .optional(),
});

export const OpenApiSchema = z.looseObject({
  paths: z.record(z.string(), z.record(z.string(), OperationSchema)),
  components: z.looseObject({ schemas: z.record(z.string(), JsonSchemaSchema).default({}) }),
});

export interface Operation {
  method: string;
  /** The OpenAPI path, `{param}` placeholders included. */
  path: string;
  pathParams: string[];
  queryParams: Array<{ name: string; schema: JsonSchema }>;
  /** The JSON body's schema, $refs resolved at the top; null when the operation takes none. */
  body: JsonSchema | null;
}

/** Every operation of the document. */
export function operationsOf(document: unknown): { operations: Operation[]; resolve: (s: JsonSchema) => JsonSchema } {
  const doc = OpenApiSchema.parse(document);
  const resolve = (schema: JsonSchema): JsonSchema => {
    let current = schema;
    for (let i = 0; current.$ref && i < 20; i++) {
      const name = current.$ref.replace('#/components/schemas/', '');
      const target = doc.components.schemas[name];
      if (!target) throw new Error(`unresolved $ref ${current.$ref}`);
      current = target;
    }
    if (current.allOf) {
      const parts = current.allOf.map(resolve);
      return {
        type: 'object',
        properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})),
        required: parts.flatMap((part) => part.required ?? []),
      };
    }
    return current;
  };
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const json = operation.requestBody?.content['application/json']?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: operation.parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: operation.parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: resolve(p.schema ?? {}) })),
        body: json ? resolve(json) : null,
      });
    }
  }
  return { operations, resolve };
}

let uniqueCounter = 0;

/** A value the schema accepts, as far as this simple walk can tell (a starting point to break). */
export function validValue(schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema): unknown {
  const s = resolve(schema);
  if (s.enum && s.enum.length > 0) return s.enum[0];
  if (s.anyOf?.[0]) return validValue(s.anyOf[0], resolve);
  switch (s.type) {
    case 'string': {
      if (s.format === 'email') return `sweep${++uniqueCounter}@example.com`;
      if (s.format === 'date-time') return new Date().toISOString();
      if (s.pattern === '^\\d{6}$') return '123456';
      if (s.pattern) return `sweep-value-${++uniqueCounter}`;
      return 'sweep'.padEnd(Math.max(5, s.minLength ?? 0), 'x');
    }
    case 'integer':
    case 'number':
      return Math.max(1, s.minimum ?? 1);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => (s.items ? validValue(s.items, resolve) : 1));
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(s.properties ?? {})) value[name] = validValue(property, resolve);
      return value;
    }
    default:
      return s.nullable ? null : 'sweep';
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type JsonKind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';
const kindOf = (value: unknown): JsonKind => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  if (type === 'boolean' || type === 'number' || type === 'string') return type;
  return 'object';
};
const schemaKinds = (s: JsonSchema): JsonKind[] => {
  const kinds: JsonKind[] = [];
  if (s.nullable) kinds.push('null');
  if (s.type === 'integer' || s.type === 'number') kinds.push('number');
  else if (s.type === 'string' || s.type === 'boolean' || s.type === 'array' || s.type === 'object') kinds.push(s.type);
  return kinds;
};

/** One of each JSON type, with the awkward numbers. */
const WRONG_TYPES: unknown[] = [null, true, 1.5, 'x', [1, 'a'], { a: 1 }];

/** Strings the sweep puts in string fields, query values and path segments. */
export const ODD_STRINGS: Record<string, string> = {
  empty: '',
  space: ' ',
  nul: 'a\u0000b',
  'only-nul': '\u0000',
  controls: '\u0001\u0007\u001b[31m\u007f',
  crlf: 'a\r\nX-Injected: 1',
  'lone-high-surrogate': '\ud800',
  'lone-low-surrogate': 'x\udfffy',
  rtl: '\u202eevil\u202c\u200f\u061c',
  'zero-width': '\u200b\u200c\u200d\u2060\ufeff',
  combining: `e${'\u0301\u0308\u0327'.repeat(40)}`,
  emoji: '👩‍👩‍👧‍👦🏳️‍🌈🇺🇳😀',
  'astral-letters': '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'private-use': '\ue000\uf8ff\u{10fffd}',
  noncharacters: '\ufffe\uffff',
  'html-script': '<script>alert(1)</script><img src=x onerror=alert(1)>',
  'sql-ish': "1' OR '1'='1; DROP TABLE users; --",
  traversal: '../../../../etc/passwd',
  'windows-traversal': '..\\..\\windows\\win.ini',
  'percent-literal': '%00%2e%2e%2f',
  proto: '__proto__',
  numberish: '1e400',
  'long-number': '99999999999999999999999999999',
  negative: '-1',
};

/** The odd strings sent in every string field of a body (the others are dealt out). */
const EVERY_FIELD = new Set(['nul', 'lone-high-surrogate', 'rtl', 'zero-width', 'combining', 'emoji', 'controls']);

/** Path segments, already in the request target's form (percent-encoded where meant). */
export const ODD_SEGMENTS: Record<string, string> = {
  'encoded-traversal': '..%2f..%2f..%2fetc%2fpasswd',
  'encoded-traversal-upper': '..%2F..%2F',
  'encoded-backslash': '..%5c..%5c',
  'encoded-dots': '%2e%2e',
  'encoded-nul': '%00',
  'nul-inside': '1%00',
  'bare-percent': '%',
  'bad-percent': '%zz',
  'invalid-utf8': '%ff%fe',
  'overlong-slash': '%c0%af',
  'encoded-surrogate': '%ed%a0%80',
  'encoded-crlf': '1%0d%0aX-Injected:%201',
  zero: '0',
  'minus-one': '-1',
  'minus-zero': '-0',
  'leading-zeros': '0000000001',
  fraction: '1.5',
  exponent: '1e3',
  hex: '0x10',
  'int32-overflow': '2147483648',
  'unsafe-integer': '9007199254740993',
  huge: '9'.repeat(40),
  nan: 'NaN',
  infinity: 'Infinity',
  null: 'null',
  undefined: 'undefined',
  proto: '__proto__',
  constructor: 'constructor',
  'encoded-space': '%20',
  plus: '+',
  semicolon: '1;a=b',
  quote: "1'--",
  'encoded-rtl-zero-width': '%E2%80%AE%E2%80%8B',
  'encoded-combining': `e${'%CC%81'.repeat(30)}`,
  'encoded-emoji': '%F0%9F%91%A9%E2%80%8D%F0%9F%91%A9%E2%80%8D%F0%9F%91%A7',
  'very-long': 'a'.repeat(8000),
};

/** Percent-encodes every byte of the UTF-8 form that is not unreserved (lone surrogates become U+FFFD). */
export const encodeComponent = (value: string | Uint8Array): string => {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  let out = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};

export interface Identity {
  name: 'admin' | 'anonymous';
  cookie: string | null;
}

export interface SweepCase {
  /** Operation, case group and case, e.g. `PATCH /api/posts/{idOrSlug} body:wrong-type:title:null`. */
  name: string;
  group: string;
  /** `group:case`, the same for every operation. */
  kind: string;
  bytes: Buffer | Buffer[];
  head?: boolean;
  /** The connection is not reused afterwards. */
  oneShot?: boolean;
}

export interface CaseOptions {
  origin: string;
  maxBodyBytes: number;
  /** Multiplies the number of generated (fast-check) values. */
  scale: number;
  /** A value for the path parameter that routes to something that exists. */
  segment: (param: string) => string;
  seed: number;
}

/**
 * A JSON text with string values spliced in as raw JSON source, so escapes JSON.stringify would
 * never write (lone surrogates as `\ud800`) reach the server as sent.
 */
const withRawProperty = (value: Record<string, unknown>, property: string, rawJson: string): string => {
  const marker = '"__sweep_raw__"';
  return JSON.stringify({ ...value, [property]: '__sweep_raw__' }).replace(marker, rawJson);
};

/** `"\ud800"`-style JSON source of a string, every non-ASCII code unit escaped. */
const escapedJsonString = (value: string): string => {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const char = value[i] ?? '';
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
};

export function casesFor(
  operation: Operation,
  identity: Identity,
  resolve: (s: JsonSchema) => JsonSchema,
  options: CaseOptions,
): SweepCase[] {
  const cases: SweepCase[] = [];
  const label = `${operation.method} ${operation.path} as ${identity.name}`;
  const { origin, maxBodyBytes, scale } = options;
  let seed = options.seed;
  const sample = <T>(arbitrary: fc.Arbitrary<T>, count: number): T[] =>
    fc.sample(arbitrary, { numRuns: Math.max(1, Math.round(count * scale)), seed: seed++ });

  const targetWith = (segments: Record<string, string> = {}, query = '') =>
    `${operation.path.replace(/\{(\w+)\}/g, (_, name: string) => segments[name] ?? options.segment(name))}${query}`;
  const baseHeaders = (): Array<[string, string]> => {
    const headers: Array<[string, string]> = [['Origin', origin]];
    if (identity.cookie) headers.push(['Cookie', identity.cookie]);
    return headers;
  };
  const add = (group: string, name: string, bytes: Buffer | Buffer[], extra: Partial<SweepCase> = {}) =>
    cases.push({ name: `${label} ${group}:${name}`, kind: `${group}:${name}`, group, bytes, ...extra });
  /** A request with a JSON (or any) body and a Content-Length. */
  const withBody = (
    group: string,
    name: string,
    body: Buffer | string,
    contentType: string | null = 'application/json',
  ) => {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const headers = baseHeaders();
    if (contentType !== null) headers.push(['Content-Type', contentType]);
    headers.push(['Content-Length', String(bytes.length)]);
    add(
      group,
      name,
      requestBytes({
        method: operation.method,
        target: targetWith(),
        headers,
        body: bytes,
      }),
    );
  };
  const plain = (group: string, name: string, target: string, method = operation.method) =>
    add(group, name, requestBytes({ method, target, headers: baseHeaders() }), { head: method === 'HEAD' });

  // Anonymous requests to most routes stop at the sign-in check: they get every third odd path,
  // query and header value, broken body and content type; the admin all of them.
  const mine = (i: number) => identity.name === 'admin' || i % 3 === 0;

  // --- Bodies ---------------------------------------------------------------------------------
  const bodySchema = operation.body;
  /** A valid-shaped body, with a new email and slug each time (so no case stops at a conflict). */
  const fresh = (): Record<string, unknown> => {
    const valid = bodySchema ? validValue(bodySchema, resolve) : {};
    return isRecord(valid) ? valid : {};
  };
  const properties = Object.entries(bodySchema?.properties ?? {}).map(
    ([name, schema]) => [name, resolve(schema)] as const,
  );

  const stringFields = Math.max(1, properties.filter(([, schema]) => schema.type === 'string').length);
  let oddStringTurn = 0;
  if (bodySchema) {
    withBody('body', 'valid-shape', JSON.stringify(fresh()));
    for (const [name, schema] of properties) {
      const kinds = schemaKinds(schema);
      const wrong = WRONG_TYPES.filter((value) => !kinds.includes(kindOf(value)));
      for (const value of wrong) {
        withBody('body', `wrong-type:${name}:${JSON.stringify(value)}`, JSON.stringify({ ...fresh(), [name]: value }));
      }
      for (const value of sample(
        fc.jsonValue({ maxDepth: 3 }).filter((v) => !kinds.includes(kindOf(v))),
        2,
      )) {
        withBody('body', `wrong-type:${name}:generated`, JSON.stringify({ ...fresh(), [name]: value }));
      }
    }
    for (const name of bodySchema.required ?? []) {
      const { [name]: _dropped, ...rest } = fresh();
      withBody('body', `missing:${name}`, JSON.stringify(rest));
    }
    withBody('body', 'missing:all', '{}');
    withBody('body', 'unknown-field', JSON.stringify({ ...fresh(), sweepUnknownField: 1 }));
    withBody('body', 'unknown-field:__proto__', withRawProperty(fresh(), '__proto__', '{"role":"admin"}'));
    withBody(
      'body',
      'unknown-field:constructor',
      JSON.stringify({ ...fresh(), constructor: { prototype: { isAdmin: true } } }),
    );
    withBody(
      'body',
      'duplicate-keys',
      `${JSON.stringify(fresh()).slice(0, -1)}${properties.length ? ',' : ''}"${properties[0]?.[0] ?? 'a'}":[]}`,
    );

    for (const [name, schema] of properties) {
      if (schema.type !== 'string') continue;
      // Just under the body limit; as long as the field allows (so it reaches the database and the
      // renderer), plain and as markdown that is slow to parse if anything is.
      const room = maxBodyBytes - JSON.stringify(fresh()).length - 64;
      const longest = Math.min(room, schema.maxLength ?? room);
      withBody('body', `huge-string:${name}`, JSON.stringify({ ...fresh(), [name]: 'x'.repeat(room) }));
      if (longest < room) {
        withBody('body', `longest-string:${name}`, JSON.stringify({ ...fresh(), [name]: 'x'.repeat(longest) }));
      }
      // Rendering costs ~2.5 µs a character for the emphasis kind: the default run keeps it short.
      const markdownLength = scale > 1 ? longest : Math.min(longest, 20_000);
      for (const [kind, unit] of Object.entries({ emphasis: '*[', nesting: '> ', links: '[a](' })) {
        const markdown = unit.repeat(Math.floor(markdownLength / unit.length));
        withBody('body', `huge-markdown:${name}:${kind}`, JSON.stringify({ ...fresh(), [name]: markdown }));
      }
      // The strings most likely to upset a database or a renderer go into every string field,
      // the rest are dealt out over the fields in turn.
      for (const [kind, value] of Object.entries(ODD_STRINGS)) {
        if (!EVERY_FIELD.has(kind) && oddStringTurn++ % stringFields !== 0) continue;
        withBody('body', `string:${name}:${kind}`, withRawProperty(fresh(), name, escapedJsonString(value)));
      }
      for (const value of sample(fc.string({ unit: 'binary', maxLength: 64 }), 3)) {
        withBody('body', `string:${name}:generated-binary`, withRawProperty(fresh(), name, escapedJsonString(value)));
      }
      for (const value of sample(fc.string({ unit: 'grapheme', maxLength: 32 }), 2)) {
        withBody('body', `string:${name}:generated-grapheme`, JSON.stringify({ ...fresh(), [name]: value }));
      }
      // Invalid UTF-8 and a raw NUL inside the string (raw control characters are invalid JSON).
      const [before, after] = JSON.stringify({ ...fresh(), [name]: '__split__' }).split('__split__');
      for (const [kind, bytes] of Object.entries({
        'invalid-utf8': [0xff, 0xfe, 0xfd],
        'overlong-utf8': [0xc0, 0xaf, 0xe0, 0x80, 0xaf],
        'truncated-utf8': [0xe2, 0x82],
        'utf8-surrogate': [0xed, 0xa0, 0x80],
        'raw-nul': [0x00],
      })) {
        withBody(
          'body',
          `bytes:${name}:${kind}`,
          Buffer.concat([Buffer.from(before ?? ''), Buffer.from(bytes), Buffer.from(after ?? '')]),
        );
      }
    }
    for (const [name, schema] of properties) {
      if (schema.type !== 'integer' && schema.type !== 'number') continue;
      for (const raw of [
        '-0',
        '1e400',
        '-1e400',
        '123456789012345678901234567890',
        '1.0000000000000001',
        '0.5',
        '-2147483648',
      ]) {
        withBody('body', `number:${name}:${raw}`, withRawProperty(fresh(), name, raw));
      }
    }
    for (const [name, schema] of properties) {
      if (schema.type !== 'array') continue;
      withBody(
        'body',
        `array:${name}:huge`,
        JSON.stringify({ ...fresh(), [name]: Array.from({ length: 20_000 }, (_, i) => i + 1) }),
      );
    }
  }

  // Deep nesting, as the body and inside a property.
  const depth = Math.min(50_000, Math.floor((maxBodyBytes - 64) / 2));
  const firstProperty = properties[0]?.[0] ?? 'a';
  const needsBody = operation.method !== 'GET';
  if (needsBody) {
    withBody('nesting', 'arrays', `${'['.repeat(depth)}${']'.repeat(depth)}`);
    withBody('nesting', 'objects', `${'{"a":'.repeat(Math.floor(depth / 3))}1${'}'.repeat(Math.floor(depth / 3))}`);
    withBody(
      'nesting',
      'in-property',
      withRawProperty(fresh(), firstProperty, `${'['.repeat(depth - 100)}${']'.repeat(depth - 100)}`),
    );
    withBody('nesting', 'unclosed', '['.repeat(depth));

    // Broken JSON.
    const broken: Record<string, string | Buffer> = {
      empty: '',
      'only-brace': '{',
      truncated: JSON.stringify(fresh()).slice(0, -1),
      'trailing-comma': '{"a":1,}',
      'single-quotes': "{'a':1}",
      'nan-literal': '{"a":NaN}',
      comment: '{/* c */}',
      'bare-string': '"just a string"',
      'bare-number': '42',
      'bare-null': 'null',
      'bare-array': '[]',
      'bom-prefix': `\ufeff${JSON.stringify(fresh())}`,
      'two-documents': `${JSON.stringify(fresh())}${JSON.stringify(fresh())}`,
      'garbage-after': `${JSON.stringify(fresh())}garbage`,
      whitespace: ' \n\t\r ',
      'raw-nul-body': Buffer.from([0x00, 0x00, 0x00]),
      'invalid-utf8-body': Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
      'utf16le-body': Buffer.from(JSON.stringify(fresh()), 'utf16le'),
    };
    for (const [i, [name, body]] of Object.entries(broken).entries()) if (mine(i)) withBody('bad-json', name, body);
    for (const text of sample(fc.string({ unit: 'binary', maxLength: 80 }), 3)) withBody('bad-json', 'generated', text);

    // Wrong content types.
    const json = JSON.stringify(fresh());
    const types = [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/jsonx',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'application/merge-patch+json',
      'application/json, text/plain',
      '*/*',
      '',
    ];
    for (const [i, type] of types.entries()) {
      if (mine(i)) withBody('content-type', type || 'empty', JSON.stringify(fresh()), type);
    }
    withBody('content-type', 'none', JSON.stringify(fresh()), null);
    withBody('content-type', 'form-body', 'a=1&b=2', 'application/x-www-form-urlencoded');

    // Over the limit: with Content-Length (all of it, or the head and a part only), chunked, neither.
    const over = Buffer.alloc(maxBodyBytes + 1024, 'a');
    withBody('oversized', 'content-length', over);
    const headers = baseHeaders();
    headers.push(['Content-Type', 'application/json'], ['Content-Length', String(over.length)]);
    add(
      'oversized',
      'content-length-partial',
      [requestBytes({ method: operation.method, target: targetWith(), headers }), over.subarray(0, 1024)],
      { oneShot: true },
    );
    const declaredHuge = baseHeaders();
    declaredHuge.push(['Content-Type', 'application/json'], ['Content-Length', '99999999999999999999']);
    add(
      'oversized',
      'content-length-absurd',
      requestBytes({ method: operation.method, target: targetWith(), headers: declaredHuge, body: '{}' }),
      {
        oneShot: true,
      },
    );
    const chunkHeaders = baseHeaders();
    chunkHeaders.push(['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']);
    const chunkHead = requestBytes({ method: operation.method, target: targetWith(), headers: chunkHeaders });
    const parts = Array.from({ length: 20 }, () => Buffer.alloc(Math.ceil((maxBodyBytes + 1024) / 20), 'a'));
    add('oversized', 'chunked', [chunkHead, chunkedBody(parts)]);
    add('oversized', 'chunked-unfinished', [chunkHead, chunkedBody(parts, { last: false })], { oneShot: true });
    add('oversized', 'chunked-one-chunk', [chunkHead, chunkedBody([over])]);
    // Chunked under the limit: read, then validated.
    const small = JSON.stringify(fresh());
    add('chunked', 'small', [chunkHead, chunkedBody([small.slice(0, 3), small.slice(3)])]);
    add('chunked', 'bad-chunk-size', [chunkHead, Buffer.from('zz\r\n{}\r\n0\r\n\r\n')], { oneShot: true });
    // A body with no length header is, for the server, the start of the next request.
    const noLength = baseHeaders();
    noLength.push(['Content-Type', 'application/json']);
    add(
      'framing',
      'body-without-length',
      requestBytes({ method: operation.method, target: targetWith(), headers: noLength, body: json }),
      {
        oneShot: true,
      },
    );
    const both = baseHeaders();
    both.push(
      ['Content-Type', 'application/json'],
      ['Content-Length', String(json.length)],
      ['Transfer-Encoding', 'chunked'],
    );
    add(
      'framing',
      'length-and-chunked',
      requestBytes({ method: operation.method, target: targetWith(), headers: both, body: chunkedBody([json]) }),
      {
        oneShot: true,
      },
    );
    const twoLengths = baseHeaders();
    twoLengths.push(
      ['Content-Type', 'application/json'],
      ['Content-Length', String(json.length)],
      ['Content-Length', '1'],
    );
    add(
      'framing',
      'two-lengths',
      requestBytes({ method: operation.method, target: targetWith(), headers: twoLengths, body: json }),
      {
        oneShot: true,
      },
    );
    const negative = baseHeaders();
    negative.push(['Content-Type', 'application/json'], ['Content-Length', '-1']);
    add(
      'framing',
      'negative-length',
      requestBytes({ method: operation.method, target: targetWith(), headers: negative, body: json }),
      {
        oneShot: true,
      },
    );
  } else {
    // A GET with a body: ignored or refused, never a crash.
    withBody('body', 'get-with-body', JSON.stringify({ a: 1 }));
    withBody('oversized', 'get-content-length', Buffer.alloc(maxBodyBytes + 1024, 'a'));
  }

  // --- Path parameters ------------------------------------------------------------------------
  for (const param of operation.pathParams) {
    for (const [i, [kind, segment]] of Object.entries(ODD_SEGMENTS).entries()) {
      if (mine(i)) plain('path', `${param}:${kind}`, targetWith({ [param]: segment }));
    }
    for (const value of sample(fc.string({ unit: 'binary', maxLength: 24 }), 3)) {
      plain('path', `${param}:generated`, targetWith({ [param]: encodeComponent(value) || 'x' }));
    }
    for (const bytes of sample(fc.uint8Array({ minLength: 1, maxLength: 12 }), 2)) {
      plain('path', `${param}:generated-bytes`, targetWith({ [param]: encodeComponent(bytes) }));
    }
    for (const value of sample(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), 2)) {
      plain('path', `${param}:generated-integer`, targetWith({ [param]: value.toString() }));
    }
    // Raw bytes the request line should not carry.
    plain('path', `${param}:raw-utf8`, targetWith({ [param]: 'ñé👩' }), operation.method);
    add(
      'path',
      `${param}:raw-nul`,
      [
        Buffer.from(`${operation.method} ${targetWith({ [param]: 'a' })}`),
        Buffer.from([0x00]),
        Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
      ],
      {
        oneShot: true,
      },
    );
    plain('path', `${param}:raw-traversal`, targetWith({ [param]: '../../../etc/passwd' }));
  }
  plain('path', 'trailing-slash', `${targetWith()}/`);
  plain('path', 'double-slash', targetWith().replace('/api/', '/api//'));
  plain('path', 'dot-segment', targetWith().replace('/api/', '/api/./'));
  plain('path', 'dot-dot-segment', targetWith().replace('/api/', '/api/x/../'));
  plain('path', 'encoded-slash', targetWith().replace('/api/', '/api%2f'));
  plain('path', 'upper-case', targetWith().toUpperCase());
  plain('path', 'absolute-form', `http://127.0.0.1${targetWith()}`);

  // --- Query parameters -----------------------------------------------------------------------
  // Every odd value once per operation, dealt out over its query parameters in turn (an
  // operation without any gets a few under a name it does not know).
  const queryNames = operation.queryParams.map((p) => p.name);
  const oddQueryValues = Object.entries({
    ...ODD_SEGMENTS,
    ...Object.fromEntries(Object.entries(ODD_STRINGS).map(([k, v]) => [`s-${k}`, encodeComponent(v)])),
  });
  const dealt = queryNames.length > 0 ? oddQueryValues : oddQueryValues.filter((_, i) => i % 6 === 0);
  for (const [i, [kind, value]] of dealt.entries()) {
    const name = queryNames[i % queryNames.length] ?? 'unexpected';
    if (mine(i)) plain('query', `${name}:${kind}`, targetWith({}, `?${name}=${value}`));
  }
  for (const name of queryNames) {
    plain('query', `${name}:repeated`, targetWith({}, `?${name}=1&${name}=2&${name}=-3`));
    plain('query', `${name}:bracket`, targetWith({}, `?${name}[]=1&${name}[a]=2`));
    plain('query', `${name}:no-value`, targetWith({}, `?${name}`));
    for (const value of sample(fc.oneof(fc.integer(), fc.double(), fc.string({ unit: 'binary', maxLength: 20 })), 1)) {
      plain('query', `${name}:generated`, targetWith({}, `?${name}=${encodeComponent(String(value))}`));
    }
  }
  plain('query', 'many-params', targetWith({}, `?${Array.from({ length: 1000 }, (_, i) => `p${i}=${i}`).join('&')}`));
  plain('query', 'bare-question-mark', targetWith({}, '?'));
  plain('query', 'only-ampersands', targetWith({}, '?&&&=&'));
  plain('query', 'encoded-nul-key', targetWith({}, '?%00=%00'));

  // --- Methods --------------------------------------------------------------------------------
  for (const method of ['PROPFIND', 'TRACE', 'OPTIONS', 'HEAD', 'PUT']) {
    if (method !== operation.method) plain('method', method, targetWith(), method);
  }
  add(
    'method',
    'lowercase',
    requestBytes({ method: operation.method.toLowerCase(), target: targetWith(), headers: baseHeaders() }),
    {
      oneShot: true,
    },
  );
  add('method', 'invented', requestBytes({ method: 'FROBNICATE', target: targetWith(), headers: baseHeaders() }), {
    oneShot: true,
  });
  // node:http hands CONNECT to a listener of its own, or drops the connection when there is none.
  add('method', 'connect', requestBytes({ method: 'CONNECT', target: '127.0.0.1:443', headers: baseHeaders() }), {
    oneShot: true,
  });

  // --- Headers --------------------------------------------------------------------------------
  const oddHeaders: Record<string, Array<[string, string]>> = {
    'bad-cookie': [['Cookie', `${SESSION_COOKIE}=%%%; ${SESSION_COOKIE}=; =x; ;;`]],
    'long-cookie': [['Cookie', `${SESSION_COOKIE}=${'a'.repeat(4000)}`]],
    'origin-null': [['Origin', 'null']],
    'request-id-odd': [['X-Request-Id', `../${'x'.repeat(300)}`]],
    'forwarded-odd': [['X-Forwarded-For', '999.999.999.999, ::ffff:zz, <script>']],
    'accept-odd': [['Accept', 'text/html;q=abc, */*;q=-1']],
    'expect-continue': [['Expect', '100-continue']],
    'expect-odd': [['Expect', 'something-else']],
  };
  const emptyBody: Array<[string, string]> = needsBody ? [['Content-Length', '0']] : [];
  for (const [i, [name, headers]] of Object.entries(oddHeaders).entries()) {
    if (!mine(i)) continue;
    const bytes = requestBytes({
      method: operation.method,
      target: targetWith(),
      headers: [...baseHeaders(), ...headers, ...emptyBody],
    });
    add('header', name, bytes, { oneShot: name.startsWith('expect') });
  }
  return cases;
}
