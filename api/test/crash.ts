import { findCountDrift } from '../src/db/recount.js';
import { type ApiProcess, productionProcessEnv, startApiProcess } from './api-process.js';
import { createFactories, unique } from './app.js';
import { createTestDatabase } from './db.js';
import { startReceiver } from './http-receiver.js';
import { startSmtpServer } from './smtp.js';

export interface CrashReport {
  kills: number;
  acknowledgedSignups: number;
  acknowledgedComments: number;
  /** Acknowledged writes not in the database afterwards (must be 0). */
  lostSignups: string[];
  lostComments: number[];
  /** Acknowledged sign-ups whose verification mail never arrived (must be 0). */
  undeliveredMails: string[];
  /** Sign-ups that got their mail more than once (at-least-once delivery across a kill). */
  duplicateMails: number;
  /** Jobs the killed process held (claimed, `running`) at each kill. */
  killedHolding: number[];
  /** Jobs not `done` at the end. */
  unfinishedJobs: number;
  countDrift: number;
  requestsSent: number;
  /** Requests that failed without an answer (the process was being killed) or with a 5xx. */
  unanswered: number;
  serverErrors: string[];
}

/**
 * DESIGN §6: SIGKILL under write load, then restart on the same database. `kills` times, the API
 * process (the real server.ts, production profile, real SMTP, a stand-in builder) is killed
 * while sign-ups and comments are in flight and started again; afterwards every acknowledged
 * write must be in the database, every acknowledged sign-up's mail must arrive (the dead
 * process's claimed jobs are reclaimed when their lease ends) and the counts must be exact.
 */
export async function runCrashScenario(options: { kills: number; loadMsBetweenKills: number; clients?: number }) {
  const database = await createTestDatabase();
  const smtp = await startSmtpServer();
  // A slowish relay: some mails are always claimed and in flight when the process is killed.
  smtp.delayMs = 200;
  const builder = await startReceiver({ respond: () => 204 });
  const clock = () => new Date();
  const make = createFactories(database.db, clock);
  const author = await make.user({ role: 'author' });
  const post = await make.post(author);
  const readers = await Promise.all(Array.from({ length: 24 }, () => make.user()));
  const cookies = await Promise.all(readers.map((reader) => make.sessionCookie(reader)));
  const env = {
    ...productionProcessEnv({ database: database.databaseConfig, smtpUrl: smtp.url, builderUrl: builder.url }),
    JOB_LEASE_SECONDS: '2',
  };

  const acknowledgedSignups: string[] = [];
  const acknowledgedComments: number[] = [];
  const serverErrors: string[] = [];
  let sent = 0;
  let unanswered = 0;
  let api: ApiProcess = await startApiProcess(env);
  let stopped = false;
  const killedHolding: number[] = [];
  let ip = 0;

  async function client(index: number) {
    let turn = 0;
    while (!stopped) {
      const base = api.url;
      turn++;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-real-ip': `10.77.${(++ip >> 8) & 255}.${ip & 255}`,
      };
      const signup = turn % 2 === 0;
      const email = `${unique('crash')}@example.com`;
      sent++;
      try {
        const res = signup
          ? await fetch(`${base}/api/auth/signup`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ email, name: `Crash ${index}-${turn}`, password: 'crash test password' }),
            })
          : await fetch(`${base}/api/posts/${post.id}/comments`, {
              method: 'POST',
              headers: { ...headers, cookie: cookies[(index + turn) % cookies.length] ?? '' },
              body: JSON.stringify({ body: `Comment ${index}-${turn}` }),
            });
        const text = await res.text();
        if (res.status >= 500) serverErrors.push(`${res.status} ${text.slice(0, 200)}`);
        if (res.status === 201 && signup) acknowledgedSignups.push(email);
        if (res.status === 201 && !signup) acknowledgedComments.push((JSON.parse(text) as { id: number }).id);
      } catch {
        unanswered++; // the process was killed under this request, or is starting again: not acknowledged
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  const clients = Array.from({ length: options.clients ?? 8 }, (_, index) => client(index));
  for (let kill = 0; kill < options.kills; kill++) {
    await new Promise((resolve) => setTimeout(resolve, options.loadMsBetweenKills));
    const claimed = await database.db.models.Job.count({ where: { status: 'running' } });
    await api.kill('SIGKILL');
    killedHolding.push(claimed);
    api = await startApiProcess(env);
  }
  await new Promise((resolve) => setTimeout(resolve, options.loadMsBetweenKills));
  stopped = true;
  await Promise.all(clients);

  // Every acknowledged sign-up's code arrives: the killed process's leases expire and the
  // restarted one sends what they held. The worker sends one mail at a time (pooled sending is
  // issue 16), so the wait grows with the backlog the load left: a faster machine acknowledges
  // more sign-ups in the same seconds, and a fixed 60 s failed there with mail still flowing.
  const { Job } = database.db.models;
  const unfinished = () => Job.count({ where: { status: ['pending', 'running'] } });
  const backlog = await unfinished();
  const deadline = Date.now() + 60_000 + backlog * smtp.delayMs * 2;
  const mailed = () => new Set(smtp.mails.flatMap((mail) => mail.to));
  while (acknowledgedSignups.some((email) => !mailed().has(email)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  while ((await unfinished()) > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await api.kill('SIGTERM');

  const { User, Comment } = database.db.models;
  const users = new Set((await User.findAll({ attributes: ['email'] })).map((user) => user.email));
  const comments = new Set((await Comment.findAll({ attributes: ['id'] })).map((comment) => comment.id));
  const perAddress = new Map<string, number>();
  for (const mail of smtp.mails) for (const to of mail.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
  const report: CrashReport = {
    kills: options.kills,
    killedHolding,
    acknowledgedSignups: acknowledgedSignups.length,
    acknowledgedComments: acknowledgedComments.length,
    lostSignups: acknowledgedSignups.filter((email) => !users.has(email)),
    lostComments: acknowledgedComments.filter((id) => !comments.has(id)),
    undeliveredMails: acknowledgedSignups.filter((email) => !perAddress.has(email)),
    duplicateMails: [...perAddress.values()].filter((count) => count > 1).length,
    unfinishedJobs: await unfinished(),
    countDrift: (await findCountDrift(database.db)).length,
    requestsSent: sent,
    unanswered,
    serverErrors,
  };
  await builder.close();
  await smtp.close();
  await database.destroy();
  return report;
}
