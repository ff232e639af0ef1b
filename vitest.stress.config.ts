import { defineConfig } from 'vitest/config';

// `npm run test:stress`: the long reliability runs of DESIGN §6, bounded (STRESS_SECONDS, 60 by
// default, per load test). Against PostgreSQL with TEST_DATABASE_URL, like `npm test`.
export default defineConfig({
  test: {
    globalSetup: ['./scripts/vitest-setup.ts'],
    projects: [
      {
        test: {
          name: 'stress',
          root: 'api',
          include: ['src/**/*.stress.test.ts', 'src/**/*.sweep.test.ts'],
          environment: 'node',
          env: { STRESS: '1' },
          // One at a time: each measures latency and would disturb the others.
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
