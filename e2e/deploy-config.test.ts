import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { HSTS, nginxSecurityHeaderLines, SECURITY_HEADERS } from '../api/src/lib/security-headers.js';
import { DEFAULT_TEMPLATE, renderDefaultConf, TEMPLATE_VARIABLES, templateReferences } from '../nginx/render.js';
import { API_RUNTIME_FLAGS, RUNTIME_FLAGS } from '../scripts/runtime.ts';
import { ROOT, readRepoFile } from './support/repo.js';

const ENVSUBST = '/usr/bin/envsubst';
const DOCKERFILES = ['api/Dockerfile', 'site/Dockerfile', 'nginx/Dockerfile'] as const;
const nodeMajor = readRepoFile('.nvmrc').trim();

describe('one Node version everywhere', () => {
  const rootPackage = z
    .object({ engines: z.object({ node: z.string() }), devDependencies: z.record(z.string(), z.string()) })
    .parse(JSON.parse(readRepoFile('package.json')));
  const images = DOCKERFILES.map((path) => {
    const match = /^ARG NODE_IMAGE=node:(\d+)\.(\d+)\.(\d+)-bookworm-slim$/m.exec(readRepoFile(path));
    if (!match) throw new Error(`${path}: no pinned ARG NODE_IMAGE=node:<x.y.z>-bookworm-slim`);
    return { path, version: `${match[1]}.${match[2]}.${match[3]}`, major: match[1] };
  });

  it('.nvmrc, the `node` devDependency, engines and every Dockerfile agree', () => {
    expect(nodeMajor).toMatch(/^\d+$/);
    expect(rootPackage.devDependencies.node).toMatch(new RegExp(`^\\^${nodeMajor}\\.`));
    const pinned = rootPackage.devDependencies.node?.slice(1);
    for (const image of images) expect(image.version, image.path).toBe(pinned);
    // engines states the minimum the toolchain needs (DESIGN §1a); the pinned version satisfies it.
    expect(rootPackage.engines.node).toBe('>=22.12');
  });

  it('CI uses .nvmrc for setup-node and the same image for its test container', () => {
    const workflowsDir = join(ROOT, '.github', 'workflows');
    for (const file of readdirSync(workflowsDir)) {
      const text = readRepoFile(`.github/workflows/${file}`);
      for (const match of text.matchAll(/node-version(?:-file)?: (.+)$/gm)) {
        expect(match[0], file).toBe('node-version-file: .nvmrc');
      }
      for (const match of text.matchAll(/container: node:(\S+)/g)) {
        expect(match[1], file).toBe(`${images[0]?.version}-bookworm`);
      }
    }
  });
});

