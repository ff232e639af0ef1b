import { defineConfig } from 'vite';

// Served at /admin/ (nginx, or the API in one-process mode); /api is the same origin.
export default defineConfig({
  base: '/admin/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or styles anywhere (CSP script-src 'self').
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': process.env.ADMIN_API_URL ?? 'http://127.0.0.1:8080' },
  },
});
