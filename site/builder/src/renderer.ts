import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommentsChange, PostChange } from './events.js';
import type { BuildReply, RenderReply, WorkerReply, WorkerRequest } from './protocol.js';

/** The folder above `from` that holds astro.config.ts: the site workspace (source or compiled alike). */
function siteRootAbove(from: string): string {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'astro.config.ts'))) return dir;
  }
  throw new Error(`no astro.config.ts above ${from}`);
}

const HERE = fileURLToPath(import.meta.url);
/** The site workspace (astro.config.ts). */
export const SITE_ROOT = siteRootAbove(HERE);
/** worker.ts beside this file, or worker.js when this is the compiled builder. */
const WORKER = join(dirname(HERE), `worker${extname(HERE)}`);

type Pending = { resolve: (value: BuildReply | RenderReply) => void; reject: (error: Error) => void };

/**
 * One render worker process (worker.ts): it runs one full Astro build, then
 * renders fast-path pages for that build's release until it is closed.
 */
export interface RenderWorker {
  /** The worker process's id. */
  pid: number | undefined;
  build(outDir: string): Promise<BuildReply>;
  /** Renders the pages `changes` (posts) and `comments` (posts whose comments changed) touch. */
  render(releaseDir: string, changes: PostChange[], comments?: CommentsChange[]): Promise<RenderReply>;
  close(): Promise<void>;
}

export interface RenderWorkerOptions {
  apiUrl: string;
  publicUrl: string;
  env?: Record<string, string>;
  /** Where its output goes (stdout/stderr of Astro); inherited by default. */
  silent?: boolean;
  /** The worker's V8 heap limit in MiB (it runs the full builds): BUILD_HEAP_MB. */
  heapMb: number;
}

export async function startRenderWorker(options: RenderWorkerOptions): Promise<RenderWorker> {
  // From source, the worker runs through tsx; compiled, with this process's own flags
  // (--conditions=blog-runtime, so workspace packages resolve to their compiled JS).
  const execArgv = [
    ...(WORKER.endsWith('.ts')
      ? ['--import', createRequire(import.meta.url).resolve('tsx')]
      : process.execArgv.filter((flag) => !flag.startsWith('--max-old-space-size'))),
    `--max-old-space-size=${options.heapMb}`,
  ];
  // A working folder of its own (Astro's cache and intermediate chunks), so builds never share one;
  // inside the workspace so those chunks resolve packages from node_modules. Kept while the worker lives.
  const work = join(SITE_ROOT, 'node_modules', '.site-builds', `builder-${randomBytes(6).toString('hex')}`);
  await mkdir(work, { recursive: true });
  const child: ChildProcess = fork(WORKER, [], {
    cwd: work,
    execArgv,
    env: {
      ...process.env,
      ASTRO_TELEMETRY_DISABLED: '1',
      BLOG_API_URL: options.apiUrl,
      PUBLIC_URL: options.publicUrl,
      SITE_CACHE_DIR: join(work, 'cache'),
      SITE_SERVER_DIR: join(work, 'server'),
      BLOG_SITE_ROOT: SITE_ROOT,
      ...options.env,
    },
    stdio: options.silent ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const pending = new Map<number, Pending>();
  let nextId = 1;
  let exited: Error | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  child.on('message', (reply: WorkerReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.result);
    else waiter.reject(new Error(reply.error));
  });
  child.on('exit', (code, signal) => {
    void rm(work, { recursive: true, force: true });
    exited = new Error(`render worker exited (${signal ?? code})${output ? `:\n${output.slice(-4000)}` : ''}`);
    for (const waiter of pending.values()) waiter.reject(exited);
    pending.clear();
  });
  child.on('error', (error) => {
    exited = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });
  await ready;

  function call<T extends BuildReply | RenderReply>(
    request:
      | { type: 'build'; outDir: string }
      | { type: 'render'; releaseDir: string; changes: PostChange[]; comments: CommentsChange[] },
  ): Promise<T> {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: (value) => resolve(value as T), reject });
      child.send({ ...request, id } as WorkerRequest);
    });
  }

  return {
    pid: child.pid,
    build: (outDir) => call<BuildReply>({ type: 'build', outDir }),
    render: (releaseDir, changes, comments = []) =>
      call<RenderReply>({ type: 'render', releaseDir, changes, comments }),
    async close() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}
