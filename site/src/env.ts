import { z } from 'astro/zod';

const SiteEnvSchema = z.object({
  /** Where the build reads content from (the API's /api root). */
  BLOG_API_URL: z.url().default('http://127.0.0.1:8080/api'),
  /** The public origin of the site: canonical URLs, feed and sitemap links. */
  PUBLIC_URL: z.url().default('http://localhost:8080'),
  /** `1`: the loaders read nothing, so `astro sync` can write the content types with no API running (type checks). */
  SITE_TYPES_ONLY: z.enum(['0', '1']).default('0'),
  /** An earlier build (the live site): unchanged files take their .gz and .br from there instead of compressing again. */
  PRECOMPRESS_REUSE_FROM: z.string().optional(),
  /** Astro's cache folder (content data store); one per build lets builds run side by side. */
  SITE_CACHE_DIR: z.string().optional(),
  /**
   * Where the build writes @astrojs/node's on-demand server (draft previews, pages not built yet);
   * the render worker sets it to a folder of its own inside the workspace and serves it. Unset:
   * a plain static build, whose on-demand server nobody runs, and which the build then removes.
   */
  SITE_SERVER_DIR: z.string().optional(),
});

export interface SiteEnv {
  apiUrl: string;
  publicUrl: string;
  typesOnly: boolean;
  reuseCompressedFrom?: string;
  cacheDir?: string;
  serverDir?: string;
}

/** The build's settings from the environment, checked once; throws a readable list of problems. */
export function readSiteEnv(env: Record<string, string | undefined> = process.env): SiteEnv {
  const parsed = SiteEnvSchema.safeParse({
    BLOG_API_URL: env.BLOG_API_URL || undefined,
    PUBLIC_URL: env.PUBLIC_URL || undefined,
    SITE_TYPES_ONLY: env.SITE_TYPES_ONLY || undefined,
    PRECOMPRESS_REUSE_FROM: env.PRECOMPRESS_REUSE_FROM || undefined,
    SITE_CACHE_DIR: env.SITE_CACHE_DIR || undefined,
    SITE_SERVER_DIR: env.SITE_SERVER_DIR || undefined,
  });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid site build environment:\n  ${problems.join('\n  ')}`);
  }
  return {
    apiUrl: parsed.data.BLOG_API_URL.replace(/\/+$/, ''),
    publicUrl: parsed.data.PUBLIC_URL.replace(/\/+$/, ''),
    typesOnly: parsed.data.SITE_TYPES_ONLY === '1',
    reuseCompressedFrom: parsed.data.PRECOMPRESS_REUSE_FROM,
    cacheDir: parsed.data.SITE_CACHE_DIR,
    serverDir: parsed.data.SITE_SERVER_DIR,
  };
}
