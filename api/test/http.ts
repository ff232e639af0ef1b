import { expect } from 'vitest';
import type { z } from 'zod';
import { ErrorSchema } from '../src/lib/openapi.js';

// Response helpers every API test shares (not a test file itself).

/** The response's JSON, after checking its status (the body is shown when the status is wrong). */
export async function read<S extends z.ZodType>(res: Response, status: number, schema: S): Promise<z.output<S>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return schema.parse(JSON.parse(text));
}

/**
 * Checks an error answer: its status and code, a message, and the request id echoed in the body
 * and the header; returns the error.
 */
export async function expectError(res: Response, status: number, code: string) {
  const { error } = await read(res, status, ErrorSchema);
  expect(error.code, error.message).toBe(code);
  expect(error.message).not.toBe('');
  expect(error.requestId).toBe(res.headers.get('x-request-id'));
  return error;
}
