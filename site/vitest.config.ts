import { defineProject } from 'vitest/config';

// A plain Node project rather than Astro's getViteConfig(): the tests drive the real
// `astro build` in a child process, and getViteConfig would start Astro's content layer
// (and so its API loaders) inside the test runner.
export default defineProject({
  test: {
    name: 'site',
    include: ['test/**/*.test.ts', 'scripts/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Browser tests poll the page: a second (vitest's default) is too short on a busy 2-core
    // machine, where an island's fetch and render can take several.
    expect: { poll: { timeout: 10_000 } },
  },
});
