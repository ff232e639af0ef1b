import type { Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, TEST_ORIGIN, type TestContext } from '../../test/app.js';
import { casesFor, type Identity, type Operation, operationsOf, type SweepCase } from '../../test/malformed-cases.js';
import { RawClient, type RawOutcome, requestBytes } from '../../test/raw-http.js';
import type { User } from '../db/models/index.js';
import { createApiServer, listen } from '../lib/http-server.js';
import { createLogger } from '../lib/logger.js';

// The malformed-input sweep (issue 9): every operation of /api/openapi.json, sent malformed
// requests over a real HTTP server and a kept-alive raw socket, as a signed-in admin and
// anonymously. STRESS=1 multiplies the generated cases and draws a new seed; SWEEP_SEED=<seed>
// replays a run (the summary line prints the seed); SWEEP_VERBOSE=1 prints every answer.
const STRESS = process.env.STRESS === '1';
const SCALE = STRESS ? 25 : 1;
const VERBOSE = process.env.SWEEP_VERBOSE === '1';
const SEED = Number(process.env.SWEEP_SEED ?? (STRESS ? Date.now() % 1_000_000_007 : 20_260_131));

const ErrorShape = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string().min(1),
    details: z.array(z.looseObject({ message: z.string() })).optional(),
    requestId: z.string().min(1),
  }),
});

let t: TestContext;
/** Errors the app logged: a 500 for a client that went away reaches no client to see it. */
const loggedErrors: string[] = [];
let server: Server;
let port: number;

beforeAll(async () => {
  const logger = pino({ level: 'error' }, { write: (line: string) => loggedErrors.push(line) });
  t = await createTestContext({}, { logger });
  // The server the process entry listens with (lib/http-server.ts), on a free port.
  server = createApiServer(t.app.fetch, createLogger('silent'));
  port = (await listen(server, 0, '127.0.0.1')).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.destroy();
});

interface Fixtures {
  post: number;
  category: number;
  comment: number;
  user: number;
}

/** A published post in a category, with a comment, and a user who is not the admin. */
async function freshFixtures(): Promise<Fixtures> {
  const author = await t.factories.user({ role: 'author' });
  const user = await t.factories.user();
  const category = await t.factories.category();
  const post = await t.factories.post(author, { category });
  const comment = await t.factories.comment(post, user);
  return { post: post.id, category: category.id, comment: comment.id, user: user.id };
}

/** For a path parameter of `path`, a value that names something that exists. */
const segmentFor =
  (path: string, fixtures: Fixtures) =>
  (param: string): string => {
    if (param === 'provider') return 'google';
    if (path.startsWith('/api/posts/')) return String(fixtures.post);
    if (path.startsWith('/api/categories/')) return String(fixtures.category);
    if (path.includes('/comments/')) return String(fixtures.comment);
    if (path.includes('/users/')) return String(fixtures.user);
    return '1';
  };

/** What is wrong with an outcome, or null. */
function problemWith(outcome: RawOutcome, sweepCase: SweepCase): string | null {
  if (!outcome.ok) return `no answer: ${outcome.reason}`;
  const { response } = outcome;
  const text = response.body.toString('utf8');
  if (response.status >= 500) return `${response.status}: ${text.slice(0, 300)}`;
  if (response.status === 413 && !outcome.serverClosed) {
    return `413 left the connection open (Connection: ${response.headers.connection ?? '-'})`;
  }
  if (response.status >= 400 && !sweepCase.head) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return `${response.status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 200))}`;
    }
    if (!ErrorShape.safeParse(json).success) {
      return `${response.status} without the error shape: ${JSON.stringify(json).slice(0, 200)}`;
    }
  }
  return null;
}

/** Counts, failures, and one line per distinct problem (the same defect shows in many operations). */
function createTally() {
  const failures: string[] = [];
  const distinct = new Map<string, { count: number; example: string }>();
  const groups = new Map<string, number>();
  const statuses = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  let sent = 0;
  return {
    failures,
    get sent() {
      return sent;
    },
    record(sweepCase: SweepCase, outcome: RawOutcome) {
      sent++;
      bump(groups, sweepCase.group);
      bump(statuses, outcome.ok ? String(outcome.response.status) : 'none');
      if (VERBOSE) console.log(`  ${outcome.ok ? outcome.response.status : outcome.reason} ${sweepCase.name}`);
      const problem = problemWith(outcome, sweepCase);
      if (!problem) return;
      failures.push(`${sweepCase.name}: ${problem}`);
      const key = `${sweepCase.kind}: ${problem.replace(/\d{3,}/g, 'N').slice(0, 120)}`;
      const seen = distinct.get(key);
      if (seen) seen.count++;
      else distinct.set(key, { count: 1, example: sweepCase.name });
    },
    summary(): string {
      const list = (map: Map<string, number>) => [...map].map(([key, count]) => `${key} ${count}`).join(', ');
      return `by group: ${list(groups)}; by answer: ${list(new Map([...statuses].sort()))}`;
    },
    problems(): string {
      return [...distinct]
        .sort((a, b) => b[1].count - a[1].count)
        .map(([key, { count, example }]) => `  ${count}x ${key}  (e.g. ${example})`)
        .join('\n');
    },
  };
}

