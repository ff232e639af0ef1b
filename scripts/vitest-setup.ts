// Vitest's global setup: the tests that start the API or the builder as processes run them as
// production does, from the compiled runtime, so it is built first when missing or stale.
import { spawnSync } from 'node:child_process';
import { ROOT, staleRuntime } from './runtime.ts';

export default function setup(): void {
  const stale = staleRuntime();
  if (stale.length === 0) return;
  const built = spawnSync('npm', ['run', 'build:runtime', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`npm run build:runtime failed (${stale.join(', ')})`);
}
