import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NGINX_DIR, renderDefaultConf } from '../../nginx/render.js';

/** Debian's nginx (DESIGN §1a); NGINX_BIN overrides. */
export const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

/** Whether the nginx binary is here. */
export function nginxAvailable(): boolean {
  return existsSync(NGINX_BIN);
}

export interface NginxOptions {
  /** The static site folder (may be a symlink, as the builder's is). */
  siteRoot: string;
  /** The built admin app. */
  adminRoot: string;
  /** Uploaded images (the API's MEDIA_DIR); default: an empty folder of the nginx prefix. */
  mediaRoot?: string;
  /** host:port of the API. */
  apiUpstream: string;
  /** host:port of the builder's on-demand renderer; default: a port where nothing listens. */
  builderUpstream?: string;
  /** Send HSTS (production behind TLS). */
  hsts?: boolean;
}

export interface RunningNginx {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  prefix: string;
  /** What `nginx -t` printed (it passed). */
  testOutput: string;
  /** Everything nginx wrote to stdout so far: one JSON access-log line per request. */
  accessLog(): string;
  /** Everything nginx wrote to stderr so far (error log). */
  errorLog(): string;
  /** Graceful stop, then removes the prefix. */
  stop(): Promise<void>;
}

const MIME_TYPES = '/etc/nginx/mime.types';

/** A port free on 127.0.0.1 at the time of asking (nginx binds it right after). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Lays out a prefix for nginx/nginx.conf plus the rendered default.conf: its own pid, error log
 * on stderr, `daemon off`, every *_temp_path under the prefix. Returns the command-line arguments.
 */
function layOut(prefix: string, port: number, options: NginxOptions): string[] {
  const conf = join(prefix, 'conf');
  mkdirSync(join(conf, 'conf.d'), { recursive: true });
  copyFileSync(join(NGINX_DIR, 'nginx.conf'), join(conf, 'nginx.conf'));
  if (!existsSync(MIME_TYPES)) throw new Error(`${MIME_TYPES} is missing (Debian's nginx-common ships it)`);
  copyFileSync(MIME_TYPES, join(conf, 'mime.types'));
  writeFileSync(
    join(conf, 'conf.d', 'default.conf'),
    renderDefaultConf({
      NGINX_PORT: `127.0.0.1:${port}`,
      SERVER_NAME: '_',
      SITE_ROOT: options.siteRoot,
      ADMIN_ROOT: options.adminRoot,
      MEDIA_ROOT: options.mediaRoot ?? join(prefix, 'media'),
      API_UPSTREAM: options.apiUpstream,
      BUILDER_UPSTREAM: options.builderUpstream ?? '127.0.0.1:9',
      NGINX_HSTS: options.hsts ? 'on' : 'off',
    }),
  );
  const temp = join(prefix, 'temp');
  // nginx creates each temp folder, not its parent.
  mkdirSync(temp, { recursive: true, mode: 0o755 });
  mkdirSync(options.mediaRoot ?? join(prefix, 'media'), { recursive: true });
  const paths = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `${kind}_temp_path ${join(temp, kind)};`)
    .join('\n');
  // Sorted before default.conf; http-level, like the compiled-in defaults it replaces.
  writeFileSync(join(conf, 'conf.d', '00-temp-paths.conf'), `${paths}\n`);
  return [
    '-p',
    `${prefix}/`,
    '-c',
    join(conf, 'nginx.conf'),
    '-e',
    'stderr',
    '-g',
    `pid ${join(prefix, 'nginx.pid')}; daemon off;`,
  ];
}

async function waitFor(condition: () => Promise<boolean>, what: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}) before ${what}:\n${output()}`);
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nginx: timed out waiting for ${what}:\n${output()}`);
}

/** Renders the configuration into a temporary prefix, checks it with `nginx -t`, and runs nginx in the foreground. */
export async function startNginx(options: NginxOptions): Promise<RunningNginx> {
  if (!nginxAvailable()) throw new Error(`no nginx at ${NGINX_BIN}: apt-get install -y nginx (.ci/run does)`);
  const prefix = mkdtempSync(join(tmpdir(), 'blog-nginx-'));
  // As root, workers run as the compiled-in user (nobody / nginx): they must traverse the prefix.
  chmodSync(prefix, 0o755);
  let lastError = '';
  // A port found free can be taken before nginx binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = layOut(prefix, port, options);
    // nginx.conf logs to /dev/stdout, which cannot be opened on the socket Node makes for a piped
    // stdout (ENXIO): give it a file, as a container runtime gives it a pipe.
    const accessLogPath = join(prefix, 'access.log');
    const stdoutFd = openSync(accessLogPath, 'a');
    const check = spawnSync(NGINX_BIN, ['-t', ...args], { encoding: 'utf8', stdio: ['ignore', stdoutFd, 'pipe'] });
    const testOutput = check.stderr;
    if (check.status !== 0) {
      closeSync(stdoutFd);
      rmSync(prefix, { recursive: true, force: true });
      throw new Error(`nginx -t failed (${check.status}):\n${testOutput}`);
    }
    const child = spawn(NGINX_BIN, args, { stdio: ['ignore', stdoutFd, 'pipe'] });
    closeSync(stdoutFd);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await waitFor(
        () => canConnect(port),
        `listening on ${port}`,
        child,
        () => stderr,
      );
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      child.kill('SIGKILL');
      await exited;
      if (/Address already in use/.test(stderr)) continue;
      break;
    }
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      prefix,
      testOutput,
      accessLog: () => readFileSync(accessLogPath, 'utf8'),
      errorLog: () => stderr,
      async stop() {
        if (child.exitCode === null) {
          child.kill('SIGQUIT');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(prefix, { recursive: true, force: true });
      },
    };
  }
  rmSync(prefix, { recursive: true, force: true });
  throw new Error(lastError);
}
