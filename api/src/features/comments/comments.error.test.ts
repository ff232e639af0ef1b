import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, type TestContext } from '../../../test/app.js';
import type { Post, User } from '../../db/models/index.js';
import { findCountDrift } from '../../db/recount.js';
import { CommentCountsSchema, CommentPageSchema, CommentSchema, MAX_COUNT_IDS } from './schema.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string().min(1),
    details: z
      .array(z.looseObject({ path: z.string().optional(), message: z.string(), code: z.string().optional() }))
      .optional(),
    requestId: z.string().min(1),
  }),
});

async function read<T extends z.ZodType>(res: Response, schema: T): Promise<z.infer<T>> {
  const body: unknown = await res.json();
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`Unexpected body ${JSON.stringify(body)}: ${parsed.error.message}`);
  return parsed.data;
}

/** Asserts an error response: its status, its code, and (optionally) a detail on `path`. */
async function expectError(res: Response, status: number, code: string, detailPath?: string) {
  const { error } = await read(res, ErrorBody);
  expect({ status: res.status, code: error.code }).toEqual({ status, code });
  if (detailPath !== undefined) expect(error.details?.map((d) => d.path)).toContain(detailPath);
  return error;
}

/** Everything a failed comment request could have half-written. */
async function snapshot(post: Post, users: User[]) {
  const { Comment, Post: PostModel, User: UserModel } = t.db.models;
  const comments = await Comment.findAll({ where: { postId: post.id }, order: [['id', 'ASC']] });
  const postRow = await PostModel.findByPk(post.id);
  const userRows = await UserModel.findAll({ where: { id: users.map((u) => u.id) }, order: [['id', 'ASC']] });
  return {
    comments: comments.map((c) => ({
      id: c.id,
      parentId: c.parentId,
      status: c.status,
      bodyMarkdown: c.bodyMarkdown,
      bodyHtml: c.bodyHtml,
      editedAt: c.editedAt?.toISOString() ?? null,
    })),
    postCount: postRow?.commentsCount,
    userCounts: userRows.map((u) => [u.id, u.commentsCount]),
  };
}

async function scene() {
  const author = await t.factories.user({ role: 'author' });
  const post = await t.factories.post(author);
  const reader = await t.factories.user();
  const existing = await t.factories.comment(post, reader, { body: 'Existing' });
  return { author, post, reader, existing };
}

describe('404', () => {
  it('answers 404 for an unknown post, by id and by slug', async () => {
    const { post, reader } = await scene();
    const before = await snapshot(post, [reader]);

    for (const idOrSlug of ['2000000000', 'no-such-post']) {
      await expectError(await t.request('GET', `/api/posts/${idOrSlug}/comments`), 404, 'not_found');
      await expectError(
        await t.request('POST', `/api/posts/${idOrSlug}/comments`, { as: reader, json: { body: 'Hello' } }),
        404,
        'not_found',
      );
    }
    expect(await snapshot(post, [reader])).toEqual(before);
  });

  it('hides the comments of a draft post from everyone but those who may edit it', async () => {
    const author = await t.factories.user({ role: 'author' });
    const draft = await t.factories.post(author, { status: 'draft' });
    const otherAuthor = await t.factories.user({ role: 'author' });
    const reader = await t.factories.user();
    await t.factories.comment(draft, author);
    const before = await snapshot(draft, [author, reader, otherAuthor]);

    await expectError(await t.request('GET', `/api/posts/${draft.id}/comments`), 404, 'not_found');
    await expectError(await t.request('GET', `/api/posts/${draft.slug}/comments`, { as: reader }), 404, 'not_found');
    await expectError(await t.request('GET', `/api/posts/${draft.id}/comments`, { as: otherAuthor }), 404, 'not_found');
    await expectError(
      await t.request('POST', `/api/posts/${draft.id}/comments`, { as: reader, json: { body: 'Sneaky' } }),
      404,
      'not_found',
    );
    const counts = await read(await t.request('GET', `/api/comments/counts?posts=${draft.id}`), CommentCountsSchema);
    expect(counts.counts).toEqual({});
    expect(await snapshot(draft, [author, reader, otherAuthor])).toEqual(before);
  });

  it('answers 404 for an unknown comment', async () => {
    const { post, reader } = await scene();
    const before = await snapshot(post, [reader]);

    await expectError(
      await t.request('PATCH', '/api/comments/2000000000', { as: reader, json: { body: 'Edit' } }),
      404,
      'not_found',
    );
    await expectError(await t.request('DELETE', '/api/comments/2000000000', { as: reader }), 404, 'not_found');
    expect(await snapshot(post, [reader])).toEqual(before);
  });

  it('answers 404 for a comment deleted a moment ago', async () => {
    const { existing, reader, post } = await scene();
    expect((await t.request('DELETE', `/api/comments/${existing.id}`, { as: reader })).status).toBe(204);

    await expectError(await t.request('DELETE', `/api/comments/${existing.id}`, { as: reader }), 404, 'not_found');
    await expectError(
      await t.request('PATCH', `/api/comments/${existing.id}`, { as: reader, json: { body: 'Back?' } }),
      404,
      'not_found',
    );
    expect((await snapshot(post, [reader])).comments).toEqual([]);
  });
});

