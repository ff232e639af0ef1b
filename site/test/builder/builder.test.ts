import { createHmac } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signatureOf, signedHeaders } from '@blog/contract/signature';
import { afterEach, describe, expect, it } from 'vitest';
import { type Builder, type BuilderConfig, createBuilder } from '../../builder/src/builder.js';
import type { BuildRecordPatch, BuildReporter, BuildStatus } from '../../builder/src/reporter.js';

const SECRET = 'builder-test-secret-0123456789abcdefghij';
const quiet = { info() {}, warn() {}, error() {} };

/** A reporter that keeps the records in memory, as the API would. */
function recordingReporter() {
  const records: Array<{ id: number; reason: string; postId: number | null; status: BuildStatus } & BuildRecordPatch> =
    [];
  const reporter: BuildReporter = {
    async create(input) {
      const record = {
        id: records.length + 1,
        reason: input.reason,
        postId: input.postId ?? null,
        status: input.status,
      };
      records.push(record);
      return record.id;
    },
    async update(id, patch) {
      const record = records.find((r) => r.id === id);
      if (record) Object.assign(record, patch);
    },
  };
  return { reporter, records };
}

/**
 * A tiny real build: appends a line to `log`, waits `delay` seconds, writes
 * index.html (with a unique marker) and a post page into $OUT_DIR.
 */
const standIn = (log: string, delay = 0, fail = false) =>
  [
    `echo run >> "${log}"`,
    delay ? `sleep ${delay}` : ':',
    fail ? 'echo "astro: boom" >&2; exit 3' : ':',
    'mkdir -p "$OUT_DIR/posts/hello"',
    'marker="build-$(date +%s%N)-$$"',
    `printf '<!doctype html><html><body>%s %s</body></html>\\n' "$marker" "$(head -c 20000 /dev/zero | tr '\\0' x)" > "$OUT_DIR/index.html"`,
    'echo "<html>hello</html>" > "$OUT_DIR/posts/hello/index.html"',
  ].join(' && ');

const builders: Builder[] = [];
const roots: string[] = [];
afterEach(async () => {
  for (const builder of builders.splice(0)) await builder.stop();
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function setup(overrides: Partial<BuilderConfig> & { delay?: number; fail?: boolean } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'builder-'));
  roots.push(root);
  const log = join(root, 'builds.log');
  const { reporter, records } = recordingReporter();
  const builder = createBuilder({
    secret: SECRET,
    siteDist: join(root, 'site', 'dist'),
    apiUrl: 'http://127.0.0.1:9/api',
    publicUrl: 'https://blog.example',
    buildCommand: standIn(log, overrides.delay ?? 0, overrides.fail ?? false),
    followUpDelayMs: null,
    reporter,
    logger: quiet,
    ...overrides,
  });
  builders.push(builder);
  const runs = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  return {
    root,
    builder,
    records,
    runs,
    siteDist: join(root, 'site', 'dist'),
    releasesDir: join(root, 'site', 'releases'),
  };
}

function hook(
  builder: Builder,
  payload: unknown,
  options: { at?: Date; secret?: string; headers?: Record<string, string> } = {},
) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return Promise.resolve(
    builder.app.request('/hooks/publish', {
      method: 'POST',
      headers: { ...signedHeaders(options.secret ?? SECRET, body, options.at ?? new Date()), ...options.headers },
      body,
    }),
  );
}

const published = (postId: number, slug = `post-${postId}`) => ({
  event: 'published',
  postId,
  slug,
  at: new Date().toISOString(),
});

describe('signature', () => {
  it('is sha256=hex(HMAC-SHA256(secret, "timestamp.body")), and "timestamp.scope.body" with a scope', () => {
    const body = JSON.stringify(published(7));
    const expected = `sha256=${createHmac('sha256', SECRET).update(`1790000000.${body}`).digest('hex')}`;
    expect(signatureOf(SECRET, '1790000000', body)).toBe(expected);
    const scoped = `sha256=${createHmac('sha256', SECRET).update(`1790000000.POST /api/builds.${body}`).digest('hex')}`;
    expect(signatureOf(SECRET, '1790000000', body, 'POST /api/builds')).toBe(scoped);
  });
});

