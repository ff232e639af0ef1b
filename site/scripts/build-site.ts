import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The site workspace (where astro.config.ts lives). */
export const SITE_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * The V8 heap of a full build, in MiB (BUILD_HEAP_MB). Most of a big build's memory is garbage V8
 * has not collected yet: at 10,020 posts (12,029 pages) an unlimited build peaked at 2.1 GiB RSS,
 * at 768 MiB of heap 1.1 GiB and at 512 MiB 0.96 GiB, the build completing each time
 * (`npx tsx bench/site-build.ts 10000`). Raise it for much bigger sites.
 */
export const DEFAULT_BUILD_HEAP_MB = 512;

export interface AstroBuildOptions {
  /** The API root the content loaders read, e.g. http://127.0.0.1:8080/api. */
  apiUrl: string;
  /** The site's public origin (canonical URLs, feed, sitemap). */
  publicUrl: string;
  /** Where the pages go; the workspace's dist/ when omitted. */
  outDir?: string;
  /** Extra environment for the build. */
  env?: Record<string, string>;
  /** V8 heap limit of the build process, in MiB; default DEFAULT_BUILD_HEAP_MB. */
  heapLimitMb?: number;
}

export interface AstroBuildResult {
  durationMs: number;
  /** Peak resident memory of the build process, in bytes (sampled from /proc; 0 where there is none). */
  peakRssBytes: number;
  /** stdout and stderr, interleaved. */
  output: string;
}

/** The highest resident set size the kernel recorded for `pid`, or 0 when it cannot be read. */
async function peakRss(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
    return match?.[1] ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs `astro build` (which precompresses its output) in a child process on this Node, and
 * rejects with the build's output when it fails. Builds may run side by side: each gets a
 * working folder of its own for Astro's cache and its intermediate server chunks (which Astro
 * writes to `<cwd>/.astro/` when the output folder lies outside the working directory).
 */
export async function runAstroBuild(options: AstroBuildOptions): Promise<AstroBuildResult> {
  try {
    return await runAstroBuildOnce(options);
  } catch (error) {
    // Astro (7.x) writes <root>/.astro/content-assets.mjs and content-modules.mjs through one
    // fixed "<file>.tmp" name, so two builds of the same root starting at once (tests; never
    // the builder, which serialises its builds) can rename each other's temp file away. The
    // loser's second try finds the file written and the same, and skips the write.
    if (
      error instanceof Error &&
      /UnknownFilesystemError[\s\S]*\.astro\/content-(assets|modules)\.mjs\.tmp/.test(error.message)
    ) {
      return runAstroBuildOnce(options);
    }
    throw error;
  }
}

async function runAstroBuildOnce(options: AstroBuildOptions): Promise<AstroBuildResult> {
  const astroBin = join(dirname(createRequire(import.meta.url).resolve('astro/package.json')), 'bin', 'astro.mjs');
  // Inside the workspace, so the intermediate chunks still resolve packages from node_modules.
  const work = join(SITE_ROOT, 'node_modules', '.site-builds', randomBytes(6).toString('hex'));
  await mkdir(work, { recursive: true });
  const args = [
    `--max-old-space-size=${options.heapLimitMb ?? DEFAULT_BUILD_HEAP_MB}`,
    astroBin,
    'build',
    '--root',
    SITE_ROOT,
    ...(options.outDir ? ['--outDir', options.outDir] : []),
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: work,
    env: {
      ...process.env,
      // A production bundle whatever the caller runs as: under vitest (NODE_ENV=test) Vite would
      // resolve packages' "development" exports, e.g. Lit's dev build at twice the size.
      NODE_ENV: 'production',
      ASTRO_TELEMETRY_DISABLED: '1',
      BLOG_API_URL: options.apiUrl,
      PUBLIC_URL: options.publicUrl,
      SITE_CACHE_DIR: join(work, 'cache'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let peak = 0;
  const sample = async () => {
    if (child.pid !== undefined) peak = Math.max(peak, await peakRss(child.pid));
  };
  const sampler = setInterval(() => void sample(), 100);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve(exitCode));
  }).finally(async () => {
    clearInterval(sampler);
    await rm(work, { recursive: true, force: true });
  });
  const durationMs = performance.now() - started;
  if (code !== 0) throw new Error(`astro build exited with ${code}:\n${output}`);
  return { durationMs, peakRssBytes: peak, output };
}
