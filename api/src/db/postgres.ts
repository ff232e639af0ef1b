import pg from 'pg';

/**
 * pg for Sequelize, with one guard. Sequelize's PostgreSQL connection manager adds its `error`
 * listener to a new client only after `connect()` has called back; a server that ends the session
 * (pg_terminate_backend, a restart, a failover) in the same read as its "ready for query" makes
 * pg emit `error` before that listener exists — an uncaught exception, which ends the process.
 * Here every client has a listener from birth: the error marks the connection invalid (Sequelize's
 * own flag, so the pool drops it instead of handing it out), and the next query on it fails as a
 * lost connection (503), not as a crash.
 */
class GuardedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => {
      (this as unknown as { _invalid?: boolean })._invalid = true;
    });
  }
}

/** The driver module Sequelize is given (`dialectModule`): pg, but with the guarded client. */
export const guardedPg: typeof pg = Object.create(pg, { Client: { value: GuardedClient, enumerable: true } });
