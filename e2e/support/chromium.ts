import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`), driven by playwright-core; never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless, and quiet: without the background-networking flags it keeps calling home on a closed network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Whether a browser test file should skip: no Chromium here, and not in CI (where a missing browser fails). */
export function skipWithoutChromium(file: string): boolean {
  const skip = !existsSync(CHROMIUM) && !process.env.CI;
  if (skip) console.warn(`${file}: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  return skip;
}

/** The one way every browser test starts Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Pages that record Chromium's console errors and uncaught exceptions (a CSP violation among
 * them), so a test can fail on anything the page complained about.
 */
export function pageWatcher(browser: () => Browser, timeoutMs = 20_000) {
  const problems = new Map<Page, string[]>();
  return {
    async newPage(context?: BrowserContext): Promise<Page> {
      const page = await (context ?? (await browser().newContext())).newPage();
      page.setDefaultTimeout(timeoutMs);
      const list: string[] = [];
      problems.set(page, list);
      page.on('pageerror', (error) => list.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') list.push(`console: ${message.text()}`);
      });
      return page;
    },
    /** Everything the page complained about. */
    problems: (page: Page) => problems.get(page) ?? [],
    /** The page's problems but the 4xx answers a test provoked on purpose (Chromium logs those as errors). */
    unexpected: (page: Page) =>
      (problems.get(page) ?? []).filter((problem) => !/the server responded with a status of 4\d\d/.test(problem)),
  };
}
