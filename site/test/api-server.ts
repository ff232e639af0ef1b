import { serve } from '@hono/node-server';
import type { TestContext } from '../../api/test/app.js';

export interface RunningApi {
  /** The API root, e.g. http://127.0.0.1:41234/api */
  apiUrl: string;
  close(): Promise<void>;
}

/** Serves a test context's app over real HTTP on 127.0.0.1 and a free port. */
export async function serveApi(t: Pick<TestContext, 'app'>): Promise<RunningApi> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(started));
    started.once('error', reject);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The API server has no TCP address');
  return {
    apiUrl: `http://127.0.0.1:${address.port}/api`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
