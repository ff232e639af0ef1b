import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestContext, TEST_ORIGIN, type TestContext } from '../../../test/app.js';
import type { Comment, Post, User } from '../../db/models/index.js';
import { CommentPageSchema, CommentSchema } from './schema.js';

let t: TestContext;
beforeAll(async () => {
  // Behind a trusted proxy, so each test can speak from an address of its own
  // and the per-address comment limit is its own business.
  t = await createTestContext({ TRUST_PROXY: 'true' });
});
afterAll(async () => {
  await t.destroy();
});

const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string().min(1),
    details: z.array(z.looseObject({ path: z.string().optional(), message: z.string() })).optional(),
    requestId: z.string().min(1),
  }),
});

async function read<T extends z.ZodType>(res: Response, schema: T): Promise<z.infer<T>> {
  const body: unknown = await res.json();
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`Unexpected body ${JSON.stringify(body)}: ${parsed.error.message}`);
  return parsed.data;
}

async function expectError(res: Response, status: number, code: string) {
  const { error } = await read(res, ErrorBody);
  expect({ status: res.status, code: error.code }).toEqual({ status, code });
  return error;
}

let addresses = 0;
/** A client address no other test uses (only ever a header value: nothing is sent to it). */
const freshIp = () => {
  addresses += 1;
  return `198.51.${Math.floor(addresses / 250)}.${addresses % 250}`;
};

async function scene() {
  const author = await t.factories.user({ role: 'author' });
  const post = await t.factories.post(author);
  const alice = await t.factories.user();
  const comment = await t.factories.comment(post, alice, { body: 'Original' });
  return { author, post, alice, comment };
}

async function commentState(comment: Comment) {
  const row = await t.db.models.Comment.findByPk(comment.id);
  return row && { bodyMarkdown: row.bodyMarkdown, status: row.status, editedAt: row.editedAt };
}

const countComments = (post: Post) => t.db.models.Comment.count({ where: { postId: post.id } });

function create(post: Post, body: string, as: User | undefined, ip: string, headers: Record<string, string> = {}) {
  return t.request('POST', `/api/posts/${post.id}/comments`, {
    json: { body },
    headers: { 'x-real-ip': ip, ...headers },
    ...(as ? { as } : {}),
  });
}

describe('authentication', () => {
  it('answers 401 to a comment, an edit or a delete without a session', async () => {
    const { post, comment } = await scene();
    const ip = freshIp();
    await expectError(await create(post, 'Hello', undefined, ip), 401, 'unauthorized');
    await expectError(
      await t.request('PATCH', `/api/comments/${comment.id}`, { json: { body: 'Edit' } }),
      401,
      'unauthorized',
    );
    await expectError(await t.request('DELETE', `/api/comments/${comment.id}`), 401, 'unauthorized');
    expect(await countComments(post)).toBe(1);
    expect(await commentState(comment)).toMatchObject({ bodyMarkdown: 'Original' });
  });

  it('answers 401 to a cookie that names no session, a garbage one and an expired one', async () => {
    const { post, comment } = await scene();
    const ip = freshIp();
    for (const cookie of ['blog_session=forged-token', `blog_session=${'x'.repeat(5000)}`, 'blog_session=']) {
      await expectError(await create(post, 'Hello', undefined, ip, { cookie }), 401, 'unauthorized');
      await expectError(await t.request('DELETE', `/api/comments/${comment.id}`, { as: cookie }), 401, 'unauthorized');
    }

    const sleeper = await t.factories.user();
    const cookie = await t.factories.sessionCookie(sleeper);
    try {
      t.setNow(new Date(Date.now() + 2 * 86_400_000));
      await expectError(await create(post, 'Hello', undefined, ip, { cookie }), 401, 'unauthorized');
    } finally {
      t.setNow(new Date());
    }
    expect(await countComments(post)).toBe(1);
  });

  it('answers 403 email_not_verified to an unverified user', async () => {
    const { post } = await scene();
    const unverified = await t.factories.user({ verified: false });
    const own = await t.factories.comment(post, unverified, { body: 'Before verification was required' });

    await expectError(await create(post, 'Hello', unverified, freshIp()), 403, 'email_not_verified');
    await expectError(
      await t.request('PATCH', `/api/comments/${own.id}`, { as: unverified, json: { body: 'Edit' } }),
      403,
      'email_not_verified',
    );
    expect(await countComments(post)).toBe(2);
    expect(await commentState(own)).toMatchObject({ bodyMarkdown: 'Before verification was required' });
  });

  it('answers 403 banned to a banned user, even on their own comments', async () => {
    const { post } = await scene();
    const banned = await t.factories.user({ banned: true });
    const own = await t.factories.comment(post, banned, { body: 'From before the ban' });

    await expectError(await create(post, 'Hello', banned, freshIp()), 403, 'banned');
    await expectError(
      await t.request('PATCH', `/api/comments/${own.id}`, { as: banned, json: { body: 'Edit' } }),
      403,
      'banned',
    );
    await expectError(await t.request('DELETE', `/api/comments/${own.id}`, { as: banned }), 403, 'banned');
    expect(await countComments(post)).toBe(2);
    expect(await commentState(own)).toMatchObject({ bodyMarkdown: 'From before the ban' });
  });
});

