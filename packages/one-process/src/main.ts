// `npm start`: one-process mode (DESIGN §1). One Node process serves the API, the static site,
// the admin app and runs the builder, on one port. The only entry that imports both the API and
// the builder; production splits them behind nginx (api/src/server.ts, site/builder/src/server.ts).
import {
  createLogger,
  failedToStart,
  loadConfig,
  loadDotEnv,
  runsBuilderInProcess,
  startApi,
  stopOnSignals,
} from '@blog/api';
import { createOneProcess } from './one-process.js';
import { REPO_ROOT } from './paths.js';

async function main() {
  process.chdir(REPO_ROOT);
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel, process.stdout.isTTY === true);
  // With BUILDER_URL or GitHub dispatch set, the site is built elsewhere: the API alone.
  const api = await startApi(config, logger, runsBuilderInProcess(config) ? createOneProcess(config, logger) : {});
  stopOnSignals(api, logger);
}

main().catch(failedToStart);
