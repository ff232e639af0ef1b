// `npm run bench [-- NAME ...] [-- --quick]`: runs the benchmarks one after another (each in a
// process of its own, so one's memory and JIT state never colour the next), gathers the figures
// they report — each with the baseline it measured in the same run, the ratio and the target —
// prints one table and writes bench/results/latest.json (with the machine it ran on).
// Every bench binds loopback only, seeds its own data in a temporary folder and is bounded in time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../scripts/runtime.ts';
import { type Figure, table } from './support/report.ts';

interface Bench {
  name: string;
  script: string;
  /** Arguments for a normal run and for the quick one. */
  args?: { normal: string[]; quick: string[] };
  /** What the bench needs from the machine; missing, it is reported as skipped. */
  needs?: string[];
  /** Upper bound of one run, in seconds (the process is killed after it). */
  timeoutSeconds: { normal: number; quick: number };
}

const BENCHES: Bench[] = [
  { name: 'comments-write', script: 'bench/comments-post.ts', timeoutSeconds: { normal: 240, quick: 90 } },
  { name: 'comments-read', script: 'bench/comments-api.ts', timeoutSeconds: { normal: 300, quick: 120 } },
  { name: 'posts-list', script: 'bench/posts-list.ts', timeoutSeconds: { normal: 300, quick: 120 } },
  { name: 'runtime', script: 'bench/runtime.ts', timeoutSeconds: { normal: 240, quick: 120 } },
  {
    name: 'nginx-static',
    script: 'bench/nginx-static.ts',
    needs: ['nginx', 'wrk'],
    timeoutSeconds: { normal: 180, quick: 60 },
  },
  {
    name: 'publish',
    script: 'bench/publish.ts',
    args: { normal: ['10000'], quick: ['200'] },
    timeoutSeconds: { normal: 1800, quick: 300 },
  },
  {
    name: 'search',
    script: 'bench/search.ts',
    args: { normal: ['10000'], quick: ['200'] },
    timeoutSeconds: { normal: 1800, quick: 300 },
  },
  {
    name: 'import',
    script: 'bench/import.ts',
    args: { normal: ['1000'], quick: ['100'] },
    timeoutSeconds: { normal: 600, quick: 180 },
  },
  {
    name: 'site-build',
    script: 'bench/site-build.ts',
    args: { normal: ['10000'], quick: ['200'] },
    timeoutSeconds: { normal: 2400, quick: 300 },
  },
];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const wanted = argv.filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((name) => !BENCHES.some((b) => b.name === name));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}
const plan = BENCHES.filter((b) => wanted.length === 0 || wanted.includes(b.name));

const has = (tool: string) =>
  !spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`], { stdio: 'ignore' }).status;

const work = mkdtempSync(join(tmpdir(), 'bench-run-'));
const figures: Figure[] = [];
const outcomes: Array<{ bench: string; status: 'ok' | 'failed' | 'skipped'; seconds: number; note?: string }> = [];
try {
  for (const bench of plan) {
    const missing = (bench.needs ?? []).filter((tool) => !has(tool));
    if (missing.length > 0) {
      process.stdout.write(
        `\n=== ${bench.name}: skipped, missing ${missing.join(', ')} (apt-get install ${missing.join(' ')})\n`,
      );
      outcomes.push({ bench: bench.name, status: 'skipped', seconds: 0, note: `missing ${missing.join(', ')}` });
      continue;
    }
    const reportFile = join(work, `${bench.name}.jsonl`);
    writeFileSync(reportFile, '');
    process.stdout.write(`\n=== ${bench.name}${quick ? ' (quick)' : ''}\n`);
    const started = performance.now();
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', bench.script, ...((quick ? bench.args?.quick : bench.args?.normal) ?? [])],
      {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, BENCH_REPORT: reportFile, ...(quick ? { BENCH_QUICK: '1' } : {}) },
        timeout: (quick ? bench.timeoutSeconds.quick : bench.timeoutSeconds.normal) * 1000,
        killSignal: 'SIGKILL',
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const reported = readFileSync(reportFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Figure);
    figures.push(...reported);
    const failed = run.status !== 0 || reported.length === 0;
    const note = run.error ? String(run.error) : run.signal ? `killed by ${run.signal}` : undefined;
    outcomes.push({ bench: bench.name, status: failed ? 'failed' : 'ok', seconds, ...(note ? { note } : {}) });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
};
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
// The quick mode's numbers (small data, short loads) are not results: they go to quick.json
// (ignored by git). A normal run of some benches replaces just their part of latest.json.
const out = join(ROOT, 'bench', 'results', quick ? 'quick.json' : 'latest.json');
const ran = new Set(plan.map((b) => b.name));
interface Run {
  date: string;
  quick: boolean;
  benches: string[];
}
let kept: { figures: Figure[]; outcomes: typeof outcomes; runs?: Run[] } = { figures: [], outcomes: [] };
if (!quick && wanted.length > 0) {
  try {
    kept = JSON.parse(readFileSync(out, 'utf8')) as typeof kept;
  } catch {
    // No earlier results.
  }
}
const run: Run & { machine: typeof machine } = { date: new Date().toISOString(), quick, machine, benches: [...ran] };
const results = {
  runs: [...(kept.runs ?? []).filter((r) => !r.benches.every((b) => ran.has(b))), run],
  outcomes: [...kept.outcomes.filter((o) => !ran.has(o.bench)), ...outcomes],
  figures: [...kept.figures.filter((f) => !ran.has(f.bench)), ...figures],
};
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);

// README's Performance table is the one this prints: a normal run rewrites it between its markers.
if (!quick) {
  const readme = join(ROOT, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:start (npm run bench writes this table) -->';
  const end = '<!-- bench:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) {
    const when = results.runs.map((r) => `${r.date.slice(0, 10)}: ${r.benches.join(', ')}`).join('; ');
    const body = `${table(results.figures, true)}\n\nRuns: ${when}.`;
    writeFileSync(readme, `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`);
  }
}

process.stdout.write(
  `\n${table(figures)}\n\nmachine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, load ${machine.loadAverage.join(' ')}, Node ${machine.node}\n`,
);
for (const o of outcomes) {
  process.stdout.write(`${o.bench}: ${o.status} in ${o.seconds.toFixed(0)} s${o.note ? ` (${o.note})` : ''}\n`);
}
process.stdout.write(`written: ${out}\n`);
process.exit(outcomes.some((o) => o.status === 'failed') ? 1 : 0);
