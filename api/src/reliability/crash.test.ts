import { describe, expect, it } from 'vitest';
import { runCrashScenario } from '../../test/crash.js';

// The short run; `npm run test:stress` kills the API three times under heavier load.
describe('SIGKILL under write load, then restart', () => {
  it('loses nothing acknowledged, delivers every mail, keeps counts exact', async () => {
    const report = await runCrashScenario({ kills: 1, loadMsBetweenKills: 1500 });
    console.log(`crash: ${JSON.stringify({ ...report, serverErrors: report.serverErrors.length })}`);
    expect(report.acknowledgedSignups).toBeGreaterThan(0);
    expect(report.acknowledgedComments).toBeGreaterThan(0);
    expect(report).toMatchObject({
      lostSignups: [],
      lostComments: [],
      undeliveredMails: [],
      unfinishedJobs: 0,
      countDrift: 0,
      serverErrors: [],
    });
  }, 120_000);
});
