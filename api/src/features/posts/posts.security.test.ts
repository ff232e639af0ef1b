import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_ORIGIN, type TestContext, unique } from '../../../test/app.js';
import { expectError, read } from '../../../test/http.js';
import { SESSION_COOKIE, sessionIdOf } from '../../auth/sessions.js';
import type { Post, User } from '../../db/models/index.js';
import { PostSchema } from './schema.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t.destroy();
});

interface Write {
  name: string;
  method: string;
  path: (post: Post) => string;
  json?: unknown;
}

/** Every state-changing post route, aimed at `post`. */
const writes: Write[] = [
  {
    name: 'create',
    method: 'POST',
    path: () => '/api/posts',
    json: { title: 'Sneaky', bodyMarkdown: 'x', status: 'published' },
  },
  {
    name: 'edit',
    method: 'PATCH',
    path: (p) => `/api/posts/${p.id}`,
    json: { title: 'Defaced', bodyMarkdown: 'pwned' },
  },
  { name: 'publish', method: 'POST', path: (p) => `/api/posts/${p.id}/publish` },
  { name: 'unpublish', method: 'POST', path: (p) => `/api/posts/${p.id}/unpublish` },
  { name: 'delete', method: 'DELETE', path: (p) => `/api/posts/${p.id}` },
];

/** The rows a write could touch, to compare before and after a refused request. */
async function state(post: Post, ...users: User[]) {
  const row = await t.db.models.Post.findByPk(post.id);
  return {
    posts: await t.db.models.Post.count(),
    post: row && {
      title: row.title,
      slug: row.slug,
      status: row.status,
      authorId: row.authorId,
      bodyMarkdown: row.bodyMarkdown,
      publishedAt: row.publishedAt?.toISOString() ?? null,
    },
    postsCounts: await Promise.all(users.map(async (user) => (await user.reload()).postsCount)),
  };
}

/** Sends every write as `as` (with `headers`) against a fresh published post and a fresh draft; expects the refusal and no change. */
async function expectAllWritesRefused(
  as: User | string | undefined,
  status: number,
  code: string,
  headers: Record<string, string> = {},
) {
  const author = await t.factories.user({ role: 'author' });
  for (const postStatus of ['published', 'draft'] as const) {
    const post = await t.factories.post(author, { status: postStatus });
    for (const write of writes) {
      const before = await state(post, author);
      const changes = (await t.publishEvents()).length;
      const res = await t.request(write.method, write.path(post), {
        ...(as === undefined ? {} : { as }),
        ...(write.json === undefined ? {} : { json: write.json }),
        headers,
      });
      const text = await res.clone().text();
      expect(`${write.name} ${postStatus}: ${res.status}`, text).toBe(`${write.name} ${postStatus}: ${status}`);
      await expectError(res, status, code);
      expect(await state(post, author)).toEqual(before);
      expect((await t.publishEvents()).length).toBe(changes);
    }
  }
}

describe('who may write', () => {
  it('answers every write without a session with 401', async () => {
    await expectAllWritesRefused(undefined, 401, 'unauthorized');
  });

  it('answers every write by a plain verified user with 403', async () => {
    await expectAllWritesRefused(await t.factories.user(), 403, 'forbidden');
  });

  it('answers every write by an unverified author with 403 email_not_verified', async () => {
    await expectAllWritesRefused(
      await t.factories.user({ role: 'author', verified: false }),
      403,
      'email_not_verified',
    );
  });

  it('answers every write by a banned author, and a banned admin, with 403 banned', async () => {
    await expectAllWritesRefused(await t.factories.user({ role: 'author', banned: true }), 403, 'banned');
    await expectAllWritesRefused(await t.factories.user({ role: 'admin', banned: true }), 403, 'banned');
  });

  it('lets a banned author still read but not delete their own post', async () => {
    const banned = await t.factories.user({ role: 'author', banned: true });
    const post = await t.factories.post(banned);
    await read(await t.request('GET', `/api/posts/${post.id}`, { as: banned }), 200, PostSchema);
    await expectError(await t.request('DELETE', `/api/posts/${post.id}`, { as: banned }), 403, 'banned');
    expect(await t.db.models.Post.findByPk(post.id)).not.toBeNull();
  });
});

