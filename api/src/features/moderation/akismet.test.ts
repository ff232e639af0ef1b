import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, read } from '../../../test/admin.js';
import { createTestContext, type TestContext } from '../../../test/app.js';
import { AdminCommentListSchema } from '../admin/content.schema.js';
import { CommentSchema } from '../comments/schema.js';

// The Akismet check against a local stand-in speaking the documented protocol (POST
// /1.1/comment-check, form-encoded, `true`/`false`, X-akismet-pro-tip: discard): Akismet itself
// is outside what tests may reach.

let t: TestContext;
let standIn: Server;
const seen: URLSearchParams[] = [];

beforeAll(async () => {
  standIn = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      seen.push(form);
      if (req.url !== '/1.1/comment-check' || form.get('api_key') !== 'test-key') {
        res.writeHead(200, { 'x-akismet-debug-help': 'bad key' }).end('invalid');
        return;
      }
      const content = form.get('comment_content') ?? '';
      if (content.includes('broken')) res.writeHead(500).end('oops');
      else if (content.includes('blatant')) res.writeHead(200, { 'x-akismet-pro-tip': 'discard' }).end('true');
      else res.writeHead(200).end(content.includes('viagra') ? 'true' : 'false');
    });
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  const { port } = standIn.address() as AddressInfo;
  t = await createTestContext({
    AKISMET_KEY: 'test-key',
    AKISMET_URL: `http://127.0.0.1:${port}`,
    TRUST_PROXY: 'true',
  });
});
afterAll(async () => {
  await t.destroy();
  await new Promise((resolve) => standIn.close(resolve));
});

describe('the Akismet check (AKISMET_KEY)', () => {
  it('sends spam to the queue, refuses blatant spam, lets ham and an unanswered check through', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const reader = await t.factories.user({ createdAt: new Date(Date.now() - 3 * 86_400_000) });
    const send = (body: string) =>
      t.request('POST', `/api/posts/${post.id}/comments`, {
        as: reader,
        json: { body },
        headers: { 'x-real-ip': '192.0.2.33', 'user-agent': 'Test Browser/1.0' },
      });
    const ham = await read(await send('A thoughtful remark.'), 201, CommentSchema);
    expect(ham.status).toBe('visible');
    const form = seen.at(-1);
    expect(Object.fromEntries(form ?? [])).toMatchObject({
      api_key: 'test-key',
      blog: t.config.publicUrl,
      user_ip: '192.0.2.33',
      user_agent: 'Test Browser/1.0',
      permalink: `${t.config.publicUrl}/posts/${post.slug}/`,
      comment_type: 'comment',
      comment_author: reader.name,
      comment_author_email: reader.email,
      comment_content: 'A thoughtful remark.',
    });

    const spam = await read(await send('Cheap viagra here'), 201, CommentSchema);
    expect(spam.status).toBe('pending');
    const admin = await t.factories.user({ role: 'admin' });
    const queue = await read(
      await t.request('GET', `/api/admin/comments?status=pending&post=${post.id}`, { as: admin }),
      200,
      AdminCommentListSchema,
    );
    expect(queue.items.map((c) => [c.id, c.moderationReason])).toEqual([[spam.id, 'akismet']]);
    await expectError(await send('blatant spam'), 422, 'spam_detected');
    // The service failing is no reason to lose a comment: the other rules decide.
    expect((await read(await send('A broken check'), 201, CommentSchema)).status).toBe('visible');
    // Admins are not checked.
    const before = seen.length;
    await read(
      await t.request('POST', `/api/posts/${post.id}/comments`, { as: admin, json: { body: 'viagra, quoted' } }),
      201,
      CommentSchema,
    );
    expect(seen.length).toBe(before);
  });
});
