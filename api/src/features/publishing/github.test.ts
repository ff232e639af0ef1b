import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext } from '../../../test/app.js';
import {
  eventually,
  freePort,
  type ReceivedRequest,
  type Receiver,
  type ReceiverAnswer,
  startReceiver,
} from '../../../test/http-receiver.js';
import { ConfigError, loadConfig } from '../../config.js';
import type { Job } from '../../db/models/index.js';
import { publishJobKinds, runsBuilderInProcess } from '../../jobs/index.js';
import { GITHUB_DISPATCH_JOB, GITHUB_REFUSED_ATTEMPTS } from './github.js';
import { WEBHOOK_JOB } from './service.js';

// GitHub's repository_dispatch as a publish target, against a real local HTTP server standing in
// for https://api.github.com (GITHUB_API_URL points the API at it).

const REPO = 'octo-org/blog-site';
const TOKEN = 'github_pat_11TEST0123456789_secret';

/** The body GitHub gets: only these keys, the event as client_payload. */
const DispatchBody = z.strictObject({
  event_type: z.literal('publish'),
  client_payload: z.union([
    z.strictObject({
      event: z.enum(['published', 'updated', 'unpublished', 'deleted']),
      postId: z.number().int().positive(),
      slug: z.string().min(1),
      previousSlug: z.string().min(1).optional(),
      at: z.iso.datetime(),
    }),
    z.strictObject({ event: z.literal('rebuild'), reason: z.string().optional(), at: z.iso.datetime() }),
  ]),
});

const githubEnv = (github: Receiver) => ({
  GITHUB_DISPATCH_REPO: REPO,
  GITHUB_DISPATCH_TOKEN: TOKEN,
  GITHUB_API_URL: `${github.url}/`,
});

const jobsOf = (t: TestContext, kind: string): Promise<Job[]> =>
  t.db.models.Job.findAll({ where: { kind }, order: [['id', 'ASC']] });

/** The only job of `kind` once it reaches `status`. */
const settled = (t: TestContext, kind: string, status: Job['status']) =>
  eventually(async () => {
    const rows = await jobsOf(t, kind);
    return rows.length === 1 && rows[0]?.status === status ? rows[0] : undefined;
  }, 20_000);

/** Publishes a fresh draft through the API. */
async function publishOne(t: TestContext, slug: string) {
  const author = await t.factories.user({ role: 'author' });
  const post = await t.factories.post(author, { status: 'draft', slug });
  const res = await t.request('POST', `/api/posts/${post.id}/publish`, { as: author });
  expect(res.status).toBe(200);
  return { post, author };
}

/** Runs `body` with a stand-in GitHub and an API configured to dispatch to it; cleans both up. */
async function withGithub(
  respond: (request: ReceivedRequest, index: number) => ReceiverAnswer,
  body: (t: TestContext, github: Receiver) => Promise<void>,
  env: Record<string, string> = {},
) {
  const github = await startReceiver({ respond });
  const t = await createTestContext({ ...githubEnv(github), ...env });
  try {
    await t.jobs.start();
    await body(t, github);
  } finally {
    await t.destroy();
    await github.close();
  }
}

const gapsBetween = (requests: ReceivedRequest[], times: number[]) =>
  requests.slice(1).map((_, i) => (times[i + 1] ?? 0) - (times[i] ?? 0));