describe('POST /hooks/publish', () => {
  it('accepts a signed event with 202 and queues it', async () => {
    const { builder, runs } = await setup();
    const res = await hook(builder, { event: 'rebuild', reason: 'test', at: new Date().toISOString() });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true, path: 'full' });
    await builder.idle();
    expect(await runs()).toBe(1);
  });

  it('refuses bad, stale, future, replayed, malformed and oversized requests with 4xx JSON errors, building nothing', async () => {
    const { builder, runs } = await setup();
    const body = JSON.stringify(published(1));
    const headers = signedHeaders(SECRET, body, new Date());
    const cases: Array<[string, Response | Promise<Response>, number, string]> = [
      ['no headers', builder.app.request('/hooks/publish', { method: 'POST', body }), 401, 'bad_signature'],
      [
        'no signature',
        builder.app.request('/hooks/publish', {
          method: 'POST',
          body,
          headers: { 'X-Blog-Timestamp': headers['X-Blog-Timestamp'] ?? '' },
        }),
        401,
        'bad_signature',
      ],
      ['malformed timestamp', hook(builder, body, { headers: { 'X-Blog-Timestamp': 'soon' } }), 401, 'bad_signature'],
      [
        'malformed signature',
        hook(builder, body, { headers: { 'X-Blog-Signature': 'md5=abc' } }),
        401,
        'bad_signature',
      ],
      ['wrong secret', hook(builder, body, { secret: 'another-secret-another-secret-another' }), 401, 'bad_signature'],
      ['stale', hook(builder, body, { at: new Date(Date.now() - 5 * 60_000 - 2000) }), 401, 'bad_signature'],
      ['future', hook(builder, body, { at: new Date(Date.now() + 62_000) }), 401, 'bad_signature'],
      [
        'body altered',
        builder.app.request('/hooks/publish', {
          method: 'POST',
          headers,
          body: body.replace('"postId":1', '"postId":2'),
        }),
        401,
        'bad_signature',
      ],
      ['bad JSON', hook(builder, '{"event":'), 400, 'bad_request'],
      ['not an object', hook(builder, '[1,2]'), 422, 'validation_failed'],
      [
        'unknown event',
        hook(builder, { event: 'exploded', postId: 1, slug: 'x', at: 'now' }),
        422,
        'validation_failed',
      ],
      ['missing post id', hook(builder, { event: 'published', slug: 'x', at: 'now' }), 422, 'validation_failed'],
      [
        'oversized',
        hook(builder, { event: 'rebuild', reason: 'x'.repeat(70_000), at: 'now' }),
        413,
        'payload_too_large',
      ],
    ];
    for (const [name, pending, status, code] of cases) {
      const res = await pending;
      expect(`${name}: ${res.status}`).toBe(`${name}: ${status}`);
      expect(await res.json()).toEqual({ error: { code, message: expect.any(String) } });
    }
    expect((await builder.app.request('/hooks/publish', { method: 'GET' })).status).toBe(404);
    await builder.idle();
    expect(await runs()).toBe(0);
  });

  it('accepts a (timestamp, signature) pair once: a replay gets 409', async () => {
    const { builder, runs } = await setup();
    const body = JSON.stringify({ event: 'rebuild', at: new Date().toISOString() });
    const headers = signedHeaders(SECRET, body, new Date());
    const first = await builder.app.request('/hooks/publish', { method: 'POST', headers, body });
    expect(first.status).toBe(202);
    const replay = await builder.app.request('/hooks/publish', { method: 'POST', headers, body });
    expect(replay.status).toBe(409);
    expect(await replay.json()).toMatchObject({ error: { code: 'replayed' } });
    await builder.idle();
    expect(await runs()).toBe(1);
  });
});

