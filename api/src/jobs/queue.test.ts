import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.js';
import type { Job } from '../db/models/index.js';
import { createLogger } from '../lib/logger.js';
import { createJobQueue, type JobHandler, type JobQueue } from './queue.js';

/** Resolves once `check` holds, polling every few milliseconds (fails after `ms`). */
async function until(check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('outbox leases', () => {
  let test: TestDatabase;
  const queues: JobQueue[] = [];
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.stop()));
    await test.db.models.Job.destroy({ where: {} });
  });
  afterAll(async () => {
    await test?.destroy();
  });

  function queue(handlers: Record<string, JobHandler>, options: { leaseMs?: number; batchSize?: number } = {}) {
    const made = createJobQueue({
      db: test.db,
      clock: () => new Date(),
      logger: createLogger('silent'),
      handlers,
      pollMs: 20,
      backoffMs: () => 10,
      ...options,
    });
    queues.push(made);
    return made;
  }
  const jobs = () => test.db.models.Job.findAll({ order: [['id', 'ASC']] });

  it('reclaims, without a restart, a job whose worker died holding it', async () => {
    // A worker that claims and then never finishes nor renews: its process died.
    const { Job } = test.db.models;
    const job = await Job.create({ kind: 'mail', payload: '{}', runAt: new Date() });
    await job.update({
      status: 'running',
      attempts: 1,
      lockedBy: 'dead-worker',
      lockedUntil: new Date(Date.now() + 300),
    });
    const ran: number[] = [];
    const survivor = queue({ mail: async (_payload, claimed) => void ran.push(claimed.id) });
    await survivor.start();
    await until(async () => (await Job.findByPk(job.id))?.status === 'done');
    expect(ran).toEqual([job.id]);
    const done = await Job.findByPk(job.id);
    expect(done?.attempts).toBe(2);
    expect(done?.lockedBy).toBeNull();
  });

  it('renews the lease of a job that runs longer than the lease, so no other worker runs it too', async () => {
    const runs: string[] = [];
    let finish!: () => void;
    const slow = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const first = queue(
      {
        mail: async () => {
          runs.push('first');
          await slow;
        },
      },
      { leaseMs: 150 },
    );
    const second = queue({ mail: async () => void runs.push('second') }, { leaseMs: 150 });
    await first.enqueue('mail', {});
    const running = first.drain();
    await until(() => runs.length === 1);
    await second.start();
    // Five lease lengths: without renewal, the second worker would have reclaimed it by now.
    const started = Date.now();
    await until(async () => Date.now() - started > 750);
    finish();
    await running;
    expect(runs).toEqual(['first']);
    expect((await jobs()).map((job) => job.status)).toEqual(['done']);
  });

  it('gives claimed jobs that have not started back to the queue when stopped', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: number[] = [];
    const stopping = queue(
      {
        mail: async (_payload, job) => {
          seen.push(job.id);
          await gate;
        },
      },
      { batchSize: 5 },
    );
    for (let i = 0; i < 5; i++) await stopping.enqueue('mail', { i });
    await stopping.start();
    await until(() => seen.length === 1);
    const stopped = stopping.stop();
    release();
    await stopped;
    const after = await jobs();
    expect(after.map((job) => job.status)).toEqual(['done', 'pending', 'pending', 'pending', 'pending']);
    expect(after.slice(1).every((job: Job) => job.attempts === 0 && job.lockedBy === null)).toBe(true);
    // Another worker picks them up at once.
    const next = queue({ mail: async () => {} });
    expect(await next.drain()).toBe(4);
  });

  it('runs each job exactly once with several workers draining at the same time', async () => {
    const runs = new Map<number, number>();
    const handler: JobHandler = async (_payload, job) => {
      runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 1));
    };
    const workers = [queue({ mail: handler }), queue({ mail: handler }), queue({ mail: handler })];
    for (let i = 0; i < 60; i++) await workers[0]?.enqueue('mail', { i });
    await Promise.all(workers.map((worker) => worker.drain()));
    expect(runs.size).toBe(60);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect((await jobs()).every((job) => job.status === 'done')).toBe(true);
  });
});
