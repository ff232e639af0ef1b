import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const readRepoFile = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/**
 * The keys of a `const <name> = z.object({ ... });` in a source file: the variable names a
 * service reads. Parsed rather than imported so the schemas can stay private to their modules.
 */
export function schemaKeys(path: string, name: string): string[] {
  const source = readRepoFile(path);
  const start = source.indexOf(`const ${name} = z.object({`);
  if (start < 0) throw new Error(`${path}: no z.object named ${name}`);
  const end = source.indexOf('\n});', start);
  if (end < 0) throw new Error(`${path}: ${name} has no end`);
  const keys = [...source.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1] ?? '');
  if (keys.length === 0) throw new Error(`${path}: ${name} has no keys`);
  return keys;
}

/** The variable names a dotenv file sets (commented-out examples included). */
export function dotenvNames(text: string): string[] {
  return [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] ?? '');
}
