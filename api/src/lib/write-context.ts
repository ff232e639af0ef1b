import type { Transaction } from 'sequelize';
import type { Database } from '../db/index.js';
import type { User } from '../db/models/index.js';

/**
 * Who makes a change, and the transaction to make it in when it is part of a larger one (an
 * admin bulk action's savepoint per id); without one, the entity service opens its own. Every
 * entity service's write method takes it, so a change is made, checked and audited the same
 * way whoever calls.
 */
export interface WriteContext {
  actor: User;
  transaction?: Transaction;
  /**
   * Posts whose `comments` publish event this change already wrote (a bulk action shares one
   * over its items: one event per post per transaction).
   */
  announced?: Set<number>;
}

/** Runs `work` in `transaction` when given, else in a transaction of its own. */
export const within = <T>(db: Database, transaction: Transaction | undefined, work: (t: Transaction) => Promise<T>) =>
  transaction ? work(transaction) : db.transaction(work);
