import { connect, type Socket } from 'node:net';

/**
 * HTTP/1.1 over a bare TCP socket, for requests fetch cannot express (lowercase or odd methods,
 * raw bytes in the target, bodies that lie about their length) and for watching what the server
 * does with the connection itself (keep-alive, Connection: close, resets).
 */

export interface RawResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawRequestInit {
  method: string;
  /** The request target, sent as given (no encoding). */
  target: string;
  /** Sent in order, as given; Host is added first unless present. */
  headers?: Array<[string, string]>;
  /** Sent after the head as given (the caller sets Content-Length or Transfer-Encoding). */
  body?: Buffer | string;
}

/** The bytes of one request: request line, Host, the given headers, the body. */
export function requestBytes(init: RawRequestInit): Buffer {
  const headers = init.headers ?? [];
  const lines = [`${init.method} ${init.target} HTTP/1.1`];
  if (!headers.some(([name]) => name.toLowerCase() === 'host')) lines.push('Host: 127.0.0.1');
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (init.body === undefined) return head;
  return Buffer.concat([head, typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : init.body]);
}

/** A chunked body: each part as one chunk, then the last chunk. */
export function chunkedBody(parts: Array<Buffer | string>, options: { last?: boolean } = {}): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    if (bytes.length === 0) continue;
    pieces.push(Buffer.from(`${bytes.length.toString(16)}\r\n`, 'latin1'), bytes, Buffer.from('\r\n', 'latin1'));
  }
  if (options.last !== false) pieces.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(pieces);
}

export class RawHttpError extends Error {
  constructor(
    message: string,
    /** Bytes of the answer received before the failure. */
    readonly received: number,
  ) {
    super(message);
    this.name = 'RawHttpError';
  }
}

