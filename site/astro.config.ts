import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';
import { precompressDirectory } from './scripts/precompress';
import { buildSearchIndex } from './scripts/search-index';
import { readSiteEnv } from './src/env';

const { publicUrl, reuseCompressedFrom, cacheDir, serverDir } = readSiteEnv();
/**
 * Where a plain static build (`astro build`, BUILD_COMMAND) puts the on-demand server it does not
 * run: a folder of its own inside the workspace, so the chunks Astro loads to prerender resolve
 * their packages, removed after the build.
 */
const unusedServer = join(
  fileURLToPath(new URL('.', import.meta.url)),
  'node_modules',
  '.site-server',
  `build-${process.pid}-${randomBytes(4).toString('hex')}`,
);

// https://docs.astro.build/en/reference/configuration-reference/
export default defineConfig({
  site: publicUrl,
  // Every page is prerendered but the two marked `prerender = false` (a draft's preview link, and
  // the fallback for an address not built yet), which @astrojs/node renders on demand from the
  // same layouts; the builder's render worker serves them (site/builder/src/worker.ts).
  output: 'static',
  adapter: node({ mode: 'middleware' }),
  ...(cacheDir ? { cacheDir } : {}),
  trailingSlash: 'always',
  // Lossless whitespace removal: Astro 7's default JSX rules drop the spaces that prose between tags needs.
  compressHTML: true,
  build: {
    format: 'directory',
    // The static site stays at the root of the output, as nginx serves it; the on-demand server
    // goes to a folder of its own (SITE_SERVER_DIR), never into what nginx serves.
    client: './',
    server: serverDir ?? unusedServer,
    // One cached stylesheet for every page rather than a copy inlined into each.
    inlineStylesheets: 'never',
  },
  devToolbar: { enabled: false },
  vite: {
    build: {
      // Nothing inlined: Astro would inline small island scripts (and Vite small assets as data:
      // URLs), which nginx's CSP (script-src 'self') blocks. Every script stays a /_astro/ file.
      assetsInlineLimit: 0,
    },
  },
  integrations: [
    {
      name: 'blog-search-and-precompress',
      hooks: {
        'astro:build:done': async ({ dir, logger }) => {
          if (!serverDir) await rm(unusedServer, { recursive: true, force: true });
          // The search index first: its scripts (pagefind.js) are precompressed with the rest.
          const search = await buildSearchIndex(fileURLToPath(dir));
          logger.info(
            `search index: ${search.pages} posts, ${search.files} files, ${(search.bytes / 1024).toFixed(0)} KiB in ${Math.round(search.ms)} ms`,
          );
          const started = performance.now();
          const result = await precompressDirectory(fileURLToPath(dir), { reuseFrom: reuseCompressedFrom });
          logger.info(
            `${result.files} files precompressed (${result.reused} reused, ${(result.bytes / 1024).toFixed(0)} KiB → gzip ${(result.gzipBytes / 1024).toFixed(0)} KiB, brotli ${(result.brotliBytes / 1024).toFixed(0)} KiB) in ${Math.round(performance.now() - started)} ms`,
          );
        },
      },
    },
  ],
});
