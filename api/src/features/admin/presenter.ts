import type { AuditLog, User } from '../../db/models/index.js';
import type { AuditEntry } from './schema.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The stored details JSON as an object; anything else (never written by this code) kept as `raw`. */
function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : { raw: text };
  } catch {
    return { raw: text };
  }
}

/** An audit log row with its actor's name; `actor` is missing when that account was deleted since. */
export function presentAuditEntry(entry: AuditLog, actor: Pick<User, 'id' | 'name'> | undefined): AuditEntry {
  return {
    id: entry.id,
    actor: actor ? { id: actor.id, name: actor.name } : null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    details: parseDetails(entry.details),
    createdAt: entry.createdAt.toISOString(),
  };
}
