import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { API_RUNTIME_FLAGS } from '../../scripts/runtime.ts';
import type { DatabaseConfig } from '../src/config.js';

// The compiled server, as the API image runs it (vitest's global setup builds it when stale).
const SERVER = fileURLToPath(new URL('../dist/server.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The environment of a production API process over `database`, mailing through `smtpUrl` and
 * sending publish events to `builderUrl`: random distinct secrets, client addresses from
 * X-Real-IP, no demo seed.
 */
export function productionProcessEnv(options: {
  database: DatabaseConfig;
  smtpUrl: string;
  builderUrl: string;
  publicUrl?: string;
}): Record<string, string> {
  const { database } = options;
  return {
    NODE_ENV: 'production',
    PUBLIC_URL: options.publicUrl ?? 'http://127.0.0.1',
    DATABASE_URL: database.dialect === 'sqlite' ? `sqlite:${database.storage}` : database.url,
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
    SMTP_URL: options.smtpUrl,
    BUILDER_URL: options.builderUrl,
    TRUST_PROXY: 'true',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
  };
}

export interface ApiProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number;
  /** The last 40 KB it printed. */
  output(): string;
  /** Sends `signal` and resolves once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** How production starts the API: the compiled server with the API's runtime flags. */
export const PRODUCTION_COMMAND = [...API_RUNTIME_FLAGS, SERVER];

/**
 * The API as production starts it: the compiled `api/dist/server.js` in a process of its own, configured by
 * `env` alone (PORT=0: the port it prints is taken). Fails with its output if it exits or does
 * not listen within `timeoutMs`. `command` (Node's arguments) may start it otherwise (the
 * runtime benchmark compares it with the TypeScript source through tsx).
 */
export async function startApiProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
  command: string[] = PRODUCTION_COMMAND,
): Promise<ApiProcess> {
  const child: ChildProcess = spawn(process.execPath, command, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the API process did not start');
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-40_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const killNow = () => child.kill('SIGKILL');
  process.once('exit', killNow);

  const deadline = Date.now() + timeoutMs;
  let url: string | null = null;
  while (!url) {
    const match = /bound to ([\d.]+):(\d+)/.exec(output);
    if (match) url = `http://${match[1]}:${match[2]}`;
    else if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the API exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    } else if (Date.now() > deadline) {
      killNow();
      throw new Error(`the API did not listen in time:\n${output}`);
    } else await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url,
    pid,
    output: () => output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const result = await exited;
      process.removeListener('exit', killNow);
      return result;
    },
  };
}
