// The compiled runtime (DESIGN §1a: production runs JavaScript): which workspaces compile, from
// which sources, into which folder; and whether a build is older than its sources.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Node's flag for the compiled runtime: workspace packages resolve to their dist (see their "exports"). */
export const RUNTIME_CONDITIONS = '--conditions=blog-runtime';

/**
 * How production runs Node (npm start, the images): the runtime condition, and a 2 MB young
 * generation. bench/runtime.ts compares flag sets in one run: this one took idle RSS from ~122
 * to ~105 MB and the peak under the comments load from ~285 to ~160–200 MB at ~0.9× the
 * throughput; `--optimize-for-size` or a 1 MB young generation saved a few MB more for 25–35 %
 * of it, and a small old-space cap risks out-of-memory crashes.
 */
export const RUNTIME_FLAGS = [RUNTIME_CONDITIONS, '--max-semi-space-size=2'];

/**
 * The API process's flags: RUNTIME_FLAGS and its old generation capped at 192 MB. Its live heap is
 * ~40 MB after a full collection (every list it answers is paginated, bodies are capped by
 * MAX_BODY_BYTES), but under a read load V8 let promoted garbage pile up to 100–150 MB between
 * mark-compacts in about half the runs (peak RSS 210–260 MB instead of 130–150); with the cap it
 * collects sooner: peak 130–150 MB under the comments load at the same throughput
 * (`npm run bench -- comments-read runtime`). Only the API: Astro's full builds need far more.
 */
export const API_RUNTIME_FLAGS = [...RUNTIME_FLAGS, '--max-old-space-size=192'];

export const COMPILED = [
  { workspace: '@blog/contract', dist: 'packages/contract/dist', sources: ['packages/contract/src'] },
  { workspace: '@blog/api', dist: 'api/dist', sources: ['api/src'] },
  { workspace: '@blog/site', dist: 'site/builder/dist', sources: ['site/builder/src', 'site/src', 'site/scripts'] },
  { workspace: '@blog/one-process', dist: 'packages/one-process/dist', sources: ['packages/one-process/src'] },
];

const STAMP = '.built';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The compiled workspaces whose dist is missing or older than one of their sources. */
export function staleRuntime(): string[] {
  return COMPILED.filter(({ dist, sources }) => {
    const stamp = join(ROOT, dist, STAMP);
    if (!existsSync(stamp)) return true;
    const built = statSync(stamp).mtimeMs;
    return sources.some((source) => newestMtime(join(ROOT, source)) > built);
  }).map(({ workspace }) => workspace);
}

/** Marks every compiled workspace as built now (after `npm run build:runtime` succeeded). */
export function stampRuntime(): void {
  for (const { dist } of COMPILED) writeFileSync(join(ROOT, dist, STAMP), `${new Date().toISOString()}\n`);
}
