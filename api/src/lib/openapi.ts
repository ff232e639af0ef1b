import { ErrorEnvelopeSchema } from '@blog/contract';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { validationHook } from './http.js';

/** A feature router: OpenAPI-described routes, validation errors in the shape of DESIGN §3. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** Every error answer; its `code` is the contract's catalogue, an enum in the document. */
export const ErrorSchema = ErrorEnvelopeSchema;

const ERROR_DESCRIPTIONS = {
  400: 'Malformed request (bad JSON, bad query or path parameters)',
  401: 'Not signed in',
  403: 'Not allowed (unverified, banned, not the owner, cross-site)',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone (an expired link)',
  413: 'Request body too large',
  415: 'Request body is not JSON',
  422: 'Request body failed validation',
  429: 'Too many requests; see Retry-After',
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

type ErrorResponse = {
  description: string;
  content: { 'application/json': { schema: typeof ErrorSchema } };
};

/** OpenAPI response entries for the error statuses a route can answer. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): Record<S, ErrorResponse> {
  const responses: Partial<Record<S, ErrorResponse>> = {};
  for (const status of statuses) {
    responses[status] = {
      description: ERROR_DESCRIPTIONS[status],
      content: { 'application/json': { schema: ErrorSchema } },
    };
  }
  return responses as Record<S, ErrorResponse>;
}

/** JSON request body entry for createRoute. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { 'application/json': { schema } } } as const;
}

/** JSON response entry for createRoute. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

// zod-to-openapi writes a regex that has flags as "source/u", a pattern nothing can
// match; the documented pattern below is the bare source (JSON Schema patterns
// are read as Unicode regular expressions).
const ID_OR_SLUG_PATTERN = /^[\p{L}\p{N}-]+$/u;

/** A numeric id or a slug in a path (slugs are never all digits, so the two cannot collide). */
export const IdOrSlugParam = z.object({
  idOrSlug: z
    .string()
    .min(1)
    .max(220)
    .regex(ID_OR_SLUG_PATTERN, 'must be a numeric id or a slug')
    .openapi({ param: { name: 'idOrSlug', in: 'path' }, example: 'hello-world', pattern: ID_OR_SLUG_PATTERN.source }),
});

/** The largest id a row can have (ids are INTEGER columns): larger ones match nothing. */
export const MAX_ROW_ID = 2_147_483_647;

/** A positive database id in canonical decimal form (no 0x10, 1e3, +1 or leading zeros). */
export const IdParam = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer id')
    .transform(Number)
    .refine((id) => id <= MAX_ROW_ID, 'is too large')
    .openapi({ param: { name: 'id', in: 'path' }, type: 'string', pattern: '^[1-9][0-9]{0,9}$', example: '1' }),
});

/** Splits an id-or-slug path value (an id may be beyond MAX_ROW_ID: it then names no row). */
export function parseIdOrSlug(value: string): { id: number } | { slug: string } {
  return /^\d+$/.test(value) ? { id: Number(value) } : { slug: value };
}

export { isoDate, SlugSchema, textString } from '@blog/contract';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** `post /api/posts/{idOrSlug}/publish` → `postPostsByIdOrSlugPublish`: unique, stable, derived. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, '')
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      const word = (param ? `by-${param}` : segment).replace(/[^\w-]/g, '-');
      return word.replace(/(^|[-_])(\w)/g, (_, _sep: string, letter: string) => letter.toUpperCase());
    });
  return `${method}${words.join('')}`;
}

/** The document with an operationId on every operation that has none (Redocly's recommended rules ask for one). */
export function withOperationIds<D extends { paths?: object }>(document: D): D {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (typeof item !== 'object' || item === null) continue;
    for (const method of METHODS) {
      const operation: unknown = Reflect.get(item, method);
      if (typeof operation === 'object' && operation !== null && !('operationId' in operation)) {
        Object.assign(operation, { operationId: operationIdOf(method, path) });
      }
    }
  }
  return document;
}
