// DESIGN §5: SQLite under 8 in-flight mixed writers (sign-ups, logins, admin updates,
// publish/unpublish, comments, reads with session renewals) → p99 < 100 ms, none over 1 s.
// The API is the real server.ts in a process of its own; the baseline is the same mix sent one
// request at a time in the same run, so the ratio shows what concurrency costs on this machine.
// Run: npx tsx bench/mixed-writers.ts   (BENCH_SECONDS=20; TEST_DATABASE_URL=postgres://… for PostgreSQL)
import {
  countDrift,
  createLoadFixture,
  type LoadReport,
  MIXED_OPS,
  percentile,
  runMixedWriters,
} from '../api/test/load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const HASHING = new Set(['signup', 'login']);

function summary(label: string, report: LoadReport) {
  const database = MIXED_OPS.filter((op) => !HASHING.has(op)).flatMap((op) => report.latencies[op]);
  const hashing = [...HASHING].flatMap((op) => report.latencies[op as keyof LoadReport['latencies']]);
  const all = MIXED_OPS.flatMap((op) => report.latencies[op]);
  return {
    label,
    requests: all.length,
    perSecond: all.length / (report.elapsedMs / 1000),
    p50: percentile(database, 50),
    p99: percentile(database, 99),
    hashingP99: percentile(hashing, 99),
    max: Math.max(...all),
    failures: report.failures.length,
    busy: report.busy,
  };
}

const fixture = await createLoadFixture({ ownProcess: true, readers: 400 });
try {
  const serial = summary(
    '1 in flight (baseline)',
    await runMixedWriters(fixture, { concurrency: 1, durationMs: SECONDS * 500 }),
  );
  const loaded = summary('8 in flight', await runMixedWriters(fixture, { concurrency: 8, durationMs: SECONDS * 1000 }));
  const drift = await countDrift(fixture.db);
  for (const row of [serial, loaded]) {
    console.log(
      `${row.label.padEnd(24)} ${row.requests} requests (${row.perSecond.toFixed(0)}/s); without a password hash p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms; sign-up/login p99 ${row.hashingP99.toFixed(1)} ms; max ${row.max.toFixed(0)} ms; failures ${row.failures}, busy ${row.busy}`,
    );
  }
  console.log(
    `8 in flight vs 1: throughput ${(loaded.perSecond / serial.perSecond).toFixed(2)}×, p99 ${(loaded.p99 / serial.p99).toFixed(2)}× · target p99 < 100 ms: ${loaded.p99 < 100 ? 'met' : 'NOT met'}, none over 1 s: ${loaded.max < 1000 ? 'met' : 'NOT met'} · counts ${drift.length === 0 ? 'exact' : `drift in ${drift.length}`}`,
  );
} finally {
  await fixture.close();
}
