import { z } from '@hono/zod-openapi';
import { expect } from 'vitest';
import type { AuditLog } from '../src/db/models/index.js';
import { ErrorSchema } from '../src/lib/openapi.js';
import type { TestContext } from './app.js';

// Helpers shared by the admin tests (not a test file itself).

/** The response's JSON, after checking its status (the body is shown when the status is wrong). */
export async function read<S extends z.ZodType>(res: Response, status: number, schema: S): Promise<z.output<S>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return schema.parse(JSON.parse(text));
}

/** Checks an error response's status and code; returns the error. */
export async function expectError(res: Response, status: number, code: string) {
  const { error } = await read(res, status, ErrorSchema);
  expect(error.code, error.message).toBe(code);
  return error;
}

/** The audit rows about one target, oldest first. */
export function auditRowsFor(t: TestContext, targetType: string, targetId: number | null): Promise<AuditLog[]> {
  return t.db.models.AuditLog.findAll({
    where: { targetType, targetId: targetId === null ? null : String(targetId) },
    order: [['id', 'ASC']],
  });
}

/** The parsed details of an audit row. */
export function detailsOf(row: AuditLog): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(JSON.parse(row.details));
}