describe('malformed-input sweep', () => {
  it(
    'answers every malformed request to every documented operation: never a 5xx, a hang or a reset, errors in the JSON shape',
    async () => {
      const started = performance.now();
      const document: unknown = await (await t.app.request('/api/openapi.json')).json();
      const { operations, resolve } = operationsOf(document);
      expect(operations.length).toBeGreaterThan(40);

      let admin: User = await t.factories.user({ role: 'admin' });
      let adminCookie = await t.factories.sessionCookie(admin);
      /** The sweep may log the admin out, delete or demote them: a fresh admin then. */
      async function keepAdminSignedIn(): Promise<void> {
        const res = await t.request('GET', '/api/auth/me', { as: adminCookie });
        const body: unknown = res.status === 200 ? await res.json() : null;
        if (z.object({ role: z.literal('admin') }).safeParse(body).success) return;
        admin = await t.factories.user({ role: 'admin' });
        adminCookie = await t.factories.sessionCookie(admin);
      }

      const tally = createTally();
      // The admin's and the anonymous requests of an operation go at once, each on a kept-alive connection.
      const clients = { admin: new RawClient(port), anonymous: new RawClient(port) };
      async function sweep(operation: Operation, index: number, fixtures: Fixtures, name: Identity['name']) {
        const operationStarted = performance.now();
        const identity: Identity = { name, cookie: name === 'admin' ? adminCookie : null };
        const cases = casesFor(operation, identity, resolve, {
          origin: TEST_ORIGIN,
          maxBodyBytes: t.config.maxBodyBytes,
          scale: SCALE,
          seed: SEED + index * 1000,
          segment: segmentFor(operation.path, fixtures),
        });
        let resets = 0;
        // Past the auth routes' limits every request is a ~70 ms password hash: the default run
        // leaves those limits be, and resets the others once per operation.
        const resetsAllowed = STRESS ? Number.POSITIVE_INFINITY : operation.path.startsWith('/api/auth/') ? 0 : 1;
        for (const sweepCase of cases) {
          const send = () => clients[name].send(sweepCase.bytes, { head: sweepCase.head, oneShot: sweepCase.oneShot });
          let outcome = await send();
          tally.record(sweepCase, outcome);
          // A rate limit would hide what comes after it: the counters go and the case goes again.
          if (outcome.ok && outcome.response.status === 429 && resets < resetsAllowed) {
            resets++;
            await t.db.transaction((transaction) => t.db.models.RateLimit.destroy({ where: {}, transaction }));
            outcome = await send();
            tally.record(sweepCase, outcome);
          }
        }
        if (VERBOSE) {
          const ms = Math.round(performance.now() - operationStarted);
          console.log(`${operation.method} ${operation.path} as ${name}: ${cases.length} cases, ${ms} ms`);
        }
      }

      const covered = new Set<string>();
      for (const [index, operation] of operations.entries()) {
        // What the operation before deleted, banned or unpublished is not what this one should find.
        const fixtures = await freshFixtures();
        await Promise.all([sweep(operation, index, fixtures, 'admin'), sweep(operation, index, fixtures, 'anonymous')]);
        await keepAdminSignedIn();
        covered.add(`${operation.method} ${operation.path}`);
      }
      clients.admin.close();
      clients.anonymous.close();

      // Still serving, on a new connection and then a kept-alive one, and to fetch.
      const health = new RawClient(port);
      for (let i = 0; i < 3; i++) {
        const outcome = await health.send(requestBytes({ method: 'GET', target: '/api/health' }));
        expect(outcome.ok && outcome.response.status).toBe(200);
        expect(outcome.reused).toBe(i > 0);
      }
      health.close();
      const viaFetch = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(viaFetch.status).toBe(200);
      expect(await viaFetch.json()).toMatchObject({ status: 'ok', database: 'ok' });

      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `malformed sweep: ${tally.sent} requests, ${covered.size}/${operations.length} operations, ` +
          `${tally.failures.length} failures, ${seconds} s, seed ${SEED}${STRESS ? ' (STRESS)' : ''}; ${tally.summary()}`,
      );
      if (tally.failures.length > 0) console.log(tally.problems());
      expect(covered.size).toBe(operations.length);
      expect(loggedErrors.map((line) => line.slice(0, 600))).toEqual([]);
      expect(tally.failures.slice(0, 40), `${tally.failures.length} failures`).toEqual([]);
    },
    STRESS ? 3_600_000 : 120_000,
  );
});
