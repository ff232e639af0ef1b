export { type Builder, type BuilderConfig, type BuildOutcome, createBuilder } from './builder.js';
export { type BuildReporter, consoleLogger, httpReporter, type Logger } from './reporter.js';
