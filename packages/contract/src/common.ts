import { z } from 'zod';

// zod-to-openapi writes a regex that has flags as "source/u", a pattern nothing can match; the
// documented pattern is the bare source (JSON Schema patterns are read as Unicode expressions).
const SLUG_PATTERN = /^(?!\d+$)[\p{Ll}\p{Lo}\p{N}]+(?:-[\p{Ll}\p{Lo}\p{N}]+)*$/u;

/**
 * A string PostgreSQL can store as given: its text type holds no NUL, and the driver would
 * silently alter one. Refused on every database alike.
 */
export const textString = () => z.string().refine((value) => !value.includes('\0'), 'must not contain NUL characters');

/** A URL slug: lower-case letters and digits of any script joined by hyphens, never only digits. */
export const SlugSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(SLUG_PATTERN, 'lower-case letters and digits joined by hyphens, not only digits')
  .meta({ pattern: SLUG_PATTERN.source, example: 'hello-world' });

/** An ISO 8601 date-time string, as every answer writes dates. */
export const isoDate = () => z.string().meta({ format: 'date-time', example: '2026-01-31T12:00:00.000Z' });
