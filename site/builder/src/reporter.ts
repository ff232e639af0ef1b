import { signedHeaders } from '@blog/contract/signature';

export type BuildStatus = 'queued' | 'running' | 'done' | 'failed';

export interface BuildRecordPatch {
  reason?: string;
  status?: BuildStatus;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  pages?: number | null;
  error?: string | null;
}

/** Where the builder records its builds (the API's BuildEvent table, for the admin app). */
export interface BuildReporter {
  /** A new record; null when it could not be written (the build goes on regardless). */
  create(input: {
    reason: string;
    postId?: number | null;
    status: BuildStatus;
    startedAt?: string;
  }): Promise<number | null>;
  update(id: number | null, patch: BuildRecordPatch): Promise<void>;
}

export interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Records builds through POST/PATCH {apiUrl}/builds, signed like the webhook (DESIGN §3). */
export function httpReporter(options: {
  apiUrl: string;
  secret: string;
  logger: Logger;
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}): BuildReporter {
  const send = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  async function call(method: string, path: string, payload: object): Promise<unknown> {
    const body = JSON.stringify(payload);
    const url = `${options.apiUrl}${path}`;
    // The method and path are signed too: a captured record cannot be replayed at another build.
    const res = await send(url, {
      method,
      headers: signedHeaders(options.secret, body, new Date(), `${method} ${new URL(url).pathname}`),
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  }
  return {
    async create(input) {
      try {
        const build = await call('POST', '/builds', input);
        return typeof build === 'object' && build !== null && 'id' in build && typeof build.id === 'number'
          ? build.id
          : null;
      } catch (error) {
        options.logger.warn({ err: String(error) }, 'could not record the build');
        return null;
      }
    },
    async update(id, patch) {
      if (id === null) return;
      // The API stores durations of at least 1 ms and page counts above 0 (null otherwise).
      const body = {
        ...patch,
        ...(patch.durationMs !== undefined ? { durationMs: Math.max(1, Math.round(patch.durationMs)) } : {}),
        ...(patch.pages !== undefined ? { pages: patch.pages ? patch.pages : null } : {}),
        ...(patch.error ? { error: patch.error.slice(0, 10_000) } : {}),
        ...(patch.reason ? { reason: patch.reason.slice(0, 200) } : {}),
      };
      try {
        await call('PATCH', `/builds/${id}`, body);
      } catch (error) {
        options.logger.warn({ err: String(error), buildId: id }, 'could not update the build record');
      }
    },
  };
}

/** JSON lines on stdout/stderr, pino-compatible call shape. */
export const consoleLogger: Logger = {
  info: (fields, message) => process.stdout.write(`${JSON.stringify({ level: 'info', msg: message, ...fields })}\n`),
  warn: (fields, message) => process.stderr.write(`${JSON.stringify({ level: 'warn', msg: message, ...fields })}\n`),
  error: (fields, message) => process.stderr.write(`${JSON.stringify({ level: 'error', msg: message, ...fields })}\n`),
};