describe('Dockerfiles', () => {
  it('are multi-stage, healthchecked, and run Node services as a non-root user', () => {
    for (const path of DOCKERFILES) {
      const text = readRepoFile(path);
      expect(text.match(/^FROM /gm)?.length ?? 0, path).toBeGreaterThanOrEqual(2);
      expect(text, path).toMatch(/^HEALTHCHECK /m);
      // Every base image pinned to a version, never :latest (FROM <an earlier stage> is no image).
      const stages = new Set([...text.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((match) => match[1]));
      for (const match of text.matchAll(/^FROM (\S+)/gm)) {
        if (!stages.has(match[1])) expect(match[1], path).not.toMatch(/:latest$|^[^:$]+$/);
      }
    }
    for (const path of ['api/Dockerfile', 'site/Dockerfile']) expect(readRepoFile(path), path).toMatch(/^USER node$/m);
    expect(readRepoFile('api/Dockerfile')).toMatch(/npm ci --omit=dev --workspace api/);
  });

  it('run compiled JavaScript with the runtime flags npm start uses, never tsx', () => {
    for (const [path, flags, entry] of [
      ['api/Dockerfile', API_RUNTIME_FLAGS, 'api/dist/server.js'],
      ['site/Dockerfile', RUNTIME_FLAGS, 'site/builder/dist/builder/src/server.js'],
    ] as const) {
      const text = readRepoFile(path);
      const cmd = /^CMD (\[.*\])$/m.exec(text)?.[1];
      expect(cmd, path).toBeDefined();
      expect(z.array(z.string()).parse(JSON.parse(cmd ?? '[]')), path).toEqual(['node', ...flags, entry]);
      expect(text, path).not.toMatch(/tsx/);
      expect(text, path).toMatch(/npm run build:runtime/);
    }
  });

  it('copy the nginx configuration where the official image renders templates', () => {
    const text = readRepoFile('nginx/Dockerfile');
    expect(text).toMatch(/^FROM nginx:\d+\.\d+\.\d+-alpine$/m);
    expect(text).toContain('COPY nginx/nginx.conf /etc/nginx/nginx.conf');
    expect(text).toContain('COPY nginx/templates/ /etc/nginx/templates/');
    // Defaults for every template variable, so the image starts with no environment at all.
    for (const name of TEMPLATE_VARIABLES) expect(text, name).toMatch(new RegExp(`\\b${name}=`));
  });
});

describe('the API image', () => {
  it('starts without the site workspace, which it leaves out: nothing it loads statically imports @blog/site', () => {
    // Follow server.ts's static relative imports (not `await import(...)`) through api/src.
    const seen = new Set<string>();
    const pending = ['api/src/server.ts'];
    while (pending.length > 0) {
      const path = pending.pop() ?? '';
      if (seen.has(path)) continue;
      seen.add(path);
      const text = readRepoFile(path);
      expect(text, path).not.toMatch(/^import (?!type )[^;]*from '@blog\/site/m);
      for (const match of text.matchAll(/^(?:import|export) (?!type )[^;]*? from '(\.{1,2}\/[^']+)\.js';/gm)) {
        const target = join(path, '..', `${match[1]}.ts`);
        if (existsSync(join(ROOT, target))) pending.push(target);
      }
    }
    expect(seen.size).toBeGreaterThan(20);
    expect([...seen].every((path) => path.startsWith('api/src/'))).toBe(true);
  });
});

describe('nginx template', () => {
  it("sends the API's one definition of the security headers, line for line, and nothing else of them", () => {
    const template = readRepoFile(DEFAULT_TEMPLATE.slice(ROOT.length));
    const lines = template.split('\n').map((line) => line.trim());
    const expected = nginxSecurityHeaderLines();
    const start = lines.indexOf(expected[0] ?? '');
    expect(lines.slice(start, start + expected.length)).toEqual(expected);
    // No other add_header names one of them (a second, drifting copy).
    const names = SECURITY_HEADERS.map(([name]) => name.toLowerCase());
    const others = lines.filter(
      (line) =>
        line.startsWith('add_header ') &&
        !expected.includes(line) &&
        names.includes(line.split(/\s+/)[1]?.toLowerCase() ?? ''),
    );
    expect(others).toEqual([]);
    expect(template).toContain(`on       "${HSTS}";`);
  });

  it('refers to no upper-case variable but its own (the image substitutes every variable it has)', () => {
    expect(templateReferences(readRepoFile(DEFAULT_TEMPLATE.slice(ROOT.length)))).toEqual(
      [...TEMPLATE_VARIABLES].sort(),
    );
  });

  it.skipIf(!existsSync(ENVSUBST))(
    'renders as the official image renders it (envsubst over the whole environment)',
    () => {
      const values = {
        NGINX_PORT: '80',
        SERVER_NAME: 'blog.example.com',
        SITE_ROOT: '/srv/site/dist',
        ADMIN_ROOT: '/srv/admin',
        MEDIA_ROOT: '/srv/media',
        API_UPSTREAM: 'api:8080',
        BUILDER_UPSTREAM: 'builder:8090',
        NGINX_HSTS: 'on',
      };
      // The image's 20-envsubst-on-templates.sh passes every defined variable's name to envsubst.
      const environment = {
        ...values,
        PATH: '/usr/bin:/bin',
        HOME: '/root',
        HOSTNAME: 'c0ffee',
        NGINX_VERSION: '1.28.0',
      };
      const shellFormat = Object.keys(environment)
        .map((name) => `\${${name}}`)
        .join(' ');
      const run = spawnSync(ENVSUBST, [shellFormat], {
        input: readFileSync(DEFAULT_TEMPLATE, 'utf8'),
        env: environment,
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      expect(renderDefaultConf(values)).toBe(run.stdout);
      // nginx's own variables are untouched.
      expect(run.stdout).toContain('proxy_set_header X-Real-IP $remote_addr;');
      expect(run.stdout).toContain('server api:8080;');
    },
  );
});

describe('GitHub workflows', () => {
  const Workflow = z.object({
    permissions: z.record(z.string(), z.string()),
    jobs: z.record(
      z.string(),
      z.object({
        permissions: z.record(z.string(), z.string()).optional(),
        steps: z.array(z.object({ uses: z.string().optional() })),
      }),
    ),
  });
  const files = readdirSync(join(ROOT, '.github', 'workflows')).filter((file) => file.endsWith('.yml'));

  it('are ci, rebuild and deploy', () => {
    expect(files.sort()).toEqual(['ci.yml', 'deploy.yml', 'rebuild.yml']);
  });

  it('read-only by default, every action pinned by commit SHA with its version', () => {
    for (const file of files) {
      const text = readRepoFile(`.github/workflows/${file}`);
      const workflow = Workflow.parse(parse(text));
      expect(workflow.permissions, file).toEqual({ contents: 'read' });
      for (const match of text.matchAll(/uses: (\S+)(.*)$/gm)) {
        expect(match[1], `${file}: ${match[0]}`).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        expect(match[2], `${file}: ${match[0]}`).toMatch(/^ # v\d+\.\d+\.\d+$/);
      }
      // Write access only where a job needs it (deploy pushes images).
      for (const [name, job] of Object.entries(workflow.jobs)) {
        const writes = Object.entries(job.permissions ?? {}).filter(([, level]) => level === 'write');
        expect(
          writes.map(([scope]) => scope),
          `${file}: ${name}`,
        ).toEqual(file === 'deploy.yml' ? ['packages'] : []);
      }
    }
  });
});
