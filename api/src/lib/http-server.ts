import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import type { ErrorCode } from './errors.js';
import type { Logger } from './logger.js';

type Fetch = Parameters<typeof getRequestListener>[0];

const errorJson = (code: ErrorCode, message: string, requestId: string) =>
  JSON.stringify({ error: { code, message, requestId } });

/** A whole error answer for a socket that has no response object; the connection closes after it. */
function rawErrorAnswer(status: number, code: ErrorCode, message: string): string {
  const requestId = randomUUID();
  const body = errorJson(code, message, requestId);
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** What node:http's parser refused, as status, code and message. */
function parseFailure(error: NodeJS.ErrnoException): [number, ErrorCode, string] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'headers_too_large', 'The request headers are too large.'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'request_timeout', 'The request took too long to arrive.'];
    default:
      return [400, 'bad_request', 'The request is not valid HTTP/1.1.'];
  }
}

/**
 * The API's HTTP server: the app behind node:http, as @hono/node-server's `serve` sets it up, plus
 * the answers node:http and the adapter would otherwise give without a body or not at all, in the
 * API's error shape: requests the parser refuses (400, 431; node:http's default has no body),
 * an `Expect` other than 100-continue (417), CONNECT (405; node:http drops the connection
 * unanswered), and requests the adapter cannot turn into a URL (a bad Host, `OPTIONS *`: 400).
 */
export function createApiServer(fetch: Fetch, logger: Logger): Server {
  const listener = getRequestListener(fetch, {
    errorHandler: () =>
      new Response(errorJson('bad_request', 'The request target or Host header is not valid.', randomUUID()), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      }),
  });
  const server = createServer(listener);
  // A parse error in a request whose answer has begun cannot be answered in between (node:http's rule).
  const inFlight = new WeakMap<Duplex, ServerResponse>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    inFlight.set(request.socket, response);
    response.once('close', () => inFlight.delete(request.socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // ECONNRESET, HPE_INVALID_EOF_STATE: the client went away (mid-request); no one to answer.
    const gone = error.code === 'ECONNRESET' || error.code === 'HPE_INVALID_EOF_STATE';
    if (gone || !socket.writable || inFlight.get(socket)?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, code, message] = parseFailure(error);
    logger.info({ status, parseError: error.code }, 'malformed request refused');
    socket.end(rawErrorAnswer(status, code, message));
  });
  server.on('checkExpectation', (request: IncomingMessage, response) => {
    const requestId = randomUUID();
    response.writeHead(417, { 'content-type': 'application/json', 'x-request-id': requestId, connection: 'close' });
    response.end(errorJson('expectation_failed', `Expect: ${request.headers.expect} is not supported.`, requestId));
  });
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    socket.end(rawErrorAnswer(405, 'method_not_allowed', 'CONNECT is not supported.'));
  });
  return server;
}

/** Listens on `port` (0: a free one) and `hostname`; resolves with the address once listening. */
export function listen(server: Server, port: number, hostname: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('the server has no TCP address'));
      else resolve(address);
    });
  });
}
