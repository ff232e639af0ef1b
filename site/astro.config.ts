import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';
import { precompressDirectory } from './scripts/precompress';
import { readSiteEnv } from './src/env';

const { publicUrl, reuseCompressedFrom, cacheDir } = readSiteEnv();

// https://docs.astro.build/en/reference/configuration-reference/
export default defineConfig({
  site: publicUrl,
  output: 'static',
  ...(cacheDir ? { cacheDir } : {}),
  trailingSlash: 'always',
  // Lossless whitespace removal: Astro 7's default JSX rules drop the spaces that prose between tags needs.
  compressHTML: true,
  build: {
    format: 'directory',
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
      name: 'blog-precompress',
      hooks: {
        'astro:build:done': async ({ dir, logger }) => {
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