describe('ownership', () => {
  it("answers 403 not_owner to an edit or delete of someone else's comment", async () => {
    const { post, comment, author } = await scene();
    const bob = await t.factories.user();
    const before = await commentState(comment);

    await expectError(
      await t.request('PATCH', `/api/comments/${comment.id}`, { as: bob, json: { body: 'Defaced' } }),
      403,
      'not_owner',
    );
    await expectError(await t.request('DELETE', `/api/comments/${comment.id}`, { as: bob }), 403, 'not_owner');
    // Writing the post does not make its comments yours.
    await expectError(await t.request('DELETE', `/api/comments/${comment.id}`, { as: author }), 403, 'not_owner');
    await expectError(
      await t.request('PATCH', `/api/comments/${comment.id}`, { as: author, json: { body: 'Defaced' } }),
      403,
      'not_owner',
    );
    expect(await commentState(comment)).toEqual(before);
    expect(await countComments(post)).toBe(1);
  });

  it('hides comments on a post that went back to draft from their authors (404), not from admins', async () => {
    const { post, comment, alice, author } = await scene();
    expect((await t.request('POST', `/api/posts/${post.id}/unpublish`, { as: author })).status).toBe(200);
    const before = await commentState(comment);
    await expectError(
      await t.request('PATCH', `/api/comments/${comment.id}`, { as: alice, json: { body: 'Edited in the dark' } }),
      404,
      'not_found',
    );
    await expectError(await t.request('DELETE', `/api/comments/${comment.id}`, { as: alice }), 404, 'not_found');
    expect(await commentState(comment)).toEqual(before);
    const admin = await t.factories.user({ role: 'admin' });
    expect((await t.request('DELETE', `/api/comments/${comment.id}`, { as: admin })).status).toBe(204);
  });

  it("does not let even an admin rewrite someone else's words", async () => {
    const { comment } = await scene();
    const admin = await t.factories.user({ role: 'admin' });
    await expectError(
      await t.request('PATCH', `/api/comments/${comment.id}`, { as: admin, json: { body: 'Rewritten' } }),
      403,
      'not_owner',
    );
  });
});

