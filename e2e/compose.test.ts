import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { TEMPLATE_VARIABLES } from '../nginx/render.js';
import { dotenvNames, ROOT, readRepoFile, schemaKeys } from './support/repo.js';

// The parts of the compose file these checks read; anything else passes through.
const Healthcheck = z.object({ test: z.union([z.string(), z.array(z.string())]) });
const Service = z.object({
  build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
  image: z.string().optional(),
  profiles: z.array(z.string()).optional(),
  ports: z.array(z.string()).optional(),
  expose: z.array(z.string()).optional(),
  env_file: z.union([z.string(), z.array(z.string())]).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  healthcheck: Healthcheck.optional(),
});
const Compose = z.object({
  services: z.record(z.string(), Service),
  volumes: z.record(z.string(), z.null()),
});

const composeText = readRepoFile('docker-compose.yml');
const compose = Compose.parse(parse(composeText));
const service = (name: string) => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml: no service ${name}`);
  return found;
};
const env = (name: string) => service(name).environment ?? {};

const apiNames = new Set(schemaKeys('api/src/config.ts', 'envSchema'));
const siteNames = new Set(schemaKeys('site/src/env.ts', 'SiteEnvSchema'));

describe('docker-compose.yml (static checks)', () => {
  it('has nginx, api and builder, and postgres only under its profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'builder', 'nginx', 'postgres']);
    for (const name of ['nginx', 'api', 'builder']) expect(service(name).profiles, name).toBeUndefined();
    expect(service('postgres').profiles).toEqual(['postgres']);
    expect(service('nginx').build?.dockerfile).toBe('nginx/Dockerfile');
    expect(service('api').build?.dockerfile).toBe('api/Dockerfile');
    expect(service('builder').build?.dockerfile).toBe('site/Dockerfile');
  });

  it('publishes only nginx, on port 80', () => {
    expect(service('nginx').ports).toEqual(['80:80']);
    for (const name of ['api', 'builder', 'postgres']) expect(service(name).ports, name).toBeUndefined();
  });

  it('shares the site volume (builder writes, nginx reads) and keeps data in volumes', () => {
    expect(Object.keys(compose.volumes).sort()).toEqual(['data', 'media', 'pgdata', 'site']);
    // Uploaded images: the API writes them (MEDIA_DIR, ./data/media), nginx serves them read-only.
    expect(service('api').volumes).toContain('media:/app/data/media');
    expect(service('nginx').volumes).toContain('media:/srv/media:ro');
    expect(service('builder').volumes).toContain('site:/srv/site');
    expect(service('nginx').volumes).toContain('site:/srv/site:ro');
    expect(service('api').volumes).toContain('data:/app/data');
    expect(service('postgres').volumes).toContain('pgdata:/var/lib/postgresql/data');
    // nginx serves exactly the folder the builder swaps.
    expect(env('nginx').SITE_ROOT).toBe(env('builder').SITE_DIST);
    expect(env('builder').SITE_DIST?.startsWith('/srv/site/')).toBe(true);
  });

  it('has a healthcheck on every service and waits on health, not on start', () => {
    for (const [name, definition] of Object.entries(compose.services)) {
      expect(definition.healthcheck, name).toBeDefined();
      for (const [target, dependency] of Object.entries(definition.depends_on ?? {})) {
        expect(dependency.condition, `${name} → ${target}`).toBe('service_healthy');
        expect(service(target).healthcheck, target).toBeDefined();
      }
    }
    expect(Object.keys(service('nginx').depends_on ?? {}).sort()).toEqual(['api', 'builder']);
    expect(Object.keys(service('builder').depends_on ?? {})).toEqual(['api']);
  });

  it("wires the services to each other's ports", () => {
    const apiPort = env('api').PORT;
    const builderPort = env('builder').PORT;
    expect(env('nginx').API_UPSTREAM).toBe(`api:${apiPort}`);
    expect(env('nginx').BUILDER_UPSTREAM).toBe(`builder:${builderPort}`);
    expect(env('api').BUILDER_URL).toBe(`http://builder:${builderPort}`);
    expect(env('builder').BLOG_API_URL).toBe(`http://api:${apiPort}/api`);
    expect(service('api').expose).toEqual([apiPort]);
    expect(service('builder').expose).toEqual([builderPort]);
    expect(env('api')).toMatchObject({ NODE_ENV: 'production', TRUST_PROXY: 'true', HOST: '0.0.0.0' });
    expect(service('api').env_file).toBe('.env');
  });

  it('uses only variable names the services read', () => {
    const unknown = (names: Iterable<string>, known: (name: string) => boolean) => [...names].filter((n) => !known(n));
    // The API reads .env (env_file) and its environment: every name is in its config schema.
    expect(unknown(Object.keys(env('api')), (n) => apiNames.has(n))).toEqual([]);
    expect(unknown(dotenvNames(readRepoFile('.env.example')), (n) => apiNames.has(n))).toEqual([]);
    // The builder: the site build's names (site/src/env.ts) and the shared ones of the API's.
    expect(unknown(Object.keys(env('builder')), (n) => siteNames.has(n) || apiNames.has(n))).toEqual([]);
    // nginx: exactly the template's variables.
    expect(Object.keys(env('nginx')).sort()).toEqual([...TEMPLATE_VARIABLES].sort());
    // ${...} taken from .env: the API's names, plus the postgres profile's password.
    const interpolated = [...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((match) => match[1] ?? '');
    expect(unknown(interpolated, (n) => apiNames.has(n) || n === 'POSTGRES_PASSWORD')).toEqual([]);
  });
});

const composeBinary = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find(
  (path) => spawnSync(path, ['version'], { stdio: 'ignore' }).status === 0,
);
if (!composeBinary) console.warn('docker-compose config check skipped: docker-compose is not installed');

describe.skipIf(!composeBinary)('docker-compose config (the real tool, no engine needed)', () => {
  it('accepts the file, with and without the postgres profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'blog-compose-'));
    try {
      copyFileSync(join(ROOT, 'docker-compose.yml'), join(dir, 'docker-compose.yml'));
      // The documented first step: .env from .env.example.
      copyFileSync(join(ROOT, '.env.example'), join(dir, '.env'));
      for (const args of [[], ['--profile', 'postgres']]) {
        const run = spawnSync(composeBinary ?? '', ['-f', 'docker-compose.yml', ...args, 'config'], {
          cwd: dir,
          encoding: 'utf8',
        });
        expect(run.status, run.stderr).toBe(0);
        const resolved = z
          .object({ services: z.record(z.string(), z.object({ environment: z.record(z.string(), z.string()) })) })
          .parse(parse(run.stdout));
        // environment: wins over .env's development values.
        expect(resolved.services.api?.environment).toMatchObject({
          NODE_ENV: 'production',
          HOST: '0.0.0.0',
          TRUST_PROXY: 'true',
        });
        // ${PUBLIC_URL} came from .env.
        expect(resolved.services.builder?.environment.PUBLIC_URL).toBe('http://localhost:8080');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