describe('422', () => {
  it('refuses an empty, blank or missing body', async () => {
    const { post, reader, existing } = await scene();
    const before = await snapshot(post, [reader]);

    for (const json of [{ body: '' }, { body: ' \n\t ' }, {}, { body: null }, { body: 42 }, { body: ['x'] }]) {
      await expectError(
        await t.request('POST', `/api/posts/${post.id}/comments`, { as: reader, json }),
        422,
        'validation_failed',
        'body',
      );
      await expectError(
        await t.request('PATCH', `/api/comments/${existing.id}`, { as: reader, json }),
        422,
        'validation_failed',
        'body',
      );
    }
    expect(await snapshot(post, [reader])).toEqual(before);
  });

  it('refuses a body over 10,000 characters and takes one of exactly 10,000', async () => {
    const { post, reader, existing } = await scene();
    const before = await snapshot(post, [reader]);

    const tooLong = 'x'.repeat(10_001);
    await expectError(
      await t.request('POST', `/api/posts/${post.id}/comments`, { as: reader, json: { body: tooLong } }),
      422,
      'validation_failed',
      'body',
    );
    await expectError(
      await t.request('PATCH', `/api/comments/${existing.id}`, { as: reader, json: { body: tooLong } }),
      422,
      'validation_failed',
      'body',
    );
    expect(await snapshot(post, [reader])).toEqual(before);

    const res = await t.request('POST', `/api/posts/${post.id}/comments`, {
      as: reader,
      json: { body: `${'y'.repeat(10_000)}   ` },
    });
    expect(res.status).toBe(201);
    expect((await read(res, CommentSchema)).bodyMarkdown).toHaveLength(10_000);
  });

  it('refuses a NUL character in the body instead of storing something else', async () => {
    const { post, reader, existing } = await scene();
    const before = await snapshot(post, [reader]);

    await expectError(
      await t.request('POST', `/api/posts/${post.id}/comments`, { as: reader, json: { body: 'a\u0000b' } }),
      422,
      'validation_failed',
      'body',
    );
    await expectError(
      await t.request('PATCH', `/api/comments/${existing.id}`, { as: reader, json: { body: '\u0000' } }),
      422,
      'validation_failed',
      'body',
    );
    expect(await snapshot(post, [reader])).toEqual(before);
  });

  it('refuses unknown fields', async () => {
    const { post, reader, existing, author } = await scene();
    const before = await snapshot(post, [reader]);

    for (const json of [
      { body: 'Hi', extra: true },
      { body: 'Hi', authorId: author.id },
      { body: 'Hi', status: 'hidden' },
      { body: 'Hi', postId: post.id },
    ]) {
      const error = await expectError(
        await t.request('POST', `/api/posts/${post.id}/comments`, { as: reader, json }),
        422,
        'validation_failed',
      );
      expect(error.details?.map((d) => d.code)).toContain('unrecognized_keys');
    }
    for (const json of [
      { body: 'Hi', parentId: existing.id },
      { body: 'Hi', editedAt: null },
    ]) {
      const error = await expectError(
        await t.request('PATCH', `/api/comments/${existing.id}`, { as: reader, json }),
        422,
        'validation_failed',
      );
      expect(error.details?.map((d) => d.code)).toContain('unrecognized_keys');
    }
    expect(await snapshot(post, [reader])).toEqual(before);
  });

  it("refuses a parentId of another post's comment, a hidden comment or no comment at all", async () => {
    const { post, reader, author } = await scene();
    const elsewhere = await t.factories.post(author);
    const foreign = await t.factories.comment(elsewhere, reader);
    const hidden = await t.factories.comment(post, author, { status: 'hidden' });
    const hiddenReply = await t.factories.comment(post, author, { parent: hidden, status: 'hidden' });
    const before = await snapshot(post, [reader, author]);
    const beforeElsewhere = await snapshot(elsewhere, [reader]);

    for (const parentId of [foreign.id, hidden.id, hiddenReply.id, 2_147_483_647]) {
      await expectError(
        await t.request('POST', `/api/posts/${post.id}/comments`, { as: reader, json: { body: 'Reply', parentId } }),
        422,
        'invalid_parent',
        'parentId',
      );
    }
    for (const parentId of ['1', 1.5, 0, -1, 2_147_483_648, true, { id: 1 }]) {
      await expectError(
        await t.request('POST', `/api/posts/${post.id}/comments`, { as: reader, json: { body: 'Reply', parentId } }),
        422,
        'validation_failed',
        'parentId',
      );
    }
    expect(await snapshot(post, [reader, author])).toEqual(before);
    expect(await snapshot(elsewhere, [reader])).toEqual(beforeElsewhere);
  });
});

