// `astro check` with the TypeScript it supports. The root of the monorepo uses TypeScript 7,
// whose native compiler has no JavaScript API yet; @astrojs/check needs TypeScript 5 or 6,
// which this workspace installs for itself. npm hoists the checker's Volar kit to the root,
// where a plain require('typescript') would find 7, so every import of `typescript` is
// resolved from this workspace instead. Run with Node 24 (npm run typecheck).
import { createRequire, registerHooks } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// Resolved before the hook exists: resolving inside it would call the hook again.
const fromHere = createRequire(import.meta.url);
const typescriptMain = fromHere.resolve('typescript');
const typescriptRoot = dirname(fromHere.resolve('typescript/package.json'));

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'typescript') return { url: pathToFileURL(typescriptMain).href, shortCircuit: true };
    if (specifier.startsWith('typescript/')) {
      const file = join(typescriptRoot, specifier.slice('typescript/'.length));
      return { url: pathToFileURL(extname(file) ? file : `${file}.js`).href, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});

const { check, parseArgsAsCheckConfig } = await import('@astrojs/check');
const flags = parseArgsAsCheckConfig(process.argv);
process.stdout.write(`Getting diagnostics for Astro files in ${resolve(flags.root ?? process.cwd())}...\n`);
const failed = await check(flags);
if (typeof failed === 'boolean') process.exit(failed ? 1 : 0);
