import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./scripts/vitest-setup.ts'],
    projects: ['packages/contract', 'packages/one-process', 'api', 'site', 'admin', 'e2e'],
  },
});
