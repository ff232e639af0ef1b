// `npm start`: one-process mode from the compiled runtime. Builds it first when it is missing or
// older than its sources (a few seconds of tsc), then runs packages/one-process/dist/main.js with
// Node's blog-runtime condition; signals go to it, its exit code is ours.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, RUNTIME_FLAGS, staleRuntime } from './runtime.ts';

const stale = staleRuntime();
if (stale.length > 0) {
  process.stdout.write(`Compiling ${stale.join(', ')} (npm run build:runtime)…\n`);
  const built = spawnSync('npm', ['run', 'build:runtime', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const child = spawn(process.execPath, [...RUNTIME_FLAGS, join(ROOT, 'packages/one-process/dist/main.js')], {
  cwd: ROOT,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
