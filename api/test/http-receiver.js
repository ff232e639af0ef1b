import { createServer } from 'node:http';
/**
 * A real HTTP server on 127.0.0.1 standing in for a remote endpoint (the
 * builder, GitHub): it records every request and answers with `respond`'s status.
 */
export async function startReceiver(options = {}) {
  const requests = [];
  const waiters = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const answer = options.respond ? options.respond(request, requests.length - 1) : 202;
      const { status, headers = {}, body } = typeof answer === 'number' ? { status: answer } : answer;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(
        body ?? JSON.stringify(status < 300 ? { accepted: true } : { error: { code: 'test', message: 'refused' } }),
      );
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} requests, got ${requests.length}`);
        await new Promise((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return requests[count - 1];
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
/** A port that nothing listens on (reserved, then released). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address();
  await new Promise((resolve) => server.close(() => resolve()));
  return port;
}
/** Polls `check` until it returns a value other than undefined/false. */
export async function eventually(check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
//# sourceMappingURL=http-receiver.js.map
