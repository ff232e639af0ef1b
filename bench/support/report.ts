// One figure of a benchmark: its value, the baseline measured in the same run, the ratio and the
// target. Each bench script prints its own lines and calls report() with its figures; run alone it
// prints them as a table, under `npm run bench` (BENCH_REPORT set) it also appends them there as
// JSON lines for bench/run.ts to gather into one table and bench/results/latest.json.
import { appendFileSync } from 'node:fs';

export interface Figure {
  /** The bench script (e.g. "comments-write"). */
  bench: string;
  /** What was measured (e.g. "POST comment, SQLite, 64 connections"). */
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with, measured in the same run; null when the target is absolute. */
  baseline: { name: string; value: number; unit: string } | null;
  /** value / baseline.value, or null without a baseline. */
  ratio: number | null;
  /** The target in words (DESIGN §5 or the issue), e.g. "≥ 1000/s" or "≤ 1.5× raw SQL". */
  target: string;
  /** Whether the target is met; null where this run cannot say (e.g. the quick mode's small data). */
  met: boolean | null;
}

/** Quick mode (`npm run bench -- --quick`, CI): a few seconds a figure, small data; proves the benches run. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** The middle value (the upper one of an even count); 0 for none. The list is left as it is. */
export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Seconds of load for one figure: BENCH_SECONDS, else 2 in quick mode and `normal` otherwise. */
export function loadSeconds(normal: number): number {
  const set = Number(process.env.BENCH_SECONDS);
  if (Number.isFinite(set) && set > 0) return set;
  return QUICK ? 2 : normal;
}

export function figure(
  bench: string,
  name: string,
  value: number,
  unit: string,
  options: { baseline?: { name: string; value: number; unit?: string }; target: string; met: boolean | null },
): Figure {
  const baseline = options.baseline
    ? { name: options.baseline.name, value: options.baseline.value, unit: options.baseline.unit ?? unit }
    : null;
  return {
    bench,
    name,
    value,
    unit,
    baseline,
    ratio: baseline && baseline.value !== 0 ? value / baseline.value : null,
    target: options.target,
    met: options.met,
  };
}

const number = (value: number) =>
  Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(Math.abs(value) >= 10 ? 1 : 2);

/** The figures as a plain-text table (also README's Performance table, as Markdown when `markdown`). */
export function table(figures: Figure[], markdown = false): string {
  const rows = figures.map((f) => [
    f.bench,
    f.name,
    `${number(f.value)} ${f.unit}`,
    f.baseline ? `${number(f.baseline.value)} ${f.baseline.unit} (${f.baseline.name})` : '—',
    f.ratio === null ? '—' : `${f.ratio.toFixed(f.ratio < 0.1 ? 3 : 2)}×`,
    f.target,
    f.met === null ? 'n/a' : f.met ? 'met' : 'NOT met',
  ]);
  const head = ['bench', 'figure', 'value', 'baseline (same run)', 'ratio', 'target', ''];
  if (markdown) {
    return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [head, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

/** Hands the figures to `npm run bench` (BENCH_REPORT), or prints them when run alone. */
export function report(figures: Figure[]): void {
  const file = process.env.BENCH_REPORT;
  if (file) {
    for (const f of figures) appendFileSync(file, `${JSON.stringify(f)}\n`);
  } else {
    process.stdout.write(`\n${table(figures)}\n`);
  }
}
