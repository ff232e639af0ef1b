import { z } from '@hono/zod-openapi';
import type { AuditLog } from '../src/db/models/index.js';
import type { TestContext } from './app.js';

// Helpers shared by the admin tests (not a test file itself).

export { expectError, read } from './http.js';

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
