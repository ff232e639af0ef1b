import { describe, expect, it } from 'vitest';
import { runCrashScenario } from '../../test/crash.js';

describe('SIGKILL three times under write load', () => {
  it('loses nothing acknowledged, delivers every mail, keeps counts exact', async () => {
    const report = await runCrashScenario({ kills: 3, loadMsBetweenKills: 3000, clients: 12 });
    console.log(`crash ×3: ${JSON.stringify({ ...report, serverErrors: report.serverErrors.length })}`);
    expect(report.acknowledgedSignups).toBeGreaterThan(0);
    expect(report).toMatchObject({
      lostSignups: [],
      lostComments: [],
      undeliveredMails: [],
      unfinishedJobs: 0,
      countDrift: 0,
      serverErrors: [],
    });
  }, 300_000);
});
