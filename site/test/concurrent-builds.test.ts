import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../api/test/app.js';
import { runAstroBuild } from '../scripts/build-site.js';
import { type RunningApi, serveApi } from './api-server.js';

// The builder, the test suite and a developer may build at the same moment: Astro's cache and
// intermediate chunks must not be shared, or one build renders the other's content.

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function blogWith(title: string, slug: string): Promise<{ t: TestContext; api: RunningApi; out: string }> {
  const t = await createTestContext();
  const author = await t.factories.user({ role: 'author' });
  await t.factories.post(author, { title, slug });
  const api = await serveApi(t);
  const out = await mkdtemp(join(tmpdir(), 'blog-site-'));
  cleanup.push(
    () => t.destroy(),
    () => api.close(),
    () => rm(out, { recursive: true, force: true }),
  );
  return { t, api, out };
}

it('builds two different blogs side by side, each from its own API', async () => {
  const alpha = await blogWith('Only in alpha', 'only-in-alpha');
  const beta = await blogWith('Only in beta', 'only-in-beta');
  await Promise.all(
    [alpha, beta].map(({ api, out }) =>
      runAstroBuild({ apiUrl: api.apiUrl, publicUrl: 'https://blog.example', outDir: out }),
    ),
  );
  expect(existsSync(join(alpha.out, 'posts', 'only-in-alpha', 'index.html'))).toBe(true);
  expect(existsSync(join(alpha.out, 'posts', 'only-in-beta'))).toBe(false);
  expect(existsSync(join(beta.out, 'posts', 'only-in-beta', 'index.html'))).toBe(true);
  expect(existsSync(join(beta.out, 'posts', 'only-in-alpha'))).toBe(false);
  expect(await readFile(join(alpha.out, 'index.html'), 'utf8')).not.toContain('Only in beta');
  expect(await readFile(join(beta.out, 'index.html'), 'utf8')).not.toContain('Only in alpha');
});
