import type { Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, TEST_ORIGIN, type TestContext } from '../../test/app.js';
import {
  chunkedBody,
  openSocket,
  RawClient,
  type RawResponse,
  ResponseReader,
  requestBytes,
} from '../../test/raw-http.js';
import { createApiServer, listen } from './http-server.js';
import { createLogger } from './logger.js';

let t: TestContext;
let server: Server;
let port: number;

beforeAll(async () => {
  t = await createTestContext();
  server = createApiServer(t.app.fetch, createLogger('silent'));
  port = (await listen(server, 0, '127.0.0.1')).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.destroy();
});

const ErrorShape = z.strictObject({
  error: z.strictObject({ code: z.string().min(1), message: z.string().min(1), requestId: z.string().min(1) }),
});

const errorOf = (response: RawResponse) => ErrorShape.parse(JSON.parse(response.body.toString('utf8'))).error;

/** Sends `bytes` on a connection of its own; the answer, and whether the server then closed it. */
async function sendAlone(bytes: Buffer, options: { close?: boolean } = {}) {
  const reader = new ResponseReader(await openSocket(port));
  reader.socket.write(bytes);
  try {
    const response = await reader.next({ timeoutMs: 5_000 });
    return { response, closed: options.close ? await reader.closesWithin(2_000) : reader.closed };
  } finally {
    reader.socket.destroy();
  }
}

describe('answers node:http would give without a body, or not at all', () => {
  const cases: Array<[string, Buffer, number, string]> = [
    ['a lowercase method', requestBytes({ method: 'get', target: '/api/health' }), 400, 'bad_request'],
    ['an invented method', requestBytes({ method: 'FROBNICATE', target: '/api/health' }), 400, 'bad_request'],
    [
      'a NUL byte in the target',
      Buffer.concat([Buffer.from('GET /api/posts/a'), Buffer.from([0]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]),
      400,
      'bad_request',
    ],
    ['raw UTF-8 in the target', requestBytes({ method: 'GET', target: '/api/posts/ñ' }), 400, 'bad_request'],
    [
      'Content-Length and Transfer-Encoding both',
      requestBytes({
        method: 'POST',
        target: '/api/auth/login',
        headers: [
          ['Content-Length', '2'],
          ['Transfer-Encoding', 'chunked'],
        ],
        body: '2\r\n{}\r\n0\r\n\r\n',
      }),
      400,
      'bad_request',
    ],
    [
      'a chunk size that is not hex',
      requestBytes({
        method: 'POST',
        target: '/api/auth/login',
        headers: [
          ['Content-Type', 'application/json'],
          ['Transfer-Encoding', 'chunked'],
        ],
        body: 'zz\r\n{}\r\n0\r\n\r\n',
      }),
      400,
      'bad_request',
    ],
    [
      'headers over the size limit',
      requestBytes({ method: 'GET', target: '/api/health', headers: [['X-Padding', 'a'.repeat(20_000)]] }),
      431,
      'headers_too_large',
    ],
    [
      'CONNECT',
      requestBytes({ method: 'CONNECT', target: '127.0.0.1:443', headers: [['Host', '127.0.0.1:443']] }),
      405,
      'method_not_allowed',
    ],
  ];
  for (const [what, bytes, status, code] of cases) {
    it(`${what}: ${status} in the error shape, then the connection closes`, async () => {
      const { response, closed } = await sendAlone(bytes, { close: true });
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers.connection).toBe('close');
      const error = errorOf(response);
      expect(error.code).toBe(code);
      expect(response.headers['x-request-id']).toBe(error.requestId);
      expect(closed).toBe(true);
    });
  }

  it('an Expect other than 100-continue: 417 in the error shape', async () => {
    const { response } = await sendAlone(
      requestBytes({ method: 'GET', target: '/api/health', headers: [['Expect', 'teapot']] }),
    );
    expect(response.status).toBe(417);
    expect(errorOf(response).code).toBe('expectation_failed');
  });

  for (const [what, bytes] of [
    [
      'a Host the URL parser refuses',
      requestBytes({ method: 'GET', target: '/api/health', headers: [['Host', 'a b']] }),
    ],
    ['the asterisk target', Buffer.from('OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')],
  ] as const) {
    it(`${what}: 400 in the error shape`, async () => {
      const { response } = await sendAlone(bytes);
      expect(response.status).toBe(400);
      expect(errorOf(response).code).toBe('bad_request');
    });
  }

  it('keeps serving afterwards, on a kept-alive connection', async () => {
    const client = new RawClient(port);
    for (let i = 0; i < 3; i++) {
      const outcome = await client.send(requestBytes({ method: 'GET', target: '/api/health' }));
      expect(outcome.ok && outcome.response.status).toBe(200);
      expect(outcome.reused).toBe(i > 0);
    }
    client.close();
  });
});

