// What other workspaces may import from the API. Types: its routes (the contract's route map is
// checked against them); every wire type lives in @blog/contract. Run time: the start-up a
// process entry needs (packages/one-process), nothing else.
export type { AppType } from './app.js';
export { type Config, ConfigError, fromRepoRoot, loadConfig, loadDotEnv, REPO_ROOT } from './config.js';
export type { PublishDelivery } from './features/publishing/delivery.js';
export { runsBuilderInProcess } from './jobs/index.js';
export { createLogger, type Logger } from './lib/logger.js';
export { type ApiExtension, type App, failedToStart, type RunningApi, startApi, stopOnSignals } from './start.js';