export function openSocket(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

type Parsed = { response: RawResponse; rest: Buffer } | null;

/** One response from the front of `buffer`, or null while incomplete; `ended`: the server closed. */
function parseResponse(buffer: Buffer, head: boolean, ended: boolean): Parsed {
  let offset = 0;
  for (;;) {
    const headEnd = buffer.indexOf('\r\n\r\n', offset, 'latin1');
    if (headEnd < 0) return null;
    const lines = buffer.toString('latin1', offset, headEnd).split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
    if (!match?.[1]) throw new RawHttpError(`not an HTTP response: ${JSON.stringify(lines[0])}`, buffer.length);
    const status = Number(match[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const bodyStart = headEnd + 4;
    // Interim responses (100 Continue) come before the real one.
    if (status >= 100 && status < 200) {
      offset = bodyStart;
      continue;
    }
    if (head || status === 204 || status === 304) {
      return { response: { status, headers, body: Buffer.alloc(0) }, rest: buffer.subarray(bodyStart) };
    }
    if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      const parts: Buffer[] = [];
      let at = bodyStart;
      for (;;) {
        const lineEnd = buffer.indexOf('\r\n', at, 'latin1');
        if (lineEnd < 0) return null;
        const size = Number.parseInt(buffer.toString('latin1', at, lineEnd), 16);
        if (Number.isNaN(size)) throw new RawHttpError('malformed chunked answer', buffer.length);
        if (size === 0) {
          const trailerEnd = buffer.indexOf('\r\n\r\n', lineEnd, 'latin1');
          if (trailerEnd < 0) return null;
          return {
            response: { status, headers, body: Buffer.concat(parts) },
            rest: buffer.subarray(trailerEnd + 4),
          };
        }
        if (buffer.length < lineEnd + 2 + size + 2) return null;
        parts.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
    }
    const length = headers['content-length'];
    if (length !== undefined) {
      const end = bodyStart + Number(length);
      if (buffer.length < end) return null;
      return { response: { status, headers, body: buffer.subarray(bodyStart, end) }, rest: buffer.subarray(end) };
    }
    // Neither length nor chunked: the body runs to the close.
    if (!ended) return null;
    return { response: { status, headers, body: buffer.subarray(bodyStart) }, rest: Buffer.alloc(0) };
  }
}

/**
 * Reads the answers off one socket in order. `closed` is set once the server has ended or
 * reset its side; `error` is the socket error seen, if any.
 */
export class ResponseReader {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  closed = false;
  error: Error | null = null;
  /** Resolves when the server ended or reset the connection. */
  readonly closedBy: Promise<void>;

  constructor(readonly socket: Socket) {
    let markClosed: () => void = () => {};
    this.closedBy = new Promise((resolve) => {
      markClosed = resolve;
    });
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiter?.();
    });
    const close = () => {
      this.closed = true;
      markClosed();
      this.waiter?.();
    };
    socket.on('end', close);
    socket.on('close', close);
    socket.on('error', (error) => {
      this.error ??= error;
    });
  }

  /** Bytes received and not yet taken as a response. */
  get pending(): number {
    return this.buffer.length;
  }

  /** The next complete response; rejects when the connection closes first or after `timeoutMs`. */
  async next(options: { head?: boolean; timeoutMs?: number } = {}): Promise<RawResponse> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const parsed = parseResponse(this.buffer, options.head ?? false, this.closed);
      if (parsed) {
        this.buffer = Buffer.from(parsed.rest);
        return parsed.response;
      }
      if (this.closed) {
        const how = this.error ? `reset (${this.error.message})` : 'closed';
        throw new RawHttpError(`connection ${how} after ${this.buffer.length} bytes of answer`, this.buffer.length);
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new RawHttpError(`no complete answer within ${options.timeoutMs ?? 10_000} ms`, this.buffer.length);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  /** True when the server closes the connection within `timeoutMs`. */
  async closesWithin(timeoutMs: number): Promise<boolean> {
    if (this.closed) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const closed = await Promise.race([this.closedBy.then(() => true as const), timeout]);
    clearTimeout(timer);
    return closed;
  }
}

/** How a request went: an answer, or why there was none. */
export type RawOutcome =
  | { ok: true; response: RawResponse; reused: boolean; serverClosed: boolean }
  | { ok: false; reason: string; reused: boolean };

/**
 * A client that keeps one connection alive across requests, as browsers and proxies do, and opens
 * a new one only when the server said `Connection: close`, closed it, or the last request left the
 * connection in an unknown state. A keep-alive connection the server drops without an answer is a
 * failure, not a retry.
 */
export class RawClient {
  private current: ResponseReader | null = null;
  private lastServerClose = false;

  constructor(
    readonly port: number,
    readonly host = '127.0.0.1',
  ) {}

  /**
   * Sends `bytes` (in pieces, to make the server read across packets) and reads one answer.
   * `oneShot`: the connection is not reused afterwards (framing the server may not agree with).
   */
  async send(
    bytes: Buffer | Buffer[],
    options: { head?: boolean; oneShot?: boolean; timeoutMs?: number } = {},
  ): Promise<RawOutcome> {
    let reused = false;
    let reader = this.current;
    if (reader && !reader.closed && !reader.socket.destroyed) {
      reused = true;
    } else {
      reader = new ResponseReader(await openSocket(this.port, this.host));
      this.current = reader;
    }
    const pieces = Array.isArray(bytes) ? bytes : [bytes];
    for (const piece of pieces) {
      if (reader.socket.destroyed || reader.socket.writableEnded) break;
      reader.socket.write(piece);
    }
    try {
      const response = await reader.next({ head: options.head, timeoutMs: options.timeoutMs });
      const wantsClose = /\bclose\b/i.test(response.headers.connection ?? '');
      // After "Connection: close" the server must end the connection, not leave it half-read.
      const serverClosed = wantsClose ? await reader.closesWithin(2_000) : reader.closed;
      this.lastServerClose = serverClosed;
      if (wantsClose || options.oneShot || reader.closed || reader.pending > 0) this.drop();
      return { ok: true, response, reused, serverClosed };
    } catch (error) {
      this.drop();
      const reason = error instanceof Error ? error.message : String(error);
      return { ok: false, reason: reused ? `${reason} (on a kept-alive connection)` : reason, reused };
    }
  }

  /** Whether the server closed the connection after the last answer. */
  get serverClosedLast(): boolean {
    return this.lastServerClose;
  }

  private drop() {
    this.current?.socket.destroy();
    this.current = null;
  }

  close() {
    this.drop();
  }
}
