import { isAbsolute, resolve } from 'node:path';
import { secretWeakness } from '@blog/contract/signature';
import { z } from 'zod';
import { DEFAULT_BUILD_HEAP_MB } from '../../scripts/build-site.js';

/** Every variable the builder process reads, with its meaning; `process.env` is read here and nowhere else. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Verifies the webhook and signs build records; production refuses a weak one. */
  WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** The live site: a symlink swapped to each new release (relative paths from the repo root). */
  SITE_DIST: z.string().min(1).default('./site/dist'),
  /** Where releases/<timestamp>/ go; default: `releases` beside SITE_DIST. */
  SITE_RELEASES: z.string().min(1).optional(),
  /** The API root the build reads and records builds at. */
  BLOG_API_URL: z.url().default('http://127.0.0.1:8080/api'),
  /** The site's public origin. */
  PUBLIC_URL: z.url().default('http://localhost:8080'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4322),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** A shell command to run instead of the in-process Astro build (tests, custom pipelines). */
  BUILD_COMMAND: z.string().min(1).optional(),
  /** Seconds after a fast path before the full rebuild that follows it; 0 = never. */
  FOLLOW_UP_REBUILD_SECONDS: z.coerce.number().int().min(0).default(30),
  /** The V8 heap of full builds, MiB (see DEFAULT_BUILD_HEAP_MB). */
  BUILD_HEAP_MB: z.coerce.number().int().min(256).max(65_536).default(DEFAULT_BUILD_HEAP_MB),
});

export interface BuilderProcessConfig {
  secret: string;
  siteDist: string;
  releasesDir: string | undefined;
  apiUrl: string;
  publicUrl: string;
  port: number;
  host: string;
  buildCommand: string | null;
  followUpDelayMs: number | null;
  buildHeapMb: number;
}

/** Parses the builder's environment once; throws one readable list of every problem. */
export function loadBuilderConfig(repoRoot: string, source: Record<string, string | undefined> = process.env) {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  if (parsed.success && parsed.data.NODE_ENV === 'production') {
    const weakness = secretWeakness(parsed.data.WEBHOOK_SECRET);
    if (weakness) problems.push(`WEBHOOK_SECRET: ${weakness}`);
  }
  if (!parsed.success || problems.length > 0) {
    throw new Error(`Invalid builder configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const env = parsed.data;
  const fromRoot = (path: string) => (isAbsolute(path) ? path : resolve(repoRoot, path));
  return {
    secret: env.WEBHOOK_SECRET,
    siteDist: fromRoot(env.SITE_DIST),
    releasesDir: env.SITE_RELEASES ? fromRoot(env.SITE_RELEASES) : undefined,
    apiUrl: env.BLOG_API_URL.replace(/\/+$/, ''),
    publicUrl: env.PUBLIC_URL.replace(/\/+$/, ''),
    port: env.PORT,
    host: env.HOST,
    buildCommand: env.BUILD_COMMAND ?? null,
    followUpDelayMs: env.FOLLOW_UP_REBUILD_SECONDS > 0 ? env.FOLLOW_UP_REBUILD_SECONDS * 1000 : null,
    buildHeapMb: env.BUILD_HEAP_MB,
  } satisfies BuilderProcessConfig;
}
