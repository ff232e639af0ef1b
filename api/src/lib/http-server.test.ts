import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext } from '../test/app.js';
import { openSocket, RawClient, type RawResponse, ResponseReader, requestBytes } from '../test/raw-http.js';
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
