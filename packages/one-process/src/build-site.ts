// `npm run build:site`: the site's pages need the API. When one answers at BLOG_API_URL the build
// reads it; otherwise this starts the API in this process over the database `npm start` uses
// (migrated, demo-seeded in development; no outbox worker: a build only reads), builds against
// it, and stops it.
import { createLogger, loadConfig, loadDotEnv, startApi } from '@blog/api';
import { runAstroBuild, SITE_ROOT } from '@blog/site/build';
import { readSiteEnv } from '@blog/site/env';
import { REPO_ROOT } from './paths.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Does an API answer at `apiUrl`? */
async function answers(apiUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

const env = readSiteEnv();
let stop: (() => Promise<void>) | null = null;
let apiUrl = env.apiUrl;
if (await answers(apiUrl)) {
  say(`Building against the API at ${apiUrl}`);
} else {
  // Same working folder as `npm start`, so the same .env and ./data/blog.db.
  process.chdir(REPO_ROOT);
  loadDotEnv();
  const config = { ...loadConfig(), host: '127.0.0.1', port: 0 };
  const api = await startApi(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), {
    jobs: false,
  });
  stop = api.stop;
  apiUrl = `http://127.0.0.1:${api.port}/api`;
  say(`No API at ${env.apiUrl}; started one for the build at ${apiUrl}`);
}
try {
  const result = await runAstroBuild({ apiUrl, publicUrl: env.publicUrl });
  process.stdout.write(result.output);
  say(`Site built into ${SITE_ROOT}/dist in ${(result.durationMs / 1000).toFixed(1)} s`);
} finally {
  await stop?.();
}
