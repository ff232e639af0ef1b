import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'one-process',
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
