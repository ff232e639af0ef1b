import {
  ConnectionError,
  DatabaseError,
  ForeignKeyConstraintError,
  TimeoutError,
  UniqueConstraintError,
} from 'sequelize';
import { ApiError } from '../lib/errors.js';

/** How long a client should wait before trying again when the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// SQLite result codes and PostgreSQL SQLSTATE classes that mean "the database cannot take this
// now" rather than "this request is wrong": a full or read-only disk, I/O errors, a lost
// connection, a server shutting down or out of resources.
const SQLITE_UNAVAILABLE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|CORRUPT|NOTADB|PROTOCOL|BUSY|LOCKED|NOMEM)/;
const PG_UNAVAILABLE = /^(08|53|57P0[1-4]|58)/;
// node-postgres reports a connection that died mid-query by message, without a SQLSTATE.
const CONNECTION_LOST = /Connection terminated|not queryable|ECONNRESET|ECONNREFUSED|EPIPE|terminating connection/;

function driverCode(error: DatabaseError | ConnectionError): string {
  const parent = (error as { parent?: { code?: unknown } }).parent;
  const original = (error as { original?: { code?: unknown } }).original;
  const code = parent?.code ?? original?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * The one place where a database failure becomes an answer. A foreign key that fails because a
 * row was deleted by a concurrent request, or a unique key two requests raced for, is a 409 the
 * client can act on (reload, try again); a database that cannot write (disk full or read-only,
 * connection lost) is a 503 with Retry-After. Anything else stays a logged 500.
 */
export function databaseErrorToApiError(error: unknown): ApiError | null {
  if (error instanceof ForeignKeyConstraintError) {
    return new ApiError(
      409,
      'reference_gone',
      'Something this change refers to was removed at the same time; reload and try again.',
    );
  }
  if (error instanceof UniqueConstraintError) {
    return new ApiError(409, 'conflict', 'This conflicts with a change made at the same time; reload and try again.');
  }
  const unavailable = () =>
    new ApiError(
      503,
      'database_unavailable',
      'The database cannot take changes right now; try again shortly.',
      undefined,
      {
        'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS),
      },
    );
  if (error instanceof ConnectionError || error instanceof TimeoutError) return unavailable();
  if (error instanceof DatabaseError) {
    const code = driverCode(error);
    if (SQLITE_UNAVAILABLE.test(code) || PG_UNAVAILABLE.test(code) || CONNECTION_LOST.test(error.message)) {
      return unavailable();
    }
  }
  // pg's own error, unwrapped (a session the server ended, reaching a caller around Sequelize):
  // it carries the server's severity and SQLSTATE.
  if (error instanceof Error && 'severity' in error) {
    const { code } = error as Error & { code?: unknown };
    if (typeof code === 'string' && PG_UNAVAILABLE.test(code)) return unavailable();
  }
  return null;
}
