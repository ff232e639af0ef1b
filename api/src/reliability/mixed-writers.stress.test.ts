import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countDrift,
  createLoadFixture,
  type LoadFixture,
  MIXED_OPS,
  type MixedOp,
  percentile,
  runMixedWriters,
} from '../../test/load.js';
import { hashPassword } from '../auth/passwords.js';

// DESIGN §5/§6: 8 in-flight mixed writers (sign-ups, logins, admin updates, publish/unpublish,
// comments, with reads between) against the real server.ts in its own process, for
// STRESS_SECONDS (60 by default). Sign-ups and logins each cost one scrypt hash (~70 ms of CPU
// by design), so their latency is reported against the hash's own cost measured in the run;
// every other request must have p99 < 100 ms and none may take a second. A request that hashes
// waits at most for the hashes of the other requests in flight: 8 × the hash's cost, measured in
// this run, with room for their sharing two cores (the bound is 1 s whenever that is less).
const seconds = Number(process.env.STRESS_SECONDS ?? 60);
// DESIGN §5's p99 target is SQLite's. PostgreSQL is checked too, with a looser p99: on these
// 2-core machines its server shares the CPU with the API, the hashing process and the load.
const postgres = !!process.env.TEST_DATABASE_URL;
const P99_MS = postgres ? 250 : 100;
/**
 * What one scrypt hash costs on the machine the targets are set for (passwords.ts: 50–100 ms; the figure the targets were set with: 70 ms). Every
 * latency here is CPU time on 2 shared cores, so on a slower (or busier) machine the p99 bound
 * grows with the hash's cost measured in the same run, never shrinks below the target.
 */
const REFERENCE_HASH_MS = 70;
const p99Bound = (hashMs: number) => P99_MS * Math.max(1, hashMs / REFERENCE_HASH_MS);
const HASHING = new Set<MixedOp>(['signup', 'login']);
const IN_FLIGHT = 8;
/** The longest a sign-up or login may take: 1 s, or the hashes of everything in flight, twice over. */
const hashingBound = (hashMs: number) => Math.max(1000, IN_FLIGHT * hashMs * 2);

describe(`mixed writers for ${seconds} s (${postgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let fixture: LoadFixture;
  beforeAll(async () => {
    fixture = await createLoadFixture({ ownProcess: true, readers: 400 });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it(`p99 < ${P99_MS} ms (on a machine where a hash costs ${REFERENCE_HASH_MS} ms), none over 1 s, no busy database, exact counts`, async () => {
    const hashStarted = performance.now();
    for (let i = 0; i < 5; i++) await hashPassword('what one sign-up costs');
    const hashMs = (performance.now() - hashStarted) / 5;
    const report = await runMixedWriters(fixture, { concurrency: IN_FLIGHT, durationMs: seconds * 1000 });
    const hashing = [...HASHING].flatMap((op) => report.latencies[op]);
    const database = MIXED_OPS.filter((op) => !HASHING.has(op)).flatMap((op) => report.latencies[op]);
    const all = MIXED_OPS.flatMap((op) => report.latencies[op]);
    const lines = MIXED_OPS.map((op) => {
      const values = report.latencies[op];
      return `  ${op.padEnd(14)} ${String(values.length).padStart(6)} requests  p50 ${percentile(values, 50).toFixed(1)} ms  p99 ${percentile(values, 99).toFixed(1)} ms  max ${Math.max(0, ...values).toFixed(1)} ms`;
    });
    console.log(
      [
        `mixed writers, ${Math.round(report.elapsedMs / 1000)} s: ${all.length} requests (${(all.length / (report.elapsedMs / 1000)).toFixed(0)}/s)`,
        `  without a password hash: p99 ${percentile(database, 99).toFixed(1)} ms, max ${Math.max(...database).toFixed(1)} ms; all: p99 ${percentile(all, 99).toFixed(1)} ms, max ${Math.max(...all).toFixed(1)} ms; busy ${report.busy}`,
        `  one password hash here: ${hashMs.toFixed(0)} ms (reference ${REFERENCE_HASH_MS} ms): p99 bound ${p99Bound(hashMs).toFixed(0)} ms; sign-up/login max ${Math.max(...hashing).toFixed(0)} ms (bound ${hashingBound(hashMs).toFixed(0)} ms)`,
        ...lines,
      ].join('\n'),
    );
    expect(report.failures).toEqual([]);
    expect(report.busy).toBe(0);
    expect(percentile(database, 99)).toBeLessThan(p99Bound(hashMs));
    expect(Math.max(...database)).toBeLessThan(1000);
    expect(Math.max(...hashing)).toBeLessThan(hashingBound(hashMs));
    expect(await countDrift(fixture.db)).toEqual([]);
  });
});
