import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, TEST_ORIGIN, type TestContext } from '../../test/app.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

const DOCUMENT_PATH = '/api/openapi.json';

const ParameterSchema = z.looseObject({ name: z.string(), in: z.string(), required: z.boolean().optional() });
const ResponseSchema = z.looseObject({
  description: z.string(),
  content: z.record(z.string(), z.looseObject({ schema: z.looseObject({ $ref: z.string().optional() }) })).optional(),
});
const OperationSchema = z.looseObject({
  parameters: z.array(ParameterSchema).default([]),
  responses: z.record(z.string(), ResponseSchema),
});
const DocumentSchema = z.looseObject({
  openapi: z.string(),
  servers: z.array(z.looseObject({ url: z.string() })),
  paths: z.record(z.string(), z.record(z.string(), OperationSchema)),
});

async function fetchDocument() {
  const res = await t.request('GET', DOCUMENT_PATH);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const raw = z.record(z.string(), z.unknown()).parse(await res.json());
  return { raw, document: DocumentSchema.parse(raw) };
}

/** `METHOD /path/{param}` for every route the app serves, middleware left out. */
function servedOperations(): string[] {
  const operations = t.app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
    // The document does not describe itself.
    .filter((operation) => operation !== `GET ${DOCUMENT_PATH}`);
  return [...new Set(operations)].sort();
}

function documentedOperations(document: z.infer<typeof DocumentSchema>): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every schema object in the document that has a `pattern`, with where it sits. */
function patternsOf(
  value: unknown,
  where: string,
  found: Array<{ where: string; pattern: string; example: unknown }> = [],
) {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) patternsOf(item, `${where}[${i}]`, found);
  } else if (isRecord(value)) {
    if (typeof value.pattern === 'string') found.push({ where, pattern: value.pattern, example: value.example });
    for (const [key, child] of Object.entries(value)) patternsOf(child, `${where}.${key}`, found);
  }
  return found;
}

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3 document', async () => {
    const { raw, document } = await fetchDocument();
    expect(document.openapi).toMatch(/^3\./);
    const result = await new Validator().validate(raw);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.servers.map((server) => server.url)).toEqual([TEST_ORIGIN]);
  });

  it('lists every route the app serves, and only those', async () => {
    const { document } = await fetchDocument();
    const served = servedOperations();
    expect(served.length).toBeGreaterThan(10);
    expect(documentedOperations(document)).toEqual(served);
  });

  it('declares every path parameter of every operation', async () => {
    const { document } = await fetchDocument();
    for (const [path, item] of Object.entries(document.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
      for (const [method, operation] of Object.entries(item)) {
        const declared = operation.parameters.filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual(inPath);
        for (const parameter of declared) expect(parameter.required, `${method} ${path} ${parameter.name}`).toBe(true);
      }
    }
  });

  it('gives every operation a success response and every error response the Error schema', async () => {
    const { document } = await fetchDocument();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const statuses = Object.keys(operation.responses);
        // Redirecting routes (the OpenID Connect start and callback) succeed with a 302.
        expect(
          statuses.some((status) => /^2\d\d$/.test(status) || status === '302'),
          `${method} ${path}`,
        ).toBe(true);
        for (const status of statuses.filter((s) => /^4\d\d$/.test(s))) {
          const schema = operation.responses[status]?.content?.['application/json']?.schema;
          expect(schema?.$ref, `${method} ${path} ${status}`).toBe('#/components/schemas/Error');
        }
      }
    }
  });

  it('documents patterns that compile and accept their own examples', async () => {
    const { raw } = await fetchDocument();
    const patterns = patternsOf(raw, '$');
    expect(patterns.length).toBeGreaterThan(0);
    for (const { where, pattern, example } of patterns) {
      // JSON Schema patterns are Unicode regular expressions.
      const regex = new RegExp(pattern, 'u');
      if (typeof example === 'string') expect(regex.test(example), `${where}: ${pattern} vs ${example}`).toBe(true);
    }
    // Each documented slug pattern must take a slug the API itself accepts.
    const created = await t.factories.category({ slug: 'hello-world' });
    const res = await t.request('GET', `/api/categories/${created.slug}`);
    expect(res.status).toBe(200);
    for (const { where, pattern } of patterns.filter((p) => p.pattern.includes('\\p{'))) {
      expect(new RegExp(pattern, 'u').test(created.slug), `${where}: ${pattern}`).toBe(true);
    }
  });
});
