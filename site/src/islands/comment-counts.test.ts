import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '../../../api/src/db/models/index.js';
import { createTestContext, type TestContext } from '../../../api/test/app.js';
import { type RunningApi, serveApi } from '../../test/api-server';
import { CountBatcher, countsFromApi, type FetchCounts, parseCounts } from './comment-counts';

// The batcher against the real API over HTTP, counting the requests it makes.

let t: TestContext;
let api: RunningApi;
let posts: Post[];
const requests: string[] = [];

/** The island's own request to the real API, recorded. */
const fromApi: FetchCounts = async (ids) => {
  requests.push(`/api/comments/counts?posts=${ids.join(',')}`);
  return countsFromApi(api.apiUrl)(ids);
};

beforeAll(async () => {
  t = await createTestContext();
  api = await serveApi(t);
  const author = await t.factories.user({ role: 'author' });
  const reader = await t.factories.user();
  posts = [];
  for (let i = 0; i < 12; i++) {
    const post = await t.factories.post(author);
    for (let c = 0; c < i % 4; c++) await t.factories.comment(post, reader);
    posts.push(post);
  }
});
afterAll(async () => {
  await api.close();
  await t.destroy();
});

describe('CountBatcher', () => {
  it('sends one request for every count asked for in the same task, duplicates included', async () => {
    requests.length = 0;
    const batcher = new CountBatcher(fromApi);
    const asked = [...posts, ...posts.slice(0, 3)].map((post) => batcher.count(post.id));
    const counts = await Promise.all(asked);
    expect(requests).toHaveLength(1);
    expect(counts.slice(0, 12)).toEqual(posts.map((_, i) => i % 4));
    expect(counts.slice(12)).toEqual([0, 1, 2]);

    // Asked again later: answered from the first request.
    expect(await batcher.count(posts[5]?.id ?? 0)).toBe(1);
    expect(requests).toHaveLength(1);
  });

  it('leaves unknown and unpublished posts undefined', async () => {
    const author = await t.factories.user({ role: 'author' });
    const draft = await t.factories.post(author, { status: 'draft' });
    const batcher = new CountBatcher(fromApi);
    const [draftCount, missing, known] = await Promise.all([
      batcher.count(draft.id),
      batcher.count(2_000_000_000),
      batcher.count(posts[3]?.id ?? 0),
    ]);
    expect([draftCount, missing, known]).toEqual([undefined, undefined, 3]);
  });

  it('splits more than 100 ids into requests of at most 100', async () => {
    requests.length = 0;
    const batcher = new CountBatcher(fromApi);
    const ids = Array.from({ length: 150 }, (_, i) => 1_000_000 + i);
    ids[0] = posts[2]?.id ?? 0;
    const counts = await Promise.all(ids.map((id) => batcher.count(id)));
    expect(requests).toHaveLength(2);
    expect(requests.map((path) => path.split('=')[1]?.split(',').length)).toEqual([100, 50]);
    expect(counts[0]).toBe(2);
    expect(counts.slice(1).every((count) => count === undefined)).toBe(true);
  });

  it('resolves every count as undefined when the API cannot be reached, so the build-time text stays', async () => {
    // A real request to a port nothing listens on.
    const batcher = new CountBatcher(countsFromApi('http://127.0.0.1:9/api'));
    expect(await Promise.all([batcher.count(1), batcher.count(2)])).toEqual([undefined, undefined]);
  });
});

describe('parseCounts', () => {
  it('keeps only non-negative integer counts', () => {
    expect(parseCounts({ counts: { '1': 3, '2': -1, '3': 1.5, '4': '7', '5': 0 } })).toEqual(
      new Map([
        [1, 3],
        [5, 0],
      ]),
    );
    for (const body of [null, 'x', 42, {}, { counts: null }, { counts: 'x' }]) expect(parseCounts(body).size).toBe(0);
  });
});
