import { Op, type Transaction } from 'sequelize';
import type { Database } from '../db/index.js';
import type { Job } from '../db/models/index.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

/** Runs one job; throwing schedules a retry (or the dead-letter state after the last attempt). */
export type JobHandler = (payload: unknown, job: Job) => Promise<void>;

export interface JobQueueOptions {
  db: Database;
  clock: Clock;
  logger: Logger;
  handlers: Record<string, JobHandler>;
  /** How often the worker looks for due jobs when nobody nudges it. */
  pollMs?: number;
  /** Attempts before a job is marked dead. */
  maxAttempts?: number;
  /** Delay before retry number `attempt` (1-based). */
  backoffMs?: (attempt: number) => number;
  /** Jobs claimed per round. */
  batchSize?: number;
  /**
   * Kinds written in place of a kind: `enqueue(kind)` writes one job per listed kind (same
   * payload, same transaction), each delivered and retried on its own. Publish events use it to
   * reach the builder, GitHub, or both. Unlisted kinds are written as they are.
   */
  fanOut?: Record<string, readonly string[]>;
}

/**
 * Thrown by a handler to shape its retries: `maxAttempts` lowers the attempt limit (a refusal that
 * more tries will not fix), `retryAfterMs` waits at least that long (a server's Retry-After).
 */
export class JobError extends Error {
  readonly maxAttempts: number | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { maxAttempts?: number; retryAfterMs?: number } = {}) {
    super(message);
    this.name = 'JobError';
    this.maxAttempts = options.maxAttempts;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The longest wait a Retry-After may impose. */
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

export type JobQueue = ReturnType<typeof createJobQueue>;

/** 2 s, 4 s, 8 s … capped at 10 minutes. */
export const exponentialBackoff = (attempt: number): number => Math.min(2 ** attempt * 1000, 10 * 60 * 1000);

/**
 * The durable outbox of DESIGN §1b: jobs are rows written in the same
 * transaction as the change that needs them, claimed by a worker loop
 * (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several API processes share the
 * work), retried with backoff, and left `dead` with their last error after
 * `maxAttempts`. Nothing lives only in memory, so a restart loses nothing.
 */
export function createJobQueue(options: JobQueueOptions) {
  const { db, clock, logger, handlers } = options;
  const { Job } = db.models;
  const pollMs = options.pollMs ?? 1000;
  const maxAttempts = options.maxAttempts ?? 8;
  const backoffMs = options.backoffMs ?? exponentialBackoff;
  const batchSize = options.batchSize ?? 10;
  const fanOut = options.fanOut ?? {};

  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let draining: Promise<number> | null = null;
  let nudged = false;

  async function claim(): Promise<Job[]> {
    return db.transaction(async (transaction) => {
      const due = await Job.findAll({
        where: { status: 'pending', runAt: { [Op.lte]: clock() } },
        order: [
          ['runAt', 'ASC'],
          ['id', 'ASC'],
        ],
        limit: batchSize,
        transaction,
        ...(db.dialect === 'postgres' ? { lock: transaction.LOCK.UPDATE, skipLocked: true } : {}),
      });
      for (const job of due) {
        await job.update({ status: 'running', attempts: job.attempts + 1 }, { transaction });
      }
      return due;
    });
  }

  async function runOne(job: Job): Promise<void> {
    const handler = handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
      await handler(JSON.parse(job.payload), job);
      await job.update({ status: 'done', lastError: null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const limit =
        error instanceof JobError && error.maxAttempts ? Math.min(error.maxAttempts, maxAttempts) : maxAttempts;
      const dead = job.attempts >= limit || !handler;
      const wait = error instanceof JobError ? Math.min(error.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS) : 0;
      await job.update({
        status: dead ? 'dead' : 'pending',
        lastError: message.slice(0, 2000),
        runAt: new Date(clock().getTime() + Math.max(backoffMs(job.attempts), wait)),
      });
      logger[dead ? 'error' : 'warn'](
        { jobId: job.id, kind: job.kind, attempts: job.attempts, err: message },
        dead ? 'job failed for good' : 'job failed; will retry',
      );
    }
  }

  /** Claims and runs due jobs until none is due; returns how many ran. */
  async function drainOnce(): Promise<number> {
    let ran = 0;
    for (;;) {
      nudged = false;
      const jobs = await claim();
      for (const job of jobs) await runOne(job);
      ran += jobs.length;
      if (jobs.length < batchSize && !nudged) return ran;
    }
  }

  function drain(): Promise<number> {
    if (draining) {
      nudged = true;
      return draining;
    }
    draining = drainOnce().finally(() => {
      draining = null;
    });
    return draining;
  }

  function schedule(delay: number) {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      drain()
        .catch((error: unknown) => logger.error({ err: error }, 'job worker round failed'))
        .finally(() => schedule(pollMs));
    }, delay);
    timer.unref();
  }

  return {
    /**
     * Writes a job (one per kind `fanOut` lists for `kind`; the first is returned); inside
     * `transaction` they exist only if that commits, and the worker is nudged after commit.
     */
    async enqueue(kind: string, payload: unknown, opts: { transaction?: Transaction; runAt?: Date } = {}) {
      const [first, ...others] = fanOut[kind] ?? [kind];
      if (first === undefined) throw new Error(`job kind "${kind}" fans out to no kind`);
      const write = (each: string) =>
        Job.create(
          { kind: each, payload: JSON.stringify(payload), runAt: opts.runAt ?? clock() },
          { transaction: opts.transaction },
        );
      const job = await write(first);
      for (const other of others) await write(other);
      if (opts.transaction) opts.transaction.afterCommit(() => schedule(0));
      else schedule(0);
      return job;
    },

    /** Starts the worker loop; jobs left `running` by a crashed process are released first. */
    async start() {
      if (running) return;
      running = true;
      await Job.update(
        { status: 'pending' },
        { where: { status: 'running', updatedAt: { [Op.lt]: new Date(clock().getTime() - 5 * 60 * 1000) } } },
      );
      schedule(0);
    },

    /** Stops the loop and waits for the round in progress. */
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      if (draining) await draining;
    },

    drain,
  };
}
