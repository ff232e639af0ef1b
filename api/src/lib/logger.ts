import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

export type { Logger };

/** Whether pino-pretty is installed (a development dependency: images leave it out). */
function prettyAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * A pino logger: JSON lines (what production and log collectors read), or pretty, colourised
 * lines when `pretty` is asked for (a process entry passes "stdout is a terminal") and
 * pino-pretty is installed.
 */
export function createLogger(level: string, pretty = false): Logger {
  if (pretty && prettyAvailable()) {
    return pino({
      level,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' },
      },
    });
  }
  return pino({ level });
}