describe('rate limits', () => {
  it('answers the 11th comment within a minute by one user with 429 and Retry-After', async () => {
    const { post } = await scene();
    const spammer = await t.factories.user();
    const ip = freshIp();
    const start = new Date();
    t.setNow(start);
    for (let i = 1; i <= 10; i++) {
      const res = await create(post, `Comment ${i}`, spammer, ip);
      expect(res.status, `comment ${i}`).toBe(201);
    }
    t.setNow(new Date(start.getTime() + 30_000));
    const res = await create(post, 'Comment 11', spammer, ip);
    await expectError(res, 429, 'rate_limited');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBe(30);
    expect(await t.db.models.Comment.count({ where: { authorId: spammer.id } })).toBe(10);

    // Someone else is not held back by it.
    const bystander = await t.factories.user();
    expect((await create(post, 'Unrelated', bystander, freshIp())).status).toBe(201);

    // Once the window has passed, the spammer may speak again.
    t.setNow(new Date(start.getTime() + 61_000));
    expect((await create(post, 'Comment 12', spammer, ip)).status).toBe(201);
    t.setNow(new Date());
  });

  it('counts only comments that were written: refused ones (a reply to nothing, a 429) use up no allowance', async () => {
    const { post } = await scene();
    const user = await t.factories.user();
    const ip = freshIp();
    const start = new Date();
    t.setNow(start);
    for (let i = 1; i <= 12; i++) {
      const res = await t.request('POST', `/api/posts/${post.id}/comments`, {
        json: { body: `Reply to nothing ${i}`, parentId: 2_000_000_000 },
        headers: { 'x-real-ip': ip },
        as: user,
      });
      await expectError(res, 422, 'invalid_parent');
    }
    for (let i = 1; i <= 10; i++)
      expect((await create(post, `Counted ${i}`, user, ip)).status, `comment ${i}`).toBe(201);
    // At the limit every further attempt is refused, and being refused does not move the window.
    for (let i = 0; i < 3; i++) await expectError(await create(post, 'Over', user, ip), 429, 'rate_limited');
    const counter = await t.db.models.RateLimit.findByPk(`comment:user:${user.id}`);
    expect(counter?.count).toBe(10);
    t.setNow(new Date(start.getTime() + 61_000));
    expect((await create(post, 'Next minute', user, ip)).status).toBe(201);
    t.setNow(new Date());
  });

  it('limits comments from one address, whoever sends them', async () => {
    const { post } = await scene();
    const ip = freshIp();
    t.setNow(new Date());
    // Three users, ten comments each: every one stays under the per-user limit.
    for (let u = 0; u < 3; u++) {
      const user = await t.factories.user();
      for (let i = 1; i <= 10; i++) {
        const res = await create(post, `From one address ${u}.${i}`, user, ip);
        expect(res.status, `user ${u} comment ${i}`).toBe(201);
      }
    }
    const fresh = await t.factories.user();
    const res = await create(post, 'One too many', fresh, ip);
    await expectError(res, 429, 'rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await t.db.models.Comment.count({ where: { authorId: fresh.id } })).toBe(0);
  });
});

describe('client address', () => {
  it('ignores a forwarded address that is not an address instead of failing on it', async () => {
    const { post } = await scene();
    const forged: Array<Record<string, string>> = [
      { 'x-real-ip': 'a'.repeat(500) },
      { 'x-real-ip': "1.2.3.4' OR 1=1" },
      { 'x-forwarded-for': `203.0.113.7, ${'c'.repeat(400)}` },
    ];
    for (const headers of forged) {
      const writer = await t.factories.user();
      const res = await t.request('POST', `/api/posts/${post.id}/comments`, {
        as: writer,
        json: { body: 'Hi' },
        headers,
      });
      expect(res.status, JSON.stringify(headers).slice(0, 60)).toBe(201);
    }
    const keys = (await t.db.models.RateLimit.findAll()).map((row) => row.key);
    expect(keys.filter((key) => key.startsWith('comment:ip:') && key.length > 'comment:ip:'.length + 45)).toEqual([]);
  });
});

describe('CSRF', () => {
  it('refuses a cross-origin POST with the victim cookie (csrf_rejected) and writes nothing', async () => {
    const { post, alice } = await scene();
    const ip = freshIp();
    const forgeries: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: `${TEST_ORIGIN}.evil.example` },
      { origin: TEST_ORIGIN, 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of forgeries) {
      await expectError(await create(post, 'Forged', alice, ip, headers), 403, 'csrf_rejected');
    }
    expect(await countComments(post)).toBe(1);
  });

  it('refuses cross-origin edits and deletes', async () => {
    const { post, alice, comment } = await scene();
    const before = await commentState(comment);
    const headers = { origin: 'https://evil.example' };
    await expectError(
      await t.request('PATCH', `/api/comments/${comment.id}`, { as: alice, json: { body: 'Forged' }, headers }),
      403,
      'csrf_rejected',
    );
    await expectError(
      await t.request('DELETE', `/api/comments/${comment.id}`, { as: alice, headers }),
      403,
      'csrf_rejected',
    );
    expect(await commentState(comment)).toEqual(before);
    expect(await countComments(post)).toBe(1);
  });

  it('refuses what a cross-site HTML form can send', async () => {
    const { post, alice } = await scene();
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', 'body=forged'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="body"\r\n\r\nforged\r\n--x--\r\n',
      ],
      ['text/plain', '{"body":"forged","x":"="}'],
    ] as const) {
      const res = await t.request('POST', `/api/posts/${post.id}/comments`, {
        as: alice,
        body,
        headers: {
          'content-type': type,
          'content-length': String(Buffer.byteLength(body)),
          origin: 'https://evil.example',
          'sec-fetch-site': 'cross-site',
          'x-real-ip': freshIp(),
        },
      });
      expect([403, 415]).toContain(res.status);
      await read(res, ErrorBody);
    }
    expect(await countComments(post)).toBe(1);
  });

  it('accepts the same request from our own origin', async () => {
    const { post, alice } = await scene();
    const ip = freshIp();
    expect((await create(post, 'Mine', alice, ip, { origin: TEST_ORIGIN })).status).toBe(201);
    expect((await create(post, 'Mine too', alice, ip, { 'sec-fetch-site': 'same-origin' })).status).toBe(201);
  });
});