describe('400', () => {
  it('refuses a bad cursor', async () => {
    const { post } = await scene();
    for (const cursor of ['abc', '-1', '1.5', '12345678901', '', '1e3', '%2e%2e%2f', '1,2']) {
      await expectError(
        await t.request('GET', `/api/posts/${post.id}/comments?cursor=${cursor}`),
        400,
        'invalid_request',
        'cursor',
      );
    }
    await expectError(
      await t.request('GET', `/api/posts/${post.id}/comments?cursor=1&cursor=2`),
      400,
      'invalid_request',
      'cursor',
    );
  });

  it('refuses a bad limit', async () => {
    const { post } = await scene();
    for (const limit of ['0', '101', '-5', 'abc', '1.5', '', 'NaN', 'Infinity', '99999999999']) {
      await expectError(
        await t.request('GET', `/api/posts/${post.id}/comments?limit=${limit}`),
        400,
        'invalid_request',
        'limit',
      );
    }
    const page = await read(await t.request('GET', `/api/posts/${post.id}/comments?limit=100`), CommentPageSchema);
    expect(page.items).toHaveLength(1);
  });

  it('refuses a bad counts list', async () => {
    const tooMany = Array.from({ length: MAX_COUNT_IDS + 1 }, (_, i) => i + 1).join(',');
    for (const query of [
      '',
      'posts=',
      'posts=a,b',
      'posts=1,,2',
      'posts=1,',
      'posts=,1',
      'posts=1;2',
      'posts=1%202',
      'posts=-1',
      'posts=1.5',
      'posts=NaN',
      'posts=12345678901',
      `posts=${tooMany}`,
      'posts=1&posts=2',
    ]) {
      await expectError(await t.request('GET', `/api/comments/counts?${query}`), 400, 'invalid_request', 'posts');
    }
    const atMost = Array.from({ length: MAX_COUNT_IDS }, (_, i) => i + 1).join(',');
    expect((await t.request('GET', `/api/comments/counts?posts=${atMost}`)).status).toBe(200);
  });

  it('refuses a comment id that is not a positive integer', async () => {
    const { reader } = await scene();
    for (const id of ['abc', '-1', '0', '1.5', '99999999999', 'NaN']) {
      await expectError(
        await t.request('PATCH', `/api/comments/${id}`, { as: reader, json: { body: 'x' } }),
        400,
        'invalid_request',
        'id',
      );
      await expectError(await t.request('DELETE', `/api/comments/${id}`, { as: reader }), 400, 'invalid_request', 'id');
    }
  });

  it('refuses malformed JSON', async () => {
    const { post, reader } = await scene();
    const before = await snapshot(post, [reader]);
    for (const body of ['{', '{"body": "x",}', "{'body': 'x'}", '', 'undefined']) {
      await expectError(
        await t.request('POST', `/api/posts/${post.id}/comments`, {
          as: reader,
          body,
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'bad_request',
      );
    }
    expect(await snapshot(post, [reader])).toEqual(before);
  });
});

describe('403 on edits', () => {
  it('refuses an edit after the window closes (edit_window_closed) and leaves the comment as it was', async () => {
    const { post, reader, existing } = await scene();
    const before = await snapshot(post, [reader]);
    const windowMs = t.config.commentEditWindowSeconds * 1000;
    try {
      t.setNow(new Date(existing.createdAt.getTime() + windowMs + 1_000));
      await expectError(
        await t.request('PATCH', `/api/comments/${existing.id}`, { as: reader, json: { body: 'Too late' } }),
        403,
        'edit_window_closed',
      );
      expect(await snapshot(post, [reader])).toEqual(before);

      // A second before the window closes the same edit goes through.
      t.setNow(new Date(existing.createdAt.getTime() + windowMs - 1_000));
      const res = await t.request('PATCH', `/api/comments/${existing.id}`, {
        as: reader,
        json: { body: 'Just in time' },
      });
      expect(res.status).toBe(200);
    } finally {
      t.setNow(new Date());
    }
  });

  it('refuses an edit of a hidden comment (comment_hidden)', async () => {
    const { post, reader } = await scene();
    const hidden = await t.factories.comment(post, reader, { status: 'hidden', body: 'Moderated' });
    const before = await snapshot(post, [reader]);

    await expectError(
      await t.request('PATCH', `/api/comments/${hidden.id}`, { as: reader, json: { body: 'Sneak it back' } }),
      403,
      'comment_hidden',
    );
    expect(await snapshot(post, [reader])).toEqual(before);
  });
});

describe('refused requests', () => {
  it('leave every counter equal to the rows it counts', async () => {
    const { post, reader, existing } = await scene();
    await t.request('POST', `/api/posts/${post.id}/comments`, { as: reader, json: { body: '' } });
    await t.request('POST', `/api/posts/${post.id}/comments`, {
      as: reader,
      json: { body: 'x', parentId: 2_147_483_647 },
    });
    await t.request('PATCH', `/api/comments/${existing.id}`, { as: reader, json: { body: 'x', nope: 1 } });
    expect(await findCountDrift(t.db)).toEqual([]);
  });
});
