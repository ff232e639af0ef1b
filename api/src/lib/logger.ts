import pino, { type Logger } from 'pino';

export type { Logger };

/** A pino logger; pretty-printed when attached to a terminal in development. */
export function createLogger(level: string, pretty = false): Logger {
  if (pretty) {
    return pino({ level, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino({ level });
}
