import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ROOT } from './support/repo.js';

// DESIGN §1: the workspace graph is a tree. contract ← api, contract ← site, contract ← admin,
// and packages/one-process is the only workspace that imports both the API and the builder.
// Every workspace declares in `dependencies` what its shipped code imports at run time.

interface Workspace {
  name: string;
  dir: string;
  /** Folders of shipped (non-test) sources. */
  sources: string[];
  /** Workspaces it may import. */
  mayImport: string[];
}

const WORKSPACES: Workspace[] = [
  { name: '@blog/contract', dir: 'packages/contract', sources: ['src'], mayImport: [] },
  { name: '@blog/api', dir: 'api', sources: ['src'], mayImport: ['@blog/contract'] },
  { name: '@blog/site', dir: 'site', sources: ['src', 'builder/src', 'scripts'], mayImport: ['@blog/contract'] },
  { name: '@blog/admin', dir: 'admin', sources: ['src'], mayImport: ['@blog/contract'] },
  {
    name: '@blog/one-process',
    dir: 'packages/one-process',
    sources: ['src'],
    mayImport: ['@blog/contract', '@blog/api', '@blog/site'],
  },
];

// Tests, test folders, and the site's type-check script (a development tool, not shipped).
const isTest = (path: string) => /\.test\.ts$|\/test\/|\/scripts\/astro-check\.ts$/.test(path);

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...sourceFiles(path));
    else if (/\.(ts|astro)$/.test(entry) && !/\.d\.ts$/.test(entry) && !isTest(path)) found.push(path);
  }
  return found;
}

/** Every module a file imports or re-exports at run time (not `import type`). */
function runtimeImports(text: string): string[] {
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
    if (match[1]) specifiers.push(match[1]);
  }
  for (const match of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) if (match[1]) specifiers.push(match[1]);
  return specifiers;
}

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '');

const PackageJson = z.object({ dependencies: z.record(z.string(), z.string()).optional() });

describe('the workspace graph', () => {
  for (const workspace of WORKSPACES) {
    const files = workspace.sources.flatMap((folder) => sourceFiles(join(ROOT, workspace.dir, folder)));
    const declared = new Set(
      Object.keys(
        PackageJson.parse(JSON.parse(readFileSync(join(ROOT, workspace.dir, 'package.json'), 'utf8'))).dependencies ??
          {},
      ),
    );

    it(`${workspace.name} imports only ${workspace.mayImport.join(', ') || 'no workspace'}, and nothing outside its folder`, () => {
      expect(files.length).toBeGreaterThan(0);
      const wrong: string[] = [];
      for (const file of files) {
        for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
          const where = relative(ROOT, file);
          if (specifier.startsWith('.')) {
            const target = resolve(file, '..', specifier);
            if (!target.startsWith(join(ROOT, workspace.dir))) wrong.push(`${where} → ${specifier}`);
          } else if (specifier.startsWith('@blog/') && !workspace.mayImport.includes(packageOf(specifier))) {
            wrong.push(`${where} → ${specifier}`);
          }
        }
      }
      expect(wrong).toEqual([]);
    });

    it(`${workspace.name} declares every package its shipped code imports`, () => {
      const builtins = new Set(builtinModules);
      const undeclared = new Set<string>();
      for (const file of files) {
        for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
          if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('astro:')) continue;
          const name = packageOf(specifier);
          if (builtins.has(name) || declared.has(name)) continue;
          undeclared.add(`${name} (${relative(ROOT, file)})`);
        }
      }
      expect([...undeclared]).toEqual([]);
    });
  }

  it('has no compiled JavaScript beside the TypeScript it came from (it would shadow it)', () => {
    const stray: string[] = [];
    for (const dir of [
      'packages/contract',
      'packages/one-process',
      'api',
      'site/src',
      'site/builder/src',
      'site/scripts',
      'admin/src',
    ]) {
      const walk = (folder: string) => {
        for (const entry of readdirSync(folder)) {
          const path = join(folder, entry);
          if (entry === 'node_modules' || entry === 'dist') continue;
          if (statSync(path).isDirectory()) walk(path);
          else if (/\.js(\.map)?$/.test(entry) && !entry.endsWith('.config.js')) stray.push(relative(ROOT, path));
        }
      };
      walk(join(ROOT, dir));
    }
    expect(stray).toEqual([]);
  });

  it('keeps the contract to zod, and node:crypto behind ./signature', () => {
    const files = sourceFiles(join(ROOT, 'packages/contract/src'));
    const used = files.flatMap((file) =>
      runtimeImports(readFileSync(file, 'utf8'))
        .filter((specifier) => !specifier.startsWith('.'))
        .map((specifier) => `${relative(join(ROOT, 'packages/contract/src'), file)}: ${specifier}`),
    );
    expect(used.filter((entry) => !/: zod$/.test(entry))).toEqual(['signature.ts: node:crypto']);
  });
});