describe('XSS', () => {
  const corpus = [
    '<script>alert(1)</script>',
    '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
    '<<script>script>alert(1)<</script>/script>',
    '<img src=x onerror=alert(1)>',
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    '<svg onload=alert(1)>',
    '<svg><script>alert(1)</script></svg>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="https://ok.example" onclick="alert(1)">click</a>',
    '<a href="jav&#x0A;ascript:alert(1)">click</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="position:fixed;inset:0">overlay</div>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<details open ontoggle=alert(1)>',
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[click](  javascript:alert(1)  )',
    '[click](&#106;avascript:alert(1))',
    '[click](&#x6A;avascript&#x3A;alert(1))',
    '[click](java&#x09;script:alert(1))',
    '[click](javascript&colon;alert(1))',
    '[click](<javascript:alert(1)>)',
    '[click](vbscript:msgbox(1))',
    '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[click](//evil.example/path)',
    '[click](/\\evil.example/path)',
    '[click](\\\\evil.example/path)',
    '[click][ref]\n\n[ref]: javascript:alert(1)',
    '![img](javascript:alert(1))',
    '![img](https://evil.example/x.png" onerror="alert(1))',
    '[click](https://ok.example/" onmouseover="alert(1))',
    '<javascript:alert(1)>',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '&#60;script&#62;alert(1)&#60;/script&#62;',
    '`<script>alert(1)</script>`',
    '```html\n<script>alert(1)</script>\n```',
    '<scr\u200bipt>alert(1)</scr\u200bipt>',
    '\u202e<a href="javascript:alert(1)">\u202dclick</a>',
    '<a href="https://ok.example" rel="follow" target="_blank">x</a>',
    '[x](https://ok.example "title\\" onmouseover=\\"alert(1)")',
  ];

  it.each(corpus)('renders %j inert', async (payload) => {
    const { post } = await scene();
    const writer = await t.factories.user();
    const res = await create(post, payload, writer, freshIp());
    expect(res.status).toBe(201);
    const comment = await read(res, CommentSchema);
    expect(comment.bodyMarkdown).toBe(payload.trim());
    expectInert(comment.bodyHtml);

    const page = await read(await t.request('GET', `/api/posts/${post.id}/comments`), CommentPageSchema);
    const listed = page.items.find((c) => c.id === comment.id);
    expect(listed?.bodyHtml).toBe(comment.bodyHtml);

    // An edit goes through the same renderer.
    const edited = await t.request('PATCH', `/api/comments/${comment.id}`, {
      as: writer,
      json: { body: `edited ${payload}` },
    });
    expect(edited.status).toBe(200);
    expectInert((await read(edited, CommentSchema)).bodyHtml);
  });

  it('marks every link nofollow ugc', async () => {
    const { post } = await scene();
    // Older than a day: a new account may not post four links (the spam rules).
    const writer = await t.factories.user({ createdAt: new Date(Date.now() - 2 * 86_400_000) });
    const res = await create(
      post,
      '[site](https://example.com/a) and https://example.com/b and <https://example.com/c> and <mailto:me@example.com>',
      writer,
      freshIp(),
    );
    expect(res.status).toBe(201);
    const { bodyHtml } = await read(res, CommentSchema);
    expectInert(bodyHtml);
    const anchors = scanTags(bodyHtml).filter((tag) => tag.name === 'a' && !tag.closing);
    expect(anchors.map((a) => a.attributes.get('href'))).toEqual([
      'https://example.com/a',
      'https://example.com/b',
      'https://example.com/c',
      'mailto:me@example.com',
    ]);
    for (const anchor of anchors) {
      expect(anchor.attributes.get('rel')?.split(/\s+/)).toEqual(expect.arrayContaining(['nofollow', 'ugc']));
    }
  });
});

