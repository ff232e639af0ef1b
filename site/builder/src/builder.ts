import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ErrorCode } from '@blog/contract';
import { type PublishEvent, PublishEventSchema } from '@blog/contract';
import {
  checkSignature,
  MAX_AGE_SECONDS,
  MAX_FUTURE_SECONDS,
  SIGNATURE_HEADER,
  SIGNATURE_MESSAGES,
  TIMESTAMP_HEADER,
} from '@blog/contract/signature';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DEFAULT_BUILD_HEAP_MB } from '../../scripts/build-site.js';
import { type CommentsChange, mergeCommentsEvent, mergePostEvent, type PostChange } from './events.js';
import { countPages, createReleases } from './files.js';
import type { RenderReply } from './protocol.js';
import { type RenderWorker, SITE_ROOT, startRenderWorker } from './renderer.js';
import { type BuildReporter, consoleLogger, httpReporter, type Logger } from './reporter.js';

export interface BuilderConfig {
  /** WEBHOOK_SECRET: verifies the webhook and signs build records. */
  secret: string;
  /** The live site: a symlink swapped to each new release. */
  siteDist: string;
  /** Where releases/<timestamp>/ folders go; default: `releases` beside SITE_DIST. */
  releasesDir?: string;
  /** Releases kept on disk, the live one included (default 3). */
  keepReleases?: number;
  /** The API root the site build and the fast path read (…/api); build records go there too. */
  apiUrl: string;
  /** The site's public origin. */
  publicUrl: string;
  /**
   * A shell command that builds the whole site into $OUT_DIR (also substituted
   * for `{outDir}`), run in site/. Unset: Astro's build in a render worker,
   * which then serves the fast path for single-post events.
   */
  buildCommand?: string | null;
  /** Quiet time after a fast path before the full rebuild that follows it (null: none). Default 30 s. */
  followUpDelayMs?: number | null;
  /** Where builds are recorded; default: signed POST/PATCH to {apiUrl}/builds. */
  reporter?: BuildReporter;
  /** The fetch the default reporter uses (in one process: the API app's own fetch). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  logger?: Logger;
  /** The clock the signature window is checked against. */
  now?: () => Date;
  /** Largest webhook body accepted. */
  maxBodyBytes?: number;
  /** Keep Astro's build output out of this process's stdout (tests). */
  quietBuilds?: boolean;
  /** The render worker's V8 heap in MiB (BUILD_HEAP_MB; default DEFAULT_BUILD_HEAP_MB). */
  buildHeapMb?: number;
}

interface Renderer {
  release: string;
  /** Null for a site built by BUILD_COMMAND: no fast path, every change is a full rebuild. */
  worker: RenderWorker | null;
  /** The worker's on-demand server (draft previews, pages not built yet); null without one. */
  onDemandUrl: string | null;
}

interface FullRequest {
  reasons: string[];
  record: Promise<number | null>;
}

export interface BuildOutcome {
  kind: 'fast' | 'full';
  ok: boolean;
  reason: string;
  durationMs: number;
  pages: number;
  written?: string[];
  removed?: string[];
  /** A fast path's search index update (RenderReply.search). */
  search?: RenderReply['search'];
  error?: string;
}

const errorBody = (code: ErrorCode, message: string) => ({ error: { code, message } });

/**
 * The builder (DESIGN §1): receives the signed publish webhook, coalesces
 * bursts, renders single-post changes straight into the live release (fast
 * path) and rebuilds the whole site into a new release swapped in atomically.
 * Fast paths run one at a time, full builds one at a time; a full build
 * replays the fast-path changes made while it ran onto its release before
 * the swap, so a swap never brings back an older page.
 */
