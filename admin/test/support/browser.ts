import { existsSync } from 'node:fs';
import { CHROMIUM, launchChromium } from '../../../e2e/support/chromium.js';

export { CHROMIUM, launchChromium };

export const chromiumAvailable = () => existsSync(CHROMIUM);

/** Polls `check` until it returns a value other than undefined/false; fails loudly after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
