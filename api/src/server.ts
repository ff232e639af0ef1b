import { loadConfig, loadDotEnv } from './config.js';
import { runsBuilderInProcess } from './jobs/index.js';
import { createLogger } from './lib/logger.js';
import { failedToStart, startApi, stopOnSignals } from './start.js';

// The API alone, as production runs it behind nginx (BUILDER_URL and/or GitHub dispatch set).
// One-process mode (the API, the site, the admin app and the builder on one port) is
// `npm start`: packages/one-process, the only entry that imports both the API and the builder.
async function main() {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel, process.stdout.isTTY === true);
  if (runsBuilderInProcess(config)) {
    throw new Error(
      'Neither BUILDER_URL nor GITHUB_DISPATCH_REPO is set, so nothing would build the site. Set BUILDER_URL (the builder service), or run one-process mode with `npm start`.',
    );
  }
  const api = await startApi(config, logger);
  if (config.builderUrl) process.stdout.write(`Publish webhooks go to ${config.builderUrl}/hooks/publish\n`);
  if (config.githubDispatch) {
    process.stdout.write(`Publish events go to GitHub: repository_dispatch on ${config.githubDispatch.repo}\n`);
  }
  stopOnSignals(api, logger);
}

main().catch(failedToStart);