describe('queue', () => {
  it('coalesces a burst: events arriving during a build become one more build', async () => {
    const { builder, runs, records } = await setup({ delay: 0.4 });
    expect((await hook(builder, { event: 'rebuild', reason: 'first', at: 'now' })).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let id = 1; id <= 5; id++) expect((await hook(builder, published(id))).status).toBe(202);
    expect((await hook(builder, { event: 'rebuild', reason: 'second', at: 'now' })).status).toBe(202);
    await builder.idle();
    expect(await runs()).toBe(2);
    expect(records.map((r) => r.status)).toEqual(['done', 'done']);
    expect(records[1]?.reason).toMatch(/5 posts changed|rebuild: second/);
  });

  it('serializes builds: never two at once', async () => {
    const { builder, root } = await setup({
      buildCommand: `set -e; if [ -e "${'$'}TMPROOT/lock" ]; then echo overlap >> "${'$'}TMPROOT/overlaps"; fi; touch "${'$'}TMPROOT/lock"; sleep 0.2; rm "${'$'}TMPROOT/lock"; echo '<html>ok</html>' > "$OUT_DIR/index.html"`,
    });
    process.env.TMPROOT = root;
    for (let i = 0; i < 4; i++) {
      builder.rebuild(`r${i}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await builder.idle();
    expect(await readFile(join(root, 'overlaps'), 'utf8').catch(() => '')).toBe('');
  });

  it('turns post events into a full build when there is no renderer (a site built by a command)', async () => {
    const { builder, runs, records } = await setup();
    expect(await (await hook(builder, published(3))).json()).toEqual({ accepted: true, path: 'full' });
    await builder.idle();
    expect(await runs()).toBe(1);
    expect(records[0]?.reason).toBe('post 3 published');
  });
});

describe('full rebuild and atomic swap', () => {
  it('builds into releases/<timestamp>/, points SITE_DIST at it with a symlink and keeps the last 3 releases', async () => {
    const { builder, siteDist, releasesDir, records } = await setup();
    const lives: string[] = [];
    for (let i = 0; i < 5; i++) {
      builder.rebuild(`build ${i}`);
      await builder.idle();
      expect((await lstat(siteDist)).isSymbolicLink()).toBe(true);
      lives.push(await readlink(siteDist));
    }
    expect(new Set(lives).size).toBe(5);
    for (const link of lives) expect(link).toMatch(/^releases\/\d{4}-\d\d-\d\dT/);
    const kept = (await readdir(releasesDir)).sort();
    expect(kept).toHaveLength(3);
    expect(`releases/${kept.at(-1)}`).toBe(lives.at(-1));
    expect(await readFile(join(siteDist, 'posts/hello/index.html'), 'utf8')).toContain('hello');
    expect(records.every((r) => r.status === 'done' && (r.pages ?? 0) === 2 && (r.durationMs ?? 0) > 0)).toBe(true);
  });

  it('keeps the last good site when a build fails, and records the error', async () => {
    const good = await setup();
    good.builder.rebuild('good');
    await good.builder.idle();
    const before = await readlink(good.siteDist);
    const html = await readFile(join(good.siteDist, 'index.html'), 'utf8');

    const failing = createBuilder({
      secret: SECRET,
      siteDist: good.siteDist,
      apiUrl: 'http://127.0.0.1:9/api',
      publicUrl: 'https://blog.example',
      buildCommand: standIn(join(good.root, 'failing.log'), 0, true),
      followUpDelayMs: null,
      reporter: recordingReporter().reporter,
      logger: quiet,
    });
    builders.push(failing);
    const outcomes: Array<{ ok: boolean; error?: string }> = [];
    failing.onBuild((outcome) => outcomes.push(outcome));
    failing.rebuild('bad');
    await failing.idle();
    expect(outcomes).toEqual([expect.objectContaining({ ok: false, error: expect.stringContaining('astro: boom') })]);
    expect(await readlink(good.siteDist)).toBe(before);
    expect(await readFile(join(good.siteDist, 'index.html'), 'utf8')).toBe(html);
    // The failed release folder is gone; only the good one is left.
    expect(await readdir(good.releasesDir)).toHaveLength(1);
  });

  it('records a failed build through the reporter', async () => {
    const { builder, records } = await setup({ fail: true });
    builder.rebuild('doomed');
    await builder.idle();
    expect(records).toEqual([
      expect.objectContaining({ reason: 'doomed', status: 'failed', error: expect.stringContaining('exited with 3') }),
    ]);
  });

  it('fails a build that writes no index.html', async () => {
    const { builder, records, siteDist } = await setup({ buildCommand: 'echo nothing' });
    builder.rebuild('empty');
    await builder.idle();
    expect(records[0]).toMatchObject({ status: 'failed', error: 'the build wrote no index.html' });
    await expect(lstat(siteDist)).rejects.toThrow();
  });

  it('adopts a plain folder found at SITE_DIST as a release', async () => {
    const { builder, siteDist, releasesDir } = await setup();
    await mkdir(siteDist, { recursive: true });
    await writeFile(join(siteDist, 'index.html'), '<html>old</html>');
    builder.rebuild('first');
    await builder.idle();
    expect((await lstat(siteDist)).isSymbolicLink()).toBe(true);
    expect((await readdir(releasesDir)).some((name) => name.startsWith('adopted-'))).toBe(true);
  });

  it('never shows a reader a half-built site while releases swap', async () => {
    const { builder, siteDist } = await setup();
    builder.rebuild('initial');
    await builder.idle();
    let reads = 0;
    const problems: string[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        try {
          const html = await readFile(join(siteDist, 'index.html'), 'utf8');
          if (!/^<!doctype html><html><body>build-\d+-\d+ x{20000}<\/body><\/html>\n$/.test(html)) {
            problems.push(`partial page (${html.length} bytes)`);
          }
          await readFile(join(siteDist, 'posts/hello/index.html'), 'utf8');
        } catch (error) {
          problems.push(String(error));
        }
        reads++;
      }
    })();
    // At least 6 swaps, and as many more as it takes for 50 reads to overlap them on a busy machine.
    for (let i = 0; (i < 6 || reads <= 50) && i < 500; i++) {
      builder.rebuild(`swap ${i}`);
      await builder.idle();
    }
    reading = false;
    await reader;
    expect(reads).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });
});
