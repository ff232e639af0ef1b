import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/contract', 'packages/one-process', 'api', 'site', 'admin', 'e2e'],
  },
});
