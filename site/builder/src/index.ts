export { COMMENT_PAGE_CACHE_CONTROL, COMMENT_PAGE_PATTERN } from '../../src/lib/comments.js';
export { type Builder, type BuilderConfig, type BuildOutcome, createBuilder } from './builder.js';
export { type BuildReporter, consoleLogger, httpReporter, type Logger } from './reporter.js';
