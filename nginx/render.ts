import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The variables templates/default.conf.template uses; the official image substitutes the same from its env. */
export const TEMPLATE_VARIABLES = [
  'NGINX_PORT',
  'SERVER_NAME',
  'SITE_ROOT',
  'ADMIN_ROOT',
  'MEDIA_ROOT',
  'API_UPSTREAM',
  'BUILDER_UPSTREAM',
  'NGINX_HSTS',
] as const;

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Record<TemplateVariable, string>;

/** The folder holding nginx.conf and templates/. */
export const NGINX_DIR = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_TEMPLATE = join(NGINX_DIR, 'templates', 'default.conf.template');

const REFERENCE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * `envsubst '$A $B'` semantics: `$NAME` and `${NAME}` are replaced for the listed names only
 * (a listed name without a value becomes empty); every other `$…`, nginx's own variables
 * included, is left as it is.
 */
export function substitute(
  template: string,
  values: Readonly<Record<string, string | undefined>>,
  names: readonly string[],
): string {
  const listed = new Set(names);
  return template.replace(REFERENCE, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    return listed.has(name) ? (values[name] ?? '') : whole;
  });
}

/** The variable names a template refers to in `$NAME`/`${NAME}` form with upper-case names (nginx's own are lower-case). */
export function templateReferences(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(REFERENCE)) {
    const name = match[1] ?? match[2] ?? '';
    if (name === name.toUpperCase()) names.add(name);
  }
  return [...names].sort();
}

/** Renders default.conf.template (or `templatePath`) with every variable given; throws on a missing or empty one. */
export function renderDefaultConf(
  values: Readonly<Record<string, string | undefined>>,
  templatePath = DEFAULT_TEMPLATE,
): string {
  const missing = TEMPLATE_VARIABLES.filter((name) => !values[name]);
  if (missing.length > 0) throw new Error(`nginx template: set ${missing.join(', ')}`);
  return substitute(readFileSync(templatePath, 'utf8'), values, TEMPLATE_VARIABLES);
}

// By hand: NGINX_PORT=8081 SERVER_NAME=_ SITE_ROOT=$PWD/site/dist ADMIN_ROOT=$PWD/admin/dist \
//   API_UPSTREAM=127.0.0.1:8080 BUILDER_UPSTREAM=127.0.0.1:4322 NGINX_HSTS=off npx node nginx/render.ts > /tmp/default.conf
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.stdout.write(renderDefaultConf(process.env, process.argv[2] ?? DEFAULT_TEMPLATE));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
