import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { validationHook } from './http.js';

/** A feature router: OpenAPI-described routes, validation errors in the shape of DESIGN §3. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not_found' }),
      message: z.string(),
      details: z.array(z.object({ path: z.string().optional(), message: z.string() }).passthrough()).optional(),
      requestId: z.string().optional(),
    }),
  })
  .openapi('Error');

const ERROR_DESCRIPTIONS = {
  400: 'Malformed request (bad JSON, bad query or path parameters)',
  401: 'Not signed in',
  403: 'Not allowed (unverified, banned, not the owner, cross-site)',
  404: 'Not found',
  409: 'Conflict',
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
// match; the documented patterns below are the bare sources (JSON Schema patterns
// are read as Unicode regular expressions).
const ID_OR_SLUG_PATTERN = /^[\p{L}\p{N}-]+$/u;
const SLUG_PATTERN = /^(?!\d+$)[\p{Ll}\p{Lo}\p{N}]+(?:-[\p{Ll}\p{Lo}\p{N}]+)*$/u;

/** A numeric id or a slug in a path (slugs are never all digits, so the two cannot collide). */
export const IdOrSlugParam = z.object({
  idOrSlug: z
    .string()
    .min(1)
    .max(220)
    .regex(ID_OR_SLUG_PATTERN, 'must be a numeric id or a slug')
    .openapi({ param: { name: 'idOrSlug', in: 'path' }, example: 'hello-world', pattern: ID_OR_SLUG_PATTERN.source }),
});

/**
 * A string PostgreSQL can store as given: its text type holds no NUL, and the
 * driver would silently alter one. Refused on every database alike.
 */
export const textString = () => z.string().refine((value) => !value.includes('\0'), 'must not contain NUL characters');

/** A positive database id in canonical decimal form (no 0x10, 1e3, +1 or leading zeros). */
export const IdParam = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer id')
    .transform(Number)
    .refine((id) => id <= 2_147_483_647, 'is too large')
    .openapi({ param: { name: 'id', in: 'path' }, type: 'string', pattern: '^[1-9][0-9]{0,9}$', example: '1' }),
});

/** Splits an id-or-slug path value. */
export function parseIdOrSlug(value: string): { id: number } | { slug: string } {
  return /^\d+$/.test(value) ? { id: Number(value) } : { slug: value };
}

export const SlugSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(SLUG_PATTERN, 'lower-case letters and digits joined by hyphens, not only digits')
  .openapi({ pattern: SLUG_PATTERN.source, example: 'hello-world' });

export const isoDate = () => z.string().openapi({ format: 'date-time', example: '2026-01-31T12:00:00.000Z' });