describe('GitHub repository_dispatch delivery', () => {
  it('POSTs {event_type: "publish", client_payload: <event>} to /repos/{owner}/{repo}/dispatches with the token and GitHub headers', async () => {
    await withGithub(
      () => 204,
      async (t, github) => {
        const { post } = await publishOne(t, 'dispatched-post');
        const request = await github.waitFor(1);
        expect(request.method).toBe('POST');
        expect(request.url).toBe(`/repos/${REPO}/dispatches`);
        expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
        expect(request.headers.accept).toBe('application/vnd.github+json');
        expect(request.headers['x-github-api-version']).toBe('2022-11-28');
        expect(request.headers['user-agent']).toMatch(/\S/);
        expect(request.headers['content-type']).toBe('application/json');
        const body = DispatchBody.parse(JSON.parse(request.body));
        expect(body.client_payload).toMatchObject({ event: 'published', postId: post.id, slug: 'dispatched-post' });
        expect(Object.keys(body.client_payload).sort()).toEqual(['at', 'event', 'postId', 'slug']);

        const job = await settled(t, GITHUB_DISPATCH_JOB, 'done');
        expect(job.attempts).toBe(1);
        expect(job.lastError).toBeNull();
        // GitHub alone (no BUILDER_URL): no builder job at all.
        expect(await jobsOf(t, WEBHOOK_JOB)).toEqual([]);
        expect(github.requests).toHaveLength(1);
      },
    );
  });

  it('sends previousSlug on a rename, and admin rebuilds as event "rebuild" with their reason', async () => {
    await withGithub(
      () => 204,
      async (t, github) => {
        const { post, author } = await publishOne(t, 'old-name');
        await github.waitFor(1);
        const renamed = await t.request('PATCH', `/api/posts/${post.id}`, { as: author, json: { slug: 'new-name' } });
        expect(renamed.status).toBe(200);
        const rename = DispatchBody.parse(JSON.parse((await github.waitFor(2)).body)).client_payload;
        expect(rename).toMatchObject({ event: 'updated', postId: post.id, slug: 'new-name', previousSlug: 'old-name' });

        const admin = await t.factories.user({ role: 'admin' });
        const queued = await t.request('POST', '/api/admin/rebuilds', { as: admin, json: { reason: 'new theme' } });
        expect(queued.status).toBe(202);
        const rebuild = DispatchBody.parse(JSON.parse((await github.waitFor(3)).body)).client_payload;
        expect(rebuild).toEqual({ event: 'rebuild', reason: 'new theme', at: expect.any(String) });
      },
    );
  });

  it('retries after a 500 and delivers the same body on the next attempt', async () => {
    await withGithub(
      (_request, index) => (index === 0 ? 500 : 204),
      async (t, github) => {
        await publishOne(t, 'retried-post');
        const job = await settled(t, GITHUB_DISPATCH_JOB, 'done');
        expect(job.attempts).toBe(2);
        expect(job.lastError).toBeNull();
        expect(github.requests).toHaveLength(2);
        const [first, second] = github.requests;
        expect(second?.body).toBe(first?.body);
        expect(second?.headers.authorization).toBe(`Bearer ${TOKEN}`);
      },
    );
  });

  it('retries while GitHub cannot be reached', async () => {
    const port = await freePort();
    const t = await createTestContext({
      GITHUB_DISPATCH_REPO: REPO,
      GITHUB_DISPATCH_TOKEN: TOKEN,
      GITHUB_API_URL: `http://127.0.0.1:${port}`,
    });
    try {
      await t.jobs.start();
      await publishOne(t, 'unreachable-post');
      const failing = await eventually(async () => {
        const [row] = await jobsOf(t, GITHUB_DISPATCH_JOB);
        return row && row.attempts >= GITHUB_REFUSED_ATTEMPTS + 1 && row.status === 'pending' ? row : undefined;
      }, 20_000);
      expect(failing.lastError).toMatch(/GitHub unreachable/);
      expect(failing.lastError).not.toContain(TOKEN);
    } finally {
      await t.destroy();
    }
  });

  it('gives up on a refusal (401) after a few tries, with GitHub’s message and never the token', async () => {
    await withGithub(
      () => ({
        status: 401,
        body: JSON.stringify({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }),
      }),
      async (t, github) => {
        await publishOne(t, 'refused-post');
        const job = await settled(t, GITHUB_DISPATCH_JOB, 'dead');
        expect(job.attempts).toBe(GITHUB_REFUSED_ATTEMPTS);
        expect(job.lastError).toBe(`GitHub answered 401 to the dispatch for ${REPO}: Bad credentials`);
        // A dead job is never claimed again.
        expect(github.requests).toHaveLength(GITHUB_REFUSED_ATTEMPTS);
      },
    );
  });

  it('waits as long as a 429 or a rate-limited 403 asks, and does not count those as refusals', async () => {
    const seen: number[] = [];
    await withGithub(
      (_request, index): ReceiverAnswer => {
        seen.push(Date.now());
        if (index === 0 || index === 2) {
          return {
            status: 403,
            headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) },
            body: JSON.stringify({ message: 'API rate limit exceeded' }),
          };
        }
        if (index === 1) return { status: 429, headers: { 'retry-after': '1' } };
        return 204;
      },
      async (t, github) => {
        await publishOne(t, 'rate-limited-post');
        const job = await settled(t, GITHUB_DISPATCH_JOB, 'done');
        // More attempts than a refusal gets: these were waits, not refusals.
        expect(job.attempts).toBe(GITHUB_REFUSED_ATTEMPTS + 1);
        expect(github.requests).toHaveLength(GITHUB_REFUSED_ATTEMPTS + 1);
        // The test queue's own backoff is 200–600 ms; GitHub asked for about a second each time.
        for (const gap of gapsBetween(github.requests, seen)) expect(gap).toBeGreaterThanOrEqual(900);
      },
    );
  });

  it('sends nothing to GitHub when it is not configured (GITHUB_API_URL alone is not enough)', async () => {
    const github = await startReceiver({ respond: () => 204 });
    const builder = await startReceiver();
    const t = await createTestContext({ GITHUB_API_URL: github.url, BUILDER_URL: builder.url });
    try {
      expect(t.config.githubDispatch).toBeNull();
      await t.jobs.start();
      await publishOne(t, 'builder-only-post');
      await builder.waitFor(1);
      await settled(t, WEBHOOK_JOB, 'done');
      expect(await jobsOf(t, GITHUB_DISPATCH_JOB)).toEqual([]);
      expect(github.requests).toEqual([]);
    } finally {
      await t.destroy();
      await github.close();
      await builder.close();
    }
  });

  it('with BUILDER_URL as well, delivers to both, each retried on its own', async () => {
    const builder = await startReceiver({ respond: (_request, index) => (index === 0 ? 503 : 202) });
    try {
      await withGithub(
        () => 204,
        async (t, github) => {
          const { post } = await publishOne(t, 'both-targets-post');
          const [webhook, dispatch] = await Promise.all([
            settled(t, WEBHOOK_JOB, 'done'),
            settled(t, GITHUB_DISPATCH_JOB, 'done'),
          ]);
          expect(webhook.attempts).toBe(2);
          expect(dispatch.attempts).toBe(1);
          // The builder's failure did not send the event to GitHub again.
          expect(github.requests).toHaveLength(1);
          expect(builder.requests).toHaveLength(2);
          expect(JSON.parse(builder.requests[1]?.body ?? '')).toEqual(
            DispatchBody.parse(JSON.parse(github.requests[0]?.body ?? '')).client_payload,
          );
          expect(JSON.parse(builder.requests[1]?.body ?? '')).toMatchObject({ postId: post.id });
        },
        { BUILDER_URL: builder.url },
      );
    } finally {
      await builder.close();
    }
  });
});

