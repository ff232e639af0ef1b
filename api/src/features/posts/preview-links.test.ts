import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type RequestOptions, type TestContext } from '../../../test/app.js';
import { expectError, read } from '../../../test/http.js';
import { SitePreviewSchema } from '../site/schema.js';
import { createPreviewLinks } from './preview-links.js';
import { PreviewLinkSchema } from './schema.js';

// Secret, expiring preview links of drafts: issued by whoever may edit the post, read by whoever
// holds the link (the on-demand /preview/<token>/ page reads GET /api/site/previews/<token>).

const TTL = 3600;
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ PREVIEW_LINK_TTL_SECONDS: String(TTL), PUBLIC_URL: 'https://blog.example' });
});
afterAll(async () => {
  await t.destroy();
});

const tokenOf = (path: string) => path.split('/')[2] ?? '';

async function issue(postId: number, as: RequestOptions) {
  const res = await t.request('POST', `/api/posts/${postId}/preview-link`, as);
  return read(res, 201, PreviewLinkSchema.strict());
}

describe('preview links', () => {
  it("give the draft's page data to whoever holds the link, never cached, and expire", async () => {
    const start = new Date('2026-12-01T10:00:00.000Z');
    t.setNow(start);
    const author = await t.factories.user({ role: 'author', name: 'Draft Writer' });
    const category = await t.factories.category({ name: 'Notes', slug: 'notes-preview' });
    const post = await t.factories.post(author, {
      status: 'draft',
      title: 'Not yet',
      body: '| a | b |\n|---|---|\n| 1 | 2 |',
      category,
    });

    const link = await issue(post.id, { as: author });
    expect(link.url).toBe(`https://blog.example${link.path}`);
    expect(link.path).toMatch(/^\/preview\/[^/]+\/$/);
    expect(link.expiresAt).toBe(new Date(start.getTime() + TTL * 1000).toISOString());

    // Anyone with the link: no session needed.
    t.setNow(new Date(start.getTime() + 60_000));
    const res = await t.request('GET', `/api/site/previews/${tokenOf(link.path)}`);
    const preview = await read(res, 200, SitePreviewSchema.strict());
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-robots-tag')).toBe('noindex');
    expect(preview).toMatchObject({
      id: post.id,
      status: 'draft',
      title: 'Not yet',
      author: { name: 'Draft Writer' },
      category: { slug: 'notes-preview' },
      // A draft is dated as publishing it now would date it.
      publishedAt: new Date(start.getTime() + 60_000).toISOString(),
    });
    expect(preview.bodyHtml).toContain('<table>');

    // The post edited after the link was made: the link shows the current text.
    await post.update({ title: 'Not yet, edited' });
    const again = await read(
      await t.request('GET', `/api/site/previews/${tokenOf(link.path)}`),
      200,
      SitePreviewSchema,
    );
    expect(again.title).toBe('Not yet, edited');

    // Expired: 410 with its own code, so the page can say so.
    t.setNow(new Date(start.getTime() + TTL * 1000));
    await expectError(await t.request('GET', `/api/site/previews/${tokenOf(link.path)}`), 410, 'preview_expired');
    t.setNow(new Date());
  });

  it('cannot be forged, moved to another post or extended', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { status: 'draft' });
    const other = await t.factories.post(author, { status: 'draft' });
    const [id, expires, signature] = tokenOf((await issue(post.id, { as: author })).path).split('.');
    const flipped = `${signature?.slice(0, -1)}${signature?.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [
      `${other.id}.${expires}.${signature}`,
      `${id}.${Number(expires) + 86_400}.${signature}`,
      `${id}.${expires}.${flipped}`,
    ]) {
      await expectError(await t.request('GET', `/api/site/previews/${forged}`), 404, 'not_found');
    }
    // Not the shape of a token at all: a 400 like any malformed path parameter.
    for (const malformed of [
      'abc',
      `${id}.${expires}`,
      `0.${expires}.${signature}`,
      `${id}.${expires}.${signature}x`,
    ]) {
      await expectError(await t.request('GET', `/api/site/previews/${malformed}`), 400, 'invalid_request');
    }
  });

  it('stop working when the post is deleted, and are signed with a key of their own', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author, { status: 'draft' });
    const token = tokenOf((await issue(post.id, { as: author })).path);
    expect((await t.request('DELETE', `/api/posts/${post.id}`, { as: author })).status).toBe(204);
    await expectError(await t.request('GET', `/api/site/previews/${token}`), 404, 'not_found');

    // Another SESSION_SECRET (a rotated one) invalidates every link made with the old one.
    const links = createPreviewLinks({
      secret: 'x'.repeat(40),
      clock: () => new Date(),
      ttlSeconds: 60,
      publicUrl: 'https://a.example',
    });
    const rotated = createPreviewLinks({
      secret: 'y'.repeat(40),
      clock: () => new Date(),
      ttlSeconds: 60,
      publicUrl: 'https://a.example',
    });
    const issued = links.issue(7);
    expect(links.check(issued.token)).toEqual({ ok: true, postId: 7 });
    expect(rotated.check(issued.token)).toEqual({ ok: false, reason: 'invalid' });
  });

  it("are audited when an admin makes one for someone's post", async () => {
    const author = await t.factories.user({ role: 'author' });
    const admin = await t.factories.user({ role: 'admin' });
    const post = await t.factories.post(author, { status: 'draft', title: 'Audited draft' });
    await issue(post.id, { as: author });
    await issue(post.id, { as: admin });
    const rows = await t.db.models.AuditLog.findAll({
      where: { action: 'post.preview_link', targetId: String(post.id) },
    });
    expect(rows.map((row) => row.actorId)).toEqual([admin.id]);
  });
});
