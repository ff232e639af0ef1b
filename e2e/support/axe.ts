import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = () => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** axe-core as the page holds it once evaluated there (typed here without the DOM's types). */
interface PageGlobals {
  axe?: { run(context: unknown): Promise<{ violations: AxeViolation[] }> };
  document: unknown;
}

/**
 * axe-core's violations on the page as it is now (open shadow roots included), one line each;
 * `impacts` keeps only those (every impact by default).
 */
export async function axeProblems(page: Page, impacts?: readonly string[]): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern; once per document.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE());
  const violations = await page.evaluate(async () => {
    const inPage = globalThis as unknown as PageGlobals;
    if (!inPage.axe) throw new Error('axe-core did not load');
    const { violations } = await inPage.axe.run(inPage.document);
    return violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations
    .filter((v) => !impacts || impacts.includes(v.impact))
    .map((v) => `${page.url()} ${v.impact} ${v.id}: ${v.help} at ${v.targets.slice(0, 3).join(' ')}`);
}