describe('GitHub dispatch configuration', () => {
  const base = { NODE_ENV: 'test' };

  it('needs the repository and the token together, and an owner/repo name', () => {
    expect(() => loadConfig({ ...base, GITHUB_DISPATCH_REPO: REPO })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, GITHUB_DISPATCH_TOKEN: TOKEN })).toThrow(
      /GITHUB_DISPATCH_REPO and GITHUB_DISPATCH_TOKEN: set both or neither/,
    );
    for (const repo of ['blog-site', 'octo-org/blog/site', 'octo org/blog', '../x']) {
      expect(() => loadConfig({ ...base, GITHUB_DISPATCH_REPO: repo, GITHUB_DISPATCH_TOKEN: TOKEN }), repo).toThrow(
        /must be owner\/repo/,
      );
    }
    expect(() =>
      loadConfig({ ...base, GITHUB_DISPATCH_REPO: REPO, GITHUB_DISPATCH_TOKEN: TOKEN, GITHUB_API_URL: 'nope' }),
    ).toThrow(ConfigError);
  });

  it('defaults to api.github.com and treats empty values as unset', () => {
    expect(loadConfig({ ...base, GITHUB_DISPATCH_REPO: REPO, GITHUB_DISPATCH_TOKEN: TOKEN }).githubDispatch).toEqual({
      apiUrl: 'https://api.github.com',
      repo: REPO,
      token: TOKEN,
    });
    expect(
      loadConfig({
        ...base,
        GITHUB_DISPATCH_REPO: 'my-org-1/my_blog.site',
        GITHUB_DISPATCH_TOKEN: TOKEN,
        GITHUB_API_URL: 'https://github.example.com/api/v3/',
      }).githubDispatch?.apiUrl,
    ).toBe('https://github.example.com/api/v3');
    // A copied .env with the lines left empty.
    expect(
      loadConfig({ ...base, GITHUB_DISPATCH_REPO: '', GITHUB_DISPATCH_TOKEN: '', GITHUB_API_URL: '' }).githubDispatch,
    ).toBeNull();
  });

  it('routes publish events to the builder, GitHub, or both', () => {
    const config = (env: Record<string, string>) => loadConfig({ ...base, ...env });
    const github = { GITHUB_DISPATCH_REPO: REPO, GITHUB_DISPATCH_TOKEN: TOKEN };
    const builder = { BUILDER_URL: 'http://builder:8090' };
    const cases: Array<[string, Record<string, string>, string[], boolean]> = [
      ['one process', {}, [WEBHOOK_JOB], true],
      ['builder', builder, [WEBHOOK_JOB], false],
      ['GitHub only', github, [GITHUB_DISPATCH_JOB], false],
      ['both', { ...builder, ...github }, [WEBHOOK_JOB, GITHUB_DISPATCH_JOB], false],
    ];
    for (const [name, env, kinds, inProcess] of cases) {
      expect(publishJobKinds(config(env)), name).toEqual(kinds);
      expect(runsBuilderInProcess(config(env)), name).toBe(inProcess);
    }
  });
});
