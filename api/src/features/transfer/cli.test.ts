import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ImportReportSchema } from '@blog/contract';
import { afterAll, describe, expect, it } from 'vitest';
import { progressBar } from './cli.js';

// `npm run import -- FILE` and `npm run export`, as a person runs them: a process of their own on
// an SQLite file, a progress bar on stderr, a summary on stdout, a report file on request.

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '../../../..');
const CLI = path.join(here, 'cli.ts');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const fixtures = path.join(here, 'fixtures');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function site() {
  const dir = mkdtempSync(path.join(tmpdir(), 'blog-cli-'));
  dirs.push(dir);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'development',
    DATABASE_URL: `sqlite:${path.join(dir, 'blog.db')}`,
    MEDIA_DIR: path.join(dir, 'media'),
    ADMIN_EMAIL: 'owner@example.com',
    ADMIN_PASSWORD: 'a-long-enough-password-2026',
    SEED_DEMO: 'false',
  };
  const cli = (...args: string[]) => run(process.execPath, [TSX, CLI, ...args], { cwd: ROOT, env, timeout: 60_000 });
  return { dir, cli };
}

describe('the import and export commands', () => {
  it('draws a progress bar', () => {
    expect(progressBar(0, 4, 8)).toBe('[--------]   0%  0/4 posts');
    expect(progressBar(3, 4, 8)).toBe('[######--]  75%  3/4 posts');
    expect(progressBar(0, 0, 8)).toBe('[########] 100%  0/0 posts');
  });

  it('imports a WXR with its attachments, then exports Markdown that a second site imports', async () => {
    const first = site();
    const report = path.join(first.dir, 'report.json');
    const imported = await first.cli(
      'import',
      path.join(fixtures, 'wordpress.xml'),
      '--uploads',
      path.join(fixtures, 'wp-uploads'),
      '--report',
      report,
    );
    expect(imported.stdout).toMatch(/^Imported 3 of 3 posts, 4 comments, \d+ users, 2 categories/m);
    expect(imported.stdout).toMatch(/post 13: trashed/);
    // Not a terminal: a line per tenth, ending full.
    expect(imported.stderr.trim().split('\n').at(-1)).toBe(progressBar(3, 3));
    const written = ImportReportSchema.parse(JSON.parse(readFileSync(report, 'utf8')));
    expect(written.skipped.filter((issue) => issue.kind === 'attachment')).toEqual([]);
    expect(readdirSync(path.join(first.dir, 'media'))).toHaveLength(1);

    const out = path.join(first.dir, 'markdown');
    const exported = await first.cli('export', '--format', 'markdown', '--out', out);
    expect(exported.stdout).toMatch(/Exported 3 posts as Markdown/);
    expect(readdirSync(path.join(out, 'posts')).sort()).toEqual(
      ['analytical-engine.md', 'difference-engine.md', 'script-alert-1-script-in-a-title.md'].sort(),
    );

    const second = site();
    const again = await second.cli('import', out);
    expect(again.stdout).toMatch(/^Imported 3 of 3 posts, 0 comments/m);
  }, 120_000);

  it('refuses an unreadable file with a message and a failing exit code, writing nothing', async () => {
    const { dir, cli } = site();
    const bad = path.join(dir, 'bad.xml');
    await import('node:fs/promises').then((fs) => fs.writeFile(bad, '<!DOCTYPE x [<!ENTITY a "b">]><rss/>'));
    const failed = await cli('import', bad).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/import failed: .*entit/i);
  }, 60_000);
});
