import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ASTRO_VERSION, internalsProblem } from '../../builder/src/astro-internals.js';

// The fast path's documented exception (builder/src/astro-internals.ts): Astro pinned exactly to
// the release its two transforms are written for. fast-path.test.ts shows the hooks work on it
// (the fast path renders byte for byte what a full build does).
describe("the fast path's reach into Astro", () => {
  it('is pinned: site/package.json asks for exactly the Astro it was written for, and that is installed', () => {
    const site = z
      .object({ dependencies: z.record(z.string(), z.string()) })
      .parse(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')));
    expect(site.dependencies.astro).toBe(ASTRO_VERSION);
    const installed = z.object({ version: z.string() }).parse(createRequire(import.meta.url)('astro/package.json'));
    expect(installed.version).toBe(ASTRO_VERSION);
  });

  it('says the fast path is off in a process where no build applied the hooks', () => {
    expect(internalsProblem()).toMatch(/no longer look as expected|not exposed/);
  });
});