const COMMENT_TAGS = new Set([
  'p',
  'br',
  'blockquote',
  'pre',
  'code',
  'em',
  'strong',
  'del',
  's',
  'ul',
  'ol',
  'li',
  'a',
]);
const ALLOWED_ATTRIBUTES: Record<string, string[]> = { a: ['href', 'title', 'rel'], code: ['class'] };

interface Tag {
  name: string;
  closing: boolean;
  attributes: Map<string, string>;
}

const TAG_PATTERN =
  /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
const ATTRIBUTE_PATTERN = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

function decodeEntities(value: string): string {
  const named: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    colon: ':',
    tab: '\t',
    newline: '\n',
  };
  return value
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&([a-z]+);/gi, (whole, name: string) => named[name.toLowerCase()] ?? whole);
}

/** Every tag of sanitised HTML; throws if a `<` in it starts no tag (text must escape it). */
function scanTags(html: string): Tag[] {
  const tags: Tag[] = [];
  for (const match of html.matchAll(TAG_PATTERN)) {
    const attributes = new Map<string, string>();
    for (const attr of (match[3] ?? '').matchAll(ATTRIBUTE_PATTERN)) {
      const name = (attr[1] ?? '').toLowerCase();
      attributes.set(name, decodeEntities(attr[2] ?? attr[3] ?? attr[4] ?? ''));
    }
    tags.push({ name: (match[2] ?? '').toLowerCase(), closing: match[1] === '/', attributes });
  }
  const opened = html.split('<').length - 1;
  if (opened !== tags.length) throw new Error(`a "<" that starts no well-formed tag in ${JSON.stringify(html)}`);
  return tags;
}

/** The rules a comment's HTML must keep whatever its source. */
function expectInert(html: string): void {
  expect(html).not.toMatch(/<script/i);
  for (const tag of scanTags(html)) {
    expect(COMMENT_TAGS, `tag <${tag.name}> in ${html}`).toContain(tag.name);
    for (const [name, value] of tag.attributes) {
      expect(ALLOWED_ATTRIBUTES[tag.name] ?? [], `attribute ${name} on <${tag.name}> in ${html}`).toContain(name);
      expect(name).not.toMatch(/^on/);
      expect(name).not.toBe('style');
      // Browsers ignore ASCII whitespace and control characters inside a scheme.
      const squashed = Array.from(value)
        .filter((char) => (char.codePointAt(0) ?? 0) > 0x20)
        .join('')
        .toLowerCase();
      expect(squashed, `${name} in ${html}`).not.toContain('javascript:');
      expect(squashed).not.toContain('vbscript:');
      if (name === 'href') {
        // A scheme, if any, must be a safe one; schemeless hrefs are relative links to this site.
        const scheme = /^([a-z][a-z0-9+.-]*):/.exec(squashed)?.[1];
        if (scheme !== undefined) expect(['http', 'https', 'mailto'], html).toContain(scheme);
        expect(squashed, html).not.toMatch(/^[\\/]{2}/);
      }
    }
    if (tag.name === 'a' && !tag.closing) {
      expect(tag.attributes.get('rel')?.split(/\s+/), html).toEqual(expect.arrayContaining(['nofollow', 'ugc']));
    }
  }
}
