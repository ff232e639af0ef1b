import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * Writes .gz and .br siblings of the text files, as the site build does: nginx (`gzip_static`)
 * and the one-process server send them as they are instead of compressing on every request.
 */
function precompress(): Plugin {
  return {
    name: 'blog-admin-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const dir = options.dir;
      if (!dir) return;
      const files = Object.keys(bundle).filter((name) => /\.(js|css|html|svg)$/.test(name));
      await Promise.all(
        files.map(async (name) => {
          const data = await readFile(join(dir, name));
          await writeFile(join(dir, `${name}.gz`), await gzipAsync(data, { level: 9 }));
          await writeFile(
            join(dir, `${name}.br`),
            await brotliAsync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
          );
        }),
      );
    },
  };
}

// The API `npm run dev` proxies /api to: its PUBLIC_URL, exactly (the API refuses writes whose
// Origin is not PUBLIC_URL's, so the proxy presents that origin).
const API = process.env.ADMIN_API_URL ?? 'http://localhost:8080';

// Served at /admin/ (nginx, or the API in one-process mode); /api is the same origin.
export default defineConfig({
  base: '/admin/',
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or styles anywhere (CSP script-src 'self').
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/api': {
        target: API,
        configure(proxy) {
          proxy.on('proxyReq', (request) => {
            if (request.getHeader('origin')) request.setHeader('origin', new URL(API).origin);
          });
        },
      },
    },
  },
});