export function createBuilder(config: BuilderConfig) {
  const logger = config.logger ?? consoleLogger;
  const now = config.now ?? (() => new Date());
  const releases = createReleases({
    siteDist: config.siteDist,
    releasesDir: config.releasesDir ?? join(dirname(config.siteDist), 'releases'),
    keep: config.keepReleases ?? 3,
  });
  const reporter =
    config.reporter ?? httpReporter({ apiUrl: config.apiUrl, secret: config.secret, logger, fetch: config.fetch });
  const followUpDelayMs = config.followUpDelayMs === undefined ? 30_000 : config.followUpDelayMs;
  const maxBodyBytes = config.maxBodyBytes ?? 64 * 1024;

  let renderer: Renderer | null = null;
  const pendingPosts = new Map<number, PostChange>();
  /** Posts whose comments changed: one render each, however many events arrive meanwhile. */
  const pendingComments = new Map<number, CommentsChange>();
  let pendingFull: FullRequest | null = null;
  let fastRunning: Promise<void> | null = null;
  let fullRunning: Promise<void> | null = null;
  /** Fast-path changes applied while a full build ran: replayed onto its release before the swap. */
  let sinceFullStart: Map<number, PostChange> | null = null;
  let commentsSinceFullStart: Map<number, CommentsChange> | null = null;
  let swapping = false;
  let followUp: NodeJS.Timeout | null = null;
  let stopped = false;
  const seen = new Map<string, number>();
  const outcomes: BuildOutcome[] = [];
  const listeners = new Set<(outcome: BuildOutcome) => void>();

  function finish(outcome: BuildOutcome) {
    outcomes.push(outcome);
    if (outcomes.length > 100) outcomes.shift();
    for (const listener of listeners) listener(outcome);
  }

  function requestFull(reason: string) {
    if (followUp) clearTimeout(followUp);
    followUp = null;
    if (pendingFull) {
      if (!pendingFull.reasons.includes(reason)) pendingFull.reasons.push(reason);
    } else {
      pendingFull = { reasons: [reason], record: reporter.create({ reason: reason.slice(0, 200), status: 'queued' }) };
    }
    kick();
  }

  function describe(changes: PostChange[], comments: CommentsChange[] = []): string {
    const posts =
      changes.length === 0
        ? []
        : [
            changes.length === 1 && changes[0]
              ? `post ${changes[0].postId} ${changes[0].event}`
              : `${changes.length} posts changed`,
          ];
    const talk =
      comments.length === 0
        ? []
        : [
            comments.length === 1 && comments[0]
              ? `comments on post ${comments[0].postId}`
              : `comments on ${comments.length} posts`,
          ];
    return [...posts, ...talk].join('; ');
  }

  function kick() {
    if (stopped) return;
    if (!fastRunning && !swapping && (pendingPosts.size > 0 || pendingComments.size > 0)) {
      if (renderer?.worker) {
        fastRunning = runFast().finally(() => {
          fastRunning = null;
          kick();
        });
      } else if (!fullRunning) {
        // No renderer yet (first start, or a site built by BUILD_COMMAND): the full build covers the change.
        const changes = [...pendingPosts.values()];
        const comments = [...pendingComments.values()];
        pendingPosts.clear();
        pendingComments.clear();
        requestFull(describe(changes, comments));
        return;
      }
    }
    if (!fullRunning && pendingFull) {
      fullRunning = runFull().finally(() => {
        fullRunning = null;
        kick();
      });
    }
  }

  async function runFast(): Promise<void> {
    const current = renderer;
    if (!current?.worker) return;
    const changes = [...pendingPosts.values()];
    const comments = [...pendingComments.values()];
    pendingPosts.clear();
    pendingComments.clear();
    const reason = describe(changes, comments);
    const started = performance.now();
    const startedAt = now().toISOString();
    const record = reporter.create({
      reason: `fast path: ${reason}`,
      postId: changes.length + comments.length === 1 ? (changes[0]?.postId ?? comments[0]?.postId ?? null) : null,
      status: 'running',
      startedAt,
    });
    try {
      const result = await current.worker.render(current.release, changes, comments);
      if (sinceFullStart) for (const change of changes) mergeChange(sinceFullStart, change);
      if (commentsSinceFullStart) for (const change of comments) mergeCommentsEvent(commentsSinceFullStart, change);
      const durationMs = performance.now() - started;
      logger.info(
        {
          reason,
          ms: Math.round(durationMs),
          written: result.written.length,
          removed: result.removed.length,
          ...(result.search ? { searchMs: Math.round(result.search.ms) } : {}),
        },
        'fast path done',
      );
      await reporter.update(await record, {
        status: 'done',
        finishedAt: now().toISOString(),
        durationMs,
        pages: result.written.length,
      });
      finish({
        kind: 'fast',
        ok: true,
        reason,
        durationMs,
        pages: result.written.length,
        written: result.written,
        removed: result.removed,
        search: result.search,
      });
      // Listings shifted by a post change are left to a full rebuild; a comment needs none.
      if (followUpDelayMs !== null && !stopped && changes.length > 0) {
        if (followUp) clearTimeout(followUp);
        followUp = setTimeout(() => {
          followUp = null;
          requestFull('follow-up of fast path');
        }, followUpDelayMs);
        followUp.unref();
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const durationMs = performance.now() - started;
      logger.error({ reason, err: message }, 'fast path failed; a full rebuild follows');
      await reporter.update(await record, {
        status: 'failed',
        finishedAt: now().toISOString(),
        durationMs,
        error: message,
      });
      finish({ kind: 'fast', ok: false, reason, durationMs, pages: 0, error: message });
      requestFull(`after failed fast path (${reason})`);
    }
  }

  function mergeChange(target: Map<number, PostChange>, change: PostChange) {
    for (const slug of change.staleSlugs)
      mergePostEvent(target, { event: change.event, postId: change.postId, slug, at: '' });
    mergePostEvent(target, { event: change.event, postId: change.postId, slug: change.slug, at: '' });
  }

  async function runCommand(command: string, outDir: string): Promise<void> {
    const child = spawn('sh', ['-c', command.replaceAll('{outDir}', outDir)], {
      cwd: SITE_ROOT,
      env: { ...process.env, OUT_DIR: outDir, BLOG_API_URL: config.apiUrl, PUBLIC_URL: config.publicUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (exitCode) => resolve(exitCode));
    });
    if (code !== 0) throw new Error(`build command exited with ${code}: ${output.trim().slice(-2000)}`);
  }

  async function runFull(): Promise<void> {
    const request = pendingFull;
    if (!request) return;
    pendingFull = null;
    if (followUp) clearTimeout(followUp);
    followUp = null;
    const reason = request.reasons.join('; ');
    const record = await request.record;
    const started = performance.now();
    await reporter.update(record, { reason: reason.slice(0, 200), status: 'running', startedAt: now().toISOString() });
    sinceFullStart = new Map();
    commentsSinceFullStart = new Map();
    let release: string | null = null;
    let worker: RenderWorker | null = null;
    let onDemandUrl: string | null = null;
    try {
      release = await releases.create();
      let pages: number;
      if (config.buildCommand) {
        await runCommand(config.buildCommand, release);
        pages = await countPages(release);
      } else {
        // Unchanged files keep the live release's .gz/.br instead of being compressed again.
        const live = await releases.current();
        worker = await startRenderWorker({
          apiUrl: config.apiUrl,
          publicUrl: config.publicUrl,
          silent: config.quietBuilds,
          heapMb: config.buildHeapMb ?? DEFAULT_BUILD_HEAP_MB,
          env: live ? { PRECOMPRESS_REUSE_FROM: live } : {},
        });
        ({ pages, onDemandUrl } = await worker.build(release));
      }
      if (!existsSync(join(release, 'index.html'))) throw new Error('the build wrote no index.html');

      // The swap: no fast path runs meanwhile; changes made during the build are replayed onto the new release first.
      swapping = true;
      if (fastRunning) await fastRunning;
      const replay = [...(sinceFullStart?.values() ?? [])];
      const replayComments = [...(commentsSinceFullStart?.values() ?? [])];
      if ((replay.length > 0 || replayComments.length > 0) && worker)
        await worker.render(release, replay, replayComments);
      await releases.activate(release);
      const previous = renderer;
      renderer = { release, worker, onDemandUrl };
      worker = null;
      swapping = false;
      if (previous?.worker) void previous.worker.close();
      const durationMs = performance.now() - started;
      logger.info({ reason, ms: Math.round(durationMs), pages, release }, 'full build live');
      await reporter.update(record, { status: 'done', finishedAt: now().toISOString(), durationMs, pages });
      finish({ kind: 'full', ok: true, reason, durationMs, pages });
      await releases
        .prune([release])
        .catch((error: unknown) => logger.warn({ err: String(error) }, 'pruning releases failed'));
    } catch (error) {
      swapping = false;
      const message = error instanceof Error ? error.message : String(error);
      const durationMs = performance.now() - started;
      logger.error({ reason, err: message }, 'full build failed; the last good site stays live');
      if (worker) await worker.close();
      if (release) await releases.discard(release).catch(() => undefined);
      await reporter.update(record, { status: 'failed', finishedAt: now().toISOString(), durationMs, error: message });
      finish({ kind: 'full', ok: false, reason, durationMs, pages: 0, error: message });
    } finally {
      sinceFullStart = null;
      commentsSinceFullStart = null;
    }
  }

  /** Takes a verified event. */
  function accept(event: PublishEvent): 'fast' | 'full' {
    if (event.event === 'rebuild') {
      requestFull(event.reason ? `rebuild: ${event.reason}` : 'rebuild requested');
      return 'full';
    }
    if (event.event === 'comments') {
      mergeCommentsEvent(pendingComments, event);
      kick();
      return renderer?.worker ? 'fast' : 'full';
    }
    mergePostEvent(pendingPosts, event);
    kick();
    return renderer?.worker ? 'fast' : 'full';
  }

  /** Refuses replays: a (timestamp, signature) pair is accepted once within the signature window. */
  function firstSighting(key: string, timestamp: number): boolean {
    const nowSeconds = Math.floor(now().getTime() / 1000);
    if (seen.size > 1000) {
      for (const [old, expires] of seen) if (expires < nowSeconds) seen.delete(old);
    }
    if (seen.has(key)) return false;
    seen.set(key, timestamp + MAX_AGE_SECONDS + MAX_FUTURE_SECONDS);
    return true;
  }

  /**
   * A page rendered on demand by the live build's worker (@astrojs/node): a draft's preview link,
   * or an address the static site does not hold yet. Only the request line and content
   * negotiation go through: no cookies, no credentials. 503 while no build is live.
   */
  async function renderOnDemand(request: Request): Promise<Response> {
    const target = renderer?.onDemandUrl;
    if (!target) return unavailable('The site is being built; try again in a moment.');
    const url = new URL(request.url);
    const headers = new Headers();
    for (const name of ['accept', 'accept-language', 'user-agent']) {
      const value = request.headers.get(name);
      if (value) headers.set(name, value);
    }
    try {
      const res = await fetch(`${target}${url.pathname}${url.search}`, {
        method: request.method,
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(15_000),
      });
      const out = new Headers(res.headers);
      for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'content-length']) out.delete(name);
      return new Response(request.method === 'HEAD' ? null : res.body, { status: res.status, headers: out });
    } catch (error) {
      logger.warn({ err: String(error), path: url.pathname }, 'on-demand render failed');
      return unavailable('This page could not be rendered just now; try again in a moment.');
    }
  }

  const unavailable = (message: string) =>
    new Response(`${message}\n`, {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5', 'cache-control': 'no-store' },
    });

  const refuse = (c: Context, status: ContentfulStatusCode, code: ErrorCode, message: string) => {
    logger.warn({ status, code }, `webhook refused: ${message}`);
    return c.json(errorBody(code, message), status);
  };
  const app = new Hono();
  // The body limit refuses a declared length over it before reading, and cuts a chunked body off
  // as it streams past it. The rest of that body is still on the connection: it closes.
  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => {
      c.header('Connection', 'close');
      return refuse(c, 413, 'payload_too_large', `Webhook bodies are limited to ${maxBodyBytes} bytes.`);
    },
  });
  app.post('/hooks/publish', limitBody, async (c) => {
    const fail = (status: ContentfulStatusCode, code: ErrorCode, message: string) => refuse(c, status, code, message);
    let body: string;
    try {
      body = await c.req.text();
    } catch {
      return fail(400, 'bad_request', 'The request body could not be read.');
    }
    const timestamp = c.req.header(TIMESTAMP_HEADER);
    const signature = c.req.header(SIGNATURE_HEADER);
    const check = checkSignature(config.secret, timestamp, signature, body, now());
    // The same refusal as the API's for its signed routes: 401 bad_signature, the reason in words.
    if (!check.ok) return fail(401, 'bad_signature', SIGNATURE_MESSAGES[check.reason]);
    if (!firstSighting(`${timestamp}.${signature}`, check.timestamp)) {
      return fail(409, 'replayed', 'This signed request was already received.');
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return fail(400, 'bad_request', 'The body is not valid JSON.');
    }
    const parsed = PublishEventSchema.safeParse(json);
    if (!parsed.success) {
      return fail(
        422,
        'validation_failed',
        `Not a publish event: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
      );
    }
    const path = accept(parsed.data);
    return c.json({ accepted: true, path }, 202);
  });
  app.get('/health', async (c) =>
    c.json({
      status: 'ok',
      release: await releases.current(),
      fastPath: !!renderer?.worker,
      pending: { posts: pendingPosts.size, comments: pendingComments.size, full: !!pendingFull },
      running: { fast: !!fastRunning, full: !!fullRunning },
    }),
  );
  // Everything else a reader asks for: the live build's on-demand pages (nginx's @astro fallback).
  app.on(['GET', 'HEAD'], '*', (c, next) => (c.req.path.startsWith('/hooks/') ? next() : renderOnDemand(c.req.raw)));
  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}.`), 404));
  app.onError((error, c) => {
    logger.error({ err: String(error) }, 'builder error');
    return c.json(errorBody('internal_error', 'Something went wrong in the builder.'), 500);
  });

  return {
    /** The HTTP face: POST /hooks/publish, GET /health, and every other GET: the on-demand pages. */
    app,
    /** The on-demand pages without the builder's HTTP face (one-process mode's fallback). */
    renderOnDemand,
    /** Hands over an event without HTTP (one-process mode: the API's outbox calls this). */
    accept,
    /** Asks for a full rebuild (start-up, admin). */
    rebuild: requestFull,
    /** Resolves when nothing is pending or running. */
    async idle(): Promise<void> {
      for (;;) {
        const busy = fastRunning ?? fullRunning;
        if (busy) await busy;
        else if (pendingPosts.size > 0 || pendingComments.size > 0 || pendingFull)
          await new Promise((resolve) => setTimeout(resolve, 10));
        else return;
      }
    },
    /** Called with each finished build (tests, bench). */
    onBuild(listener: (outcome: BuildOutcome) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    outcomes,
    currentRelease: () => releases.current(),
    hasRenderer: () => !!renderer?.worker,
    /** Stops taking work, waits for the build in progress, closes the render worker. */
    async stop(): Promise<void> {
      stopped = true;
      if (followUp) clearTimeout(followUp);
      await Promise.allSettled([fastRunning, fullRunning]);
      await renderer?.worker?.close();
      renderer = renderer ? { ...renderer, worker: null, onDemandUrl: null } : null;
    },
  };
}

export type Builder = ReturnType<typeof createBuilder>;