describe('an oversized body on a kept-alive connection (defect 10)', () => {
  const limit = () => t.config.maxBodyBytes;
  const oversized = (framing: 'content-length' | 'chunked') => {
    const body = Buffer.alloc(limit() + 4096, 'a');
    const headers: Array<[string, string]> = [
      ['Origin', TEST_ORIGIN],
      ['Content-Type', 'application/json'],
    ];
    if (framing === 'content-length') {
      headers.push(['Content-Length', String(body.length)]);
      return requestBytes({ method: 'POST', target: '/api/auth/login', headers, body });
    }
    headers.push(['Transfer-Encoding', 'chunked']);
    const parts = Array.from({ length: 8 }, () => body.subarray(0, Math.ceil(body.length / 8)));
    return requestBytes({ method: 'POST', target: '/api/auth/login', headers, body: chunkedBody(parts) });
  };
  const health = requestBytes({ method: 'GET', target: '/api/health' });

  for (const framing of ['content-length', 'chunked'] as const) {
    it(`${framing}: 413 with Connection: close, the server closes, the next request goes on a new connection`, async () => {
      const client = new RawClient(port);
      const first = await client.send(oversized(framing));
      if (!first.ok) throw new Error(first.reason);
      expect(first.response.status).toBe(413);
      expect(errorOf(first.response).code).toBe('payload_too_large');
      expect(first.response.headers.connection).toBe('close');
      expect(first.serverClosed).toBe(true);
      const second = await client.send(health);
      if (!second.ok) throw new Error(second.reason);
      expect(second.reused).toBe(false);
      expect(second.response.status).toBe(200);
      client.close();
    });

    it(`${framing}: a request sent right behind the oversized one is not left hanging on a half-read connection`, async () => {
      const reader = new ResponseReader(await openSocket(port));
      reader.socket.write(Buffer.concat([oversized(framing), health]));
      const first = await reader.next();
      expect(first.status).toBe(413);
      expect(first.headers.connection).toBe('close');
      expect(await reader.closesWithin(2_000)).toBe(true);
      reader.socket.destroy();
      // The client sends it again on a new connection, as Connection: close tells it to.
      const { response } = await sendAlone(health);
      expect(response.status).toBe(200);
    });
  }

  it('a declared length over the limit is refused before the body arrives, and the connection closed', async () => {
    const reader = new ResponseReader(await openSocket(port));
    reader.socket.write(
      requestBytes({
        method: 'POST',
        target: '/api/auth/login',
        headers: [
          ['Origin', TEST_ORIGIN],
          ['Content-Type', 'application/json'],
          ['Content-Length', String(limit() * 100)],
        ],
        body: '{"email":',
      }),
    );
    const response = await reader.next({ timeoutMs: 5_000 });
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(await reader.closesWithin(2_000)).toBe(true);
    reader.socket.destroy();
  });

  it('a declared body a little over the limit is read and dropped before the close: the client can send it whole, no reset', async () => {
    // What nginx does: it sends the whole body it buffered. Closing on a body still arriving would
    // reset the connection under the answer, and nginx would report 502 instead of this 413.
    const body = Buffer.alloc(limit() * 2, 'a');
    const request = requestBytes({
      method: 'POST',
      target: '/api/auth/login',
      headers: [
        ['Origin', TEST_ORIGIN],
        ['Content-Type', 'application/json'],
        ['Content-Length', String(body.length)],
      ],
      body,
    });
    const reader = new ResponseReader(await openSocket(port));
    const write = (bytes: Buffer) =>
      new Promise<Error | null>((resolve) => reader.socket.write(bytes, (error) => resolve(error ?? null)));
    const half = request.length - limit();
    expect(await write(request.subarray(0, half))).toBeNull();
    // A pause shorter than the server's patience with a stalled body (DISCARD_IDLE_MS).
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await write(request.subarray(half))).toBeNull();
    const response = await reader.next({ timeoutMs: 5_000 });
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(await reader.closesWithin(2_000)).toBe(true);
    expect(reader.error).toBeNull();
    reader.socket.destroy();
  });

  it('a chunked body is cut off at the limit, without waiting for its end', async () => {
    const reader = new ResponseReader(await openSocket(port));
    reader.socket.write(
      requestBytes({
        method: 'POST',
        target: '/api/auth/login',
        headers: [
          ['Origin', TEST_ORIGIN],
          ['Content-Type', 'application/json'],
          ['Transfer-Encoding', 'chunked'],
        ],
        body: chunkedBody([Buffer.alloc(limit() + 1, 'a')], { last: false }),
      }),
    );
    const response = await reader.next({ timeoutMs: 5_000 });
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(await reader.closesWithin(2_000)).toBe(true);
    reader.socket.destroy();
  });
});

describe('a client that goes away in the middle of its body', () => {
  it('is logged as a client abort with a 4xx, not as an unhandled error with a 500', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const ctx = await createTestContext({}, { logger });
    const own = createApiServer(ctx.app.fetch, logger);
    const ownPort = (await listen(own, 0, '127.0.0.1')).port;
    try {
      const arrived = new Promise<void>((resolve) => own.once('request', () => resolve()));
      const socket = await openSocket(ownPort);
      socket.write(
        requestBytes({
          method: 'POST',
          target: '/api/auth/login',
          headers: [
            ['Origin', TEST_ORIGIN],
            ['Content-Type', 'application/json'],
            ['Transfer-Encoding', 'chunked'],
          ],
          body: chunkedBody(['{"email":'], { last: false }),
        }),
      );
      await arrived;
      socket.destroy();
      const logged = await waitFor(() =>
        lines.find((line) => line.msg === 'request' && line.path === '/api/auth/login'),
      );
      expect(logged.status).toBe(400);
      expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
      expect(lines.some((line) => line.msg === 'request body aborted by the client')).toBe(true);
    } finally {
      own.closeAllConnections();
      await new Promise<void>((resolve) => own.close(() => resolve()));
      await ctx.destroy();
    }
  });
});

/** Polls `probe` until it returns something (5 s at most). */
async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
