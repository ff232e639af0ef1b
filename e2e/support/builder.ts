import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { z } from 'zod';
import { RUNTIME_FLAGS } from '../../scripts/runtime.ts';
import { ROOT } from './repo.js';

/** What the builder's GET /health reports (site/builder/src/builder.ts). */
export const BuilderHealthSchema = z.object({
  status: z.literal('ok'),
  release: z.string().nullable(),
  fastPath: z.boolean(),
  pending: z.object({ posts: z.number(), full: z.boolean() }),
  running: z.object({ fast: z.boolean(), full: z.boolean() }),
});
export type BuilderHealth = z.infer<typeof BuilderHealthSchema>;

export interface BuilderProcessOptions {
  /** WEBHOOK_SECRET, SITE_DIST, BLOG_API_URL, PUBLIC_URL, … as `npm run builder -w @blog/site` takes them. */
  env: Record<string, string>;
  /** How long to wait for "Builder listening on …". */
  startTimeoutMs?: number;
}

export interface RunningBuilder {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  pid: number;
  /** The last 40 KB the builder (and Astro in its render worker) printed. */
  output(): string;
  health(): Promise<BuilderHealth>;
  /** Polls GET /health until `ready` holds; fails with the builder's output after `timeoutMs` or if it exits. */
  waitFor(what: string, ready: (health: BuilderHealth) => boolean, timeoutMs: number): Promise<BuilderHealth>;
  /** SIGTERM (the builder stops its render worker and exits), then SIGKILL to its whole process group. */
  stop(): Promise<void>;
}

// The compiled builder, as its image runs it (vitest's global setup builds it when stale).
const ENTRY = join(ROOT, 'site', 'builder', 'dist', 'builder', 'src', 'server.js');

/** Nothing idle about a builder that is building, has work queued, or has not built a site yet. */
export const builderIdle = (health: BuilderHealth) =>
  health.release !== null &&
  health.fastPath &&
  !health.running.fast &&
  !health.running.full &&
  health.pending.posts === 0 &&
  !health.pending.full;

/**
 * The builder as production runs it: its own process (the compiled site/builder/dist/…/server.js, on this Node),
 * listening on PORT (0 here: the port it prints is taken), in a process group of its own so its
 * render worker goes with it even if it dies without cleaning up.
 */
export async function startBuilderProcess(options: BuilderProcessOptions): Promise<RunningBuilder> {
  const child: ChildProcess = spawn(process.execPath, [...RUNTIME_FLAGS, ENTRY], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the builder process did not start');
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-40_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killGroup = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  };
  // A test runner that exits without afterAll (a crash) still takes the builder down.
  process.once('exit', killGroup);

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  let url: string | null = null;
  while (!url) {
    const match = /Builder listening on ([\d.]+):(\d+)/.exec(output);
    if (match) url = `http://${match[1]}:${match[2]}`;
    else if (child.exitCode !== null) throw new Error(`the builder exited (${child.exitCode}):\n${output}`);
    else if (Date.now() > deadline) {
      killGroup();
      throw new Error(`the builder did not listen in time:\n${output}`);
    } else await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const base = url;

  async function health(): Promise<BuilderHealth> {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5_000) });
    return BuilderHealthSchema.parse(await res.json());
  }

  return {
    url: base,
    pid,
    output: () => output,
    health,
    async waitFor(what, ready, timeoutMs) {
      const end = Date.now() + timeoutMs;
      let last: BuilderHealth | string = 'no answer yet';
      for (;;) {
        if (child.exitCode !== null)
          throw new Error(`the builder exited (${child.exitCode}) before ${what}:\n${output}`);
        try {
          const now = await health();
          if (ready(now)) return now;
          last = now;
        } catch (error) {
          last = String(error);
        }
        if (Date.now() > end) {
          throw new Error(
            `builder: no ${what} within ${timeoutMs} ms (last health: ${JSON.stringify(last)}):\n${output.slice(-8000)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      process.removeListener('exit', killGroup);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(killGroup, 10_000);
        await exited;
        clearTimeout(timer);
      }
      // Its render worker, should the builder have died without closing it.
      killGroup();
    },
  };
}
