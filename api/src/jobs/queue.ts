import { randomUUID } from 'node:crypto';
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
  /** How long a claim lasts unless renewed; the worker renews every third of it while it works. */
  leaseMs?: number;
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
 * transaction as the change that needs them, claimed by a worker loop with a
 * lease (`locked_until`, renewed while the job runs, reclaimable by any worker
 * once it expires; `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several API
 * processes share the work and each job runs once), retried with backoff, and
 * left `dead` with their last error after `maxAttempts`. Nothing lives only in
 * memory, so a crash loses nothing: a killed worker's jobs run again once their
 * lease ends.
 */
export function createJobQueue(options: JobQueueOptions) {
  const { db, clock, logger } = options;
  // A copy: handlers registered later (register) belong to this queue alone.
  const handlers: Record<string, JobHandler> = { ...options.handlers };
  const { Job } = db.models;
  const pollMs = options.pollMs ?? 1000;
  const maxAttempts = options.maxAttempts ?? 8;
  const backoffMs = options.backoffMs ?? exponentialBackoff;
  const batchSize = options.batchSize ?? 10;
  const fanOut = options.fanOut ?? {};

  const leaseMs = options.leaseMs ?? 60_000;
  // Who holds a lease: a fresh id per queue, so a restarted process never mistakes old claims for its own.
  const workerId = randomUUID();

  let timer: NodeJS.Timeout | null = null;
  let renewer: NodeJS.Timeout | null = null;
  let running = false;
  // drain() also works on a queue that was never started (tests drive it by hand).
  let started = false;
  let draining: Promise<number> | null = null;
  let nudged = false;

  const leaseEnd = () => new Date(clock().getTime() + leaseMs);
  const mine = (job: Job) => ({ id: job.id, lockedBy: workerId, status: 'running' as const });

  /**
   * Claims due jobs: pending ones whose time has come, and running ones whose lease expired (their
   * worker died or hangs). On PostgreSQL `FOR UPDATE SKIP LOCKED` lets several replicas claim at
   * once without taking the same job; on SQLite claims are serialised by the one writer.
   */
  async function claim(): Promise<Job[]> {
    return db.transaction(async (transaction) => {
      const now = clock();
      const due = await Job.findAll({
        where: {
          [Op.or]: [
            { status: 'pending', runAt: { [Op.lte]: now } },
            // A null lease on a running job: claimed before leases existed.
            { status: 'running', [Op.or]: [{ lockedUntil: { [Op.lt]: now } }, { lockedUntil: null }] },
          ],
        },
        order: [
          ['runAt', 'ASC'],
          ['id', 'ASC'],
        ],
        limit: batchSize,
        transaction,
        ...(db.dialect === 'postgres' ? { lock: transaction.LOCK.UPDATE, skipLocked: true } : {}),
      });
      for (const job of due) {
        if (job.status === 'running')
          logger.warn({ jobId: job.id, kind: job.kind }, 'reclaiming a job whose lease expired');
        await job.update(
          { status: 'running', attempts: job.attempts + 1, lockedUntil: leaseEnd(), lockedBy: workerId },
          { transaction },
        );
      }
      return due;
    });
  }

  /** Extends the lease of every job this worker holds. */
  async function renewLeases(): Promise<void> {
    await Job.update({ lockedUntil: leaseEnd() }, { where: { lockedBy: workerId, status: 'running' } });
  }

  /** Records a job's outcome, unless its lease went to another worker meanwhile (then theirs counts). */
  async function settle(job: Job, values: Partial<Pick<Job, 'status' | 'lastError' | 'runAt'>>): Promise<void> {
    const [changed] = await Job.update({ ...values, lockedUntil: null, lockedBy: null }, { where: mine(job) });
    if (changed === 0) logger.warn({ jobId: job.id, kind: job.kind }, 'job lease was lost before it finished');
  }

  async function runOne(job: Job): Promise<void> {
    const handler = handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
      await handler(JSON.parse(job.payload), job);
      await settle(job, { status: 'done', lastError: null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const limit =
        error instanceof JobError && error.maxAttempts ? Math.min(error.maxAttempts, maxAttempts) : maxAttempts;
      const dead = job.attempts >= limit || !handler;
      const wait = error instanceof JobError ? Math.min(error.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS) : 0;
      await settle(job, {
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

  /** Gives claimed jobs that have not started back to the queue (stopping), attempt uncounted. */
  async function release(jobs: Job[]): Promise<void> {
    if (jobs.length === 0) return;
    await Job.update(
      { status: 'pending', lockedUntil: null, lockedBy: null, attempts: db.sequelize.literal('attempts - 1') },
      { where: { id: jobs.map((job) => job.id), lockedBy: workerId, status: 'running' } },
    );
  }

  /** Claims and runs due jobs until none is due (or the queue stops); returns how many ran. */
  async function drainOnce(): Promise<number> {
    let ran = 0;
    renewer ??= setInterval(() => {
      renewLeases().catch((error: unknown) => logger.error({ err: error }, 'renewing job leases failed'));
    }, leaseMs / 3);
    renewer.unref();
    try {
      for (;;) {
        nudged = false;
        const jobs = await claim();
        for (const [index, job] of jobs.entries()) {
          if (!running && started) {
            await release(jobs.slice(index));
            return ran;
          }
          await runOne(job);
          ran++;
        }
        if (jobs.length < batchSize && !nudged) return ran;
      }
    } finally {
      if (renewer) clearInterval(renewer);
      renewer = null;
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

    /**
     * Sets the handler of jobs of `kind`, for a service built after the queue (the services write
     * jobs through the queue, so it exists first). Register before start(): a claimed job with no
     * handler is dead at once. A second app over the same queue (tests) takes the kind over.
     */
    register(kind: string, handler: JobHandler) {
      handlers[kind] = handler;
    },

    /** Starts the worker loop (expired leases of dead workers are reclaimed by every round). */
    async start() {
      if (running) return;
      running = true;
      started = true;
      schedule(0);
    },

    /**
     * Stops claiming, lets the job in progress finish, and gives the claimed jobs that have not
     * started back to the queue, so another worker (or the next start) runs them at once.
     */
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      if (draining) await draining;
    },

    drain,
  };
}