describe("another author's posts", () => {
  it("refuses edit, publish, unpublish and delete of another author's published post with 403 not_owner", async () => {
    const owner = await t.factories.user({ role: 'author' });
    const intruder = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(owner);
    for (const write of writes.filter((w) => w.name !== 'create')) {
      const before = await state(post, owner, intruder);
      await expectError(
        await t.request(write.method, write.path(post), {
          as: intruder,
          ...(write.json === undefined ? {} : { json: write.json }),
        }),
        403,
        'not_owner',
      );
      expect(await state(post, owner, intruder)).toEqual(before);
    }
    // By slug as well as by id.
    await expectError(await t.request('DELETE', `/api/posts/${post.slug}`, { as: intruder }), 403, 'not_owner');
    expect(await t.db.models.Post.findByPk(post.id)).not.toBeNull();
  });

  it("hides another author's draft: read, edit, publish and delete all answer 404", async () => {
    const owner = await t.factories.user({ role: 'author' });
    const intruder = await t.factories.user({ role: 'author' });
    const draft = await t.factories.post(owner, { status: 'draft' });
    await expectError(await t.request('GET', `/api/posts/${draft.id}`, { as: intruder }), 404, 'not_found');
    await expectError(await t.request('GET', `/api/posts/${draft.slug}`, { as: intruder }), 404, 'not_found');
    for (const write of writes.filter((w) => w.name !== 'create')) {
      const before = await state(draft, owner);
      await expectError(
        await t.request(write.method, write.path(draft), {
          as: intruder,
          ...(write.json === undefined ? {} : { json: write.json }),
        }),
        404,
        'not_found',
      );
      expect(await state(draft, owner)).toEqual(before);
    }
  });

  it("lets an admin read, edit, publish, unpublish and delete anyone's posts", async () => {
    const owner = await t.factories.user({ role: 'author' });
    const admin = await t.factories.user({ role: 'admin' });
    const draft = await t.factories.post(owner, { status: 'draft', body: 'Secret draft' });

    const seen = await read(await t.request('GET', `/api/posts/${draft.id}`, { as: admin }), 200, PostSchema);
    expect(seen.bodyMarkdown).toBe('Secret draft');
    const edited = await read(
      await t.request('PATCH', `/api/posts/${draft.id}`, { as: admin, json: { title: 'Edited by admin' } }),
      200,
      PostSchema,
    );
    expect(edited).toMatchObject({ title: 'Edited by admin', author: { id: owner.id } });
    await read(await t.request('POST', `/api/posts/${draft.id}/publish`, { as: admin }), 200, PostSchema);
    expect((await owner.reload()).postsCount).toBe(1);
    await read(await t.request('POST', `/api/posts/${draft.id}/unpublish`, { as: admin }), 200, PostSchema);
    expect((await owner.reload()).postsCount).toBe(0);
    expect((await t.request('DELETE', `/api/posts/${draft.id}`, { as: admin })).status).toBe(204);
    expect(await t.db.models.Post.findByPk(draft.id)).toBeNull();
  });

  it('refuses reassignment by a non-admin author with 403, even of their own post', async () => {
    const owner = await t.factories.user({ role: 'author' });
    const other = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(owner);
    const before = await state(post, owner, other);
    await expectError(
      await t.request('PATCH', `/api/posts/${post.id}`, { as: owner, json: { authorId: other.id, title: 'Moved' } }),
      403,
      'forbidden',
    );
    expect(await state(post, owner, other)).toEqual(before);
  });

  it("does not let an author take over another author's post by reassigning it to themselves", async () => {
    const owner = await t.factories.user({ role: 'author' });
    const intruder = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(owner);
    await expectError(
      await t.request('PATCH', `/api/posts/${post.id}`, { as: intruder, json: { authorId: intruder.id } }),
      403,
      'not_owner',
    );
    expect((await post.reload()).authorId).toBe(owner.id);
  });
});

