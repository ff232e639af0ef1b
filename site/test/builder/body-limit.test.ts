import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chunkedBody,
  openSocket,
  RawClient,
  type RawResponse,
  ResponseReader,
  requestBytes,
} from '../../../api/test/raw-http.js';
import { type Builder, createBuilder } from '../../builder/src/builder.js';
import type { BuildReporter } from '../../builder/src/reporter.js';

// The builder's webhook over a real HTTP server, as builder/src/server.ts serves it (defect 10):
// an oversized body is refused with 413 and Connection: close, a chunked one as soon as it passes
// the limit, and the connection is closed rather than left with the unread rest of the body on it.

const SECRET = 'builder-test-secret-0123456789abcdefghij';
const LIMIT = 4096;
const quiet = { info() {}, warn() {}, error() {} };
const noReporter: BuildReporter = { create: async () => null, update: async () => {} };

let builder: Builder;
let server: ReturnType<typeof serve>;
let port: number;

beforeAll(async () => {
  const root = await mkdtemp(join(tmpdir(), 'builder-limit-'));
  builder = createBuilder({
    secret: SECRET,
    siteDist: join(root, 'site', 'dist'),
    apiUrl: 'http://127.0.0.1:9/api',
    publicUrl: 'https://blog.example',
    buildCommand: 'true',
    followUpDelayMs: null,
    reporter: noReporter,
    logger: quiet,
    maxBodyBytes: LIMIT,
  });
  server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: builder.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the builder has no TCP address');
  port = address.port;
});

/** Connections the tests open, closed in afterAll even when a test failed half-way. */
const sockets: Array<{ destroy(): void }> = [];
const connection = async () => {
  const reader = new ResponseReader(await openSocket(port));
  sockets.push(reader.socket);
  return reader;
};

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await builder.stop();
});

const health = requestBytes({ method: 'GET', target: '/health' });
const hook = (headers: Array<[string, string]>, body: Buffer) =>
  requestBytes({
    method: 'POST',
    target: '/hooks/publish',
    headers: [['Content-Type', 'application/json'], ...headers],
    body,
  });
const withLength = (body: Buffer) => hook([['Content-Length', String(body.length)]], body);
const chunked = (body: Buffer, last = true) =>
  hook(
    [['Transfer-Encoding', 'chunked']],
    chunkedBody(
      Array.from({ length: 8 }, (_, i) => body.subarray((i * body.length) / 8, ((i + 1) * body.length) / 8)),
      { last },
    ),
  );
const oversized = Buffer.alloc(LIMIT * 4, 'a');

function expectRefusal(response: RawResponse) {
  expect(response.status).toBe(413);
  expect(response.headers.connection).toBe('close');
  expect(JSON.parse(response.body.toString('utf8'))).toEqual({
    error: { code: 'payload_too_large', message: `Webhook bodies are limited to ${LIMIT} bytes.` },
  });
}

describe('builder: an oversized webhook body on a kept-alive connection', () => {
  for (const [framing, request] of [
    ['content-length', withLength(oversized)],
    ['chunked', chunked(oversized)],
  ] as const) {
    it(`${framing}: 413 with Connection: close, the server closes, the next request goes on a new connection`, async () => {
      const client = new RawClient(port);
      const first = await client.send(request);
      if (!first.ok) throw new Error(first.reason);
      expectRefusal(first.response);
      expect(first.serverClosed).toBe(true);
      const second = await client.send(health);
      if (!second.ok) throw new Error(second.reason);
      expect(second.reused).toBe(false);
      expect(second.response.status).toBe(200);
      client.close();
    });

    it(`${framing}: a request right behind it is not left on a half-read connection`, async () => {
      const reader = await connection();
      reader.socket.write(Buffer.concat([request, health]));
      expectRefusal(await reader.next({ timeoutMs: 5_000 }));
      expect(await reader.closesWithin(2_000)).toBe(true);
      reader.socket.destroy();
    });
  }

  it('cuts a chunked body off at the limit while it streams, without waiting for its end', async () => {
    const reader = await connection();
    // The last chunk never comes: reading the whole body first would wait for ever.
    reader.socket.write(chunked(oversized, false));
    expectRefusal(await reader.next({ timeoutMs: 5_000 }));
    expect(await reader.closesWithin(2_000)).toBe(true);
    reader.socket.destroy();
  });

  it('still reads a chunked body under the limit (and refuses it for its missing signature)', async () => {
    const client = new RawClient(port);
    const outcome = await client.send(chunked(Buffer.from(JSON.stringify({ event: 'rebuild', at: 'now' }))));
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(outcome.response.status).toBe(401);
    expect(JSON.parse(outcome.response.body.toString('utf8'))).toMatchObject({ error: { code: 'bad_signature' } });
    const next = await client.send(health);
    expect(next.ok && next.reused && next.response.status).toBe(200);
    client.close();
  });
});