describe('cross-site requests', () => {
  it.each([
    ['Origin: https://evil.example', { origin: 'https://evil.example' }],
    ['Origin: null', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['our Origin but Sec-Fetch-Site: cross-site', { origin: TEST_ORIGIN, 'sec-fetch-site': 'cross-site' }],
    ['Origin on another port', { origin: `${TEST_ORIGIN}:8443` }],
    ['Origin on another scheme', { origin: TEST_ORIGIN.replace('http:', 'https:') }],
  ])(
    'refuses every write with a valid admin cookie and %s: 403 csrf_rejected, nothing written',
    async (_name, headers) => {
      await expectAllWritesRefused(await t.factories.user({ role: 'admin' }), 403, 'csrf_rejected', headers);
    },
  );

  it('accepts writes from our own origin and same-origin fetches', async () => {
    const author = await t.factories.user({ role: 'author' });
    const variants: Array<Record<string, string>> = [
      { origin: TEST_ORIGIN },
      { 'sec-fetch-site': 'same-origin', origin: TEST_ORIGIN },
      { 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of variants) {
      await read(
        await t.request('POST', '/api/posts', { as: author, json: { title: 'Same site', bodyMarkdown: 'x' }, headers }),
        201,
        PostSchema,
      );
    }
  });

  it('still serves cross-site reads', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await t.factories.post(author);
    const res = await t.request('GET', `/api/posts/${post.id}`, {
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    await read(res, 200, PostSchema);
  });
});

describe('sessions', () => {
  /** A session row for `user` that expired a minute ago; returns its cookie. */
  async function expiredCookie(user: User): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await t.db.models.Session.create({
      id: sessionIdOf(token),
      userId: user.id,
      expiresAt: new Date(Date.now() - 60_000),
    });
    return `${SESSION_COOKIE}=${token}`;
  }

  it('treats an expired session as signed out, removes it and clears the cookie', async () => {
    const author = await t.factories.user({ role: 'author' });
    const draft = await t.factories.post(author, { status: 'draft' });
    const cookie = await expiredCookie(author);

    const res = await t.request('POST', '/api/posts', { as: cookie, json: { title: 'Late', bodyMarkdown: 'x' } });
    await expectError(res, 401, 'unauthorized');
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
    expect(await t.db.models.Session.count({ where: { userId: author.id } })).toBe(0);

    // Reads too: the draft is not shown to a signed-out visitor.
    await expectError(await t.request('GET', `/api/posts/${draft.id}`, { as: cookie }), 404, 'not_found');
    await expectAllWritesRefused(await expiredCookie(author), 401, 'unauthorized');
  });

  it.each([
    ['an unknown token', () => `${SESSION_COOKIE}=${randomBytes(32).toString('base64url')}`],
    ['an empty token', () => `${SESSION_COOKIE}=`],
    ['an overlong token', () => `${SESSION_COOKIE}=${'a'.repeat(5000)}`],
    ['a token with odd characters', () => `${SESSION_COOKIE}=%00%27%22--`],
  ])('treats %s as signed out', async (_name, cookie) => {
    await expectAllWritesRefused(cookie(), 401, 'unauthorized');
  });

  it('does not accept the stored session id in place of the token (a leaked sessions table is no key)', async () => {
    const author = await t.factories.user({ role: 'author' });
    const cookie = await t.factories.sessionCookie(author);
    const token = cookie.slice(SESSION_COOKIE.length + 1);
    await expectAllWritesRefused(`${SESSION_COOKIE}=${sessionIdOf(token)}`, 401, 'unauthorized');
  });
});

describe('XSS in post bodies', () => {
  const payloads = [
    '<script>alert(1)</script>',
    '<SCRIPT SRC=https://evil.example/x.js></SCRIPT>',
    '[click](javascript:alert(1))',
    '[click](JaVaScRiPt:alert(1))',
    '[click](  javascript:alert(1))',
    '[click](&#106;avascript:alert(1))',
    '[click](java\tscript:alert(1))',
    '[click](vbscript:msgbox(1))',
    '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '<javascript:alert(1)>',
    '![x](javascript:alert(1))',
    '![x](https://example.com/a.png" onerror="alert(1))',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">raw link</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<div onmouseover="alert(1)">hover</div>',
    '<svg onload=alert(1)>',
    '<style>body{display:none}</style>',
    '[x](https://example.com "title\\" onmouseover=\\"alert(1)")',
    '```html\n<script>alert(1)</script>\n```',
    '`<img src=x onerror=alert(1)>`',
    '<!-- comment --><script>alert(1)</script>',
  ];

  const UNSAFE_TAGS = [
    'script',
    'iframe',
    'object',
    'embed',
    'svg',
    'math',
    'style',
    'div',
    'form',
    'input',
    'base',
    'link',
    'meta',
  ];

  /** What in `html` could run script: unsafe tags, event-handler attributes, non-http(s)/mailto URLs. Escaped text is fine. */
  function dangerous(html: string): string[] {
    const problems: string[] = [];
    for (const [tag, name = '', attributes = ''] of html.matchAll(
      /<([a-z][a-z0-9]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/gi,
    )) {
      if (UNSAFE_TAGS.includes(name.toLowerCase())) problems.push(`tag ${tag}`);
      for (const [, attribute = '', value = ''] of attributes.matchAll(
        /\s+([^\s=>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+))?/g,
      )) {
        const attr = attribute.toLowerCase();
        if (attr.startsWith('on') || attr === 'style' || attr === 'srcdoc')
          problems.push(`attribute ${attr} in ${tag}`);
        if (attr === 'href' || attr === 'src') {
          const url = value
            .replace(/^["']|["']$/g, '')
            .replace(/&#x?[0-9a-f]+;?|&[a-z]+;|\s/gi, '')
            .toLowerCase();
          if (!/^(https?:\/\/|mailto:)/.test(url)) problems.push(`url ${value} in ${tag}`);
        }
      }
    }
    return problems;
  }

  it('has a detector that sees dangerous markup', () => {
    expect(dangerous('<p>ok <a href="https://x.example" rel="noopener">x</a></p>')).toEqual([]);
    expect(dangerous('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')).toEqual([]);
    expect(dangerous('<a title="x&quot; onclick=&quot;y" href="https://x.example">')).toEqual([]);
    expect(dangerous('<script>alert(1)</script>')).toHaveLength(1);
    expect(dangerous('<img src=x onerror=alert(1)>')).toHaveLength(2);
    expect(dangerous('<a href="java&#x09;script:alert(1)">x</a>')).toHaveLength(1);
    expect(dangerous('<a href=" JAVASCRIPT:alert(1)">x</a>')).toHaveLength(1);
  });

  it.each(payloads)('renders %j inert in bodyHtml', async (payload) => {
    const author = await t.factories.user({ role: 'author' });
    const post = await read(
      await t.request('POST', '/api/posts', {
        as: author,
        json: { title: 'XSS', bodyMarkdown: `Before.\n\n${payload}\n\nAfter.`, status: 'published' },
      }),
      201,
      PostSchema,
    );
    expect(dangerous(post.bodyHtml)).toEqual([]);
    expect(post.bodyHtml).toContain('After.');

    // The stored HTML served to readers is the same, and an edit re-sanitises.
    const served = await read(await t.request('GET', `/api/posts/${post.id}`), 200, PostSchema);
    expect(served.bodyHtml).toBe(post.bodyHtml);
    const edited = await read(
      await t.request('PATCH', `/api/posts/${post.id}`, { as: author, json: { bodyMarkdown: `${payload} again` } }),
      200,
      PostSchema,
    );
    expect(dangerous(edited.bodyHtml)).toEqual([]);
  });

  it('escapes raw HTML as text rather than dropping what the author wrote', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await read(
      await t.request('POST', '/api/posts', { as: author, json: { title: 'Raw', bodyMarkdown: '<b>bold?</b>' } }),
      201,
      PostSchema,
    );
    expect(post.bodyHtml).toBe('<p>&lt;b&gt;bold?&lt;/b&gt;</p>\n');
  });

  it('keeps the excerpt plain text: Markdown is stripped, literal angle brackets stay text for the page to escape', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await read(
      await t.request('POST', '/api/posts', {
        as: author,
        json: { title: 'Excerpt', bodyMarkdown: '**Bold** and [a link](https://example.com) and <b>tags</b> & more' },
      }),
      201,
      PostSchema,
    );
    expect(post.excerpt).toBe('Bold and a link and <b>tags</b> & more');
    expect(post.bodyHtml).toContain('&lt;b&gt;tags&lt;/b&gt;');
  });

  it('keeps safe links and images, with rel=noopener on links', async () => {
    const author = await t.factories.user({ role: 'author' });
    const post = await read(
      await t.request('POST', '/api/posts', {
        as: author,
        json: {
          title: unique('Links '),
          bodyMarkdown: '[site](https://example.com) ![pic](https://example.com/a.png) <mailto:a@example.com>',
        },
      }),
      201,
      PostSchema,
    );
    expect(post.bodyHtml).toContain('<a href="https://example.com" rel="noopener">site</a>');
    expect(post.bodyHtml).toContain('<img src="https://example.com/a.png" alt="pic" />');
    expect(post.bodyHtml).toContain('href="mailto:a@example.com"');
  });
});
