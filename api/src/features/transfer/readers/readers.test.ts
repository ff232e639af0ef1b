import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ImportedPost, type ImportedSite, ImportFileError } from '../shape.js';
import { readGhost } from './ghost.js';
import { readMarkdownFolder } from './markdown.js';
import { autop, decodeXmlEntities, findUpload, readWxr } from './wxr.js';

// The import readers on realistic exports (fixtures/): every mapping to the common shape, and
// hostile files (entity declarations, path escapes, alias bombs) refused or defused.

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const uploads = path.join(fixtures, 'wp-uploads');
const wxrText = readFileSync(path.join(fixtures, 'wordpress.xml'), 'utf8');

const post = (site: ImportedSite, ref: string): ImportedPost => {
  const found = site.posts.find((item) => item.ref === ref);
  if (!found) throw new Error(`no post ${ref}`);
  return found;
};

const fileError = (read: () => unknown): ImportFileError => {
  try {
    read();
  } catch (error) {
    if (error instanceof ImportFileError) return error;
    throw error;
  }
  throw new Error('no ImportFileError thrown');
};

/** A minimal WXR around some items. */
const wxr = (items: string, head = '') => `<?xml version="1.0" encoding="UTF-8"?>${head}
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>t</title>${items}</channel></rss>`;

describe('readWxr', () => {
  const site = readWxr(wxrText, { attachmentsDir: uploads });

  it('reads the authors and every commenter once, by ref', () => {
    expect(site.people).toEqual([
      { ref: 'ada', email: 'ada@example.com', name: 'Ada Lovelace', role: 'author' },
      { ref: 'charles', email: 'charles@example.com', name: 'Charles Babbage', role: 'author' },
      { ref: 'comment:mary@example.org', email: 'mary@example.org', name: 'Mary Somerville', role: 'user' },
      { ref: 'comment:ada@example.com', email: 'ada@example.com', name: 'Ada Lovelace', role: 'user' },
      { ref: 'comment-anon:Passer-by', email: null, name: 'Passer-by', role: 'user' },
    ]);
  });

  it('reads the categories', () => {
    expect(site.categories).toEqual([
      { ref: 'engines', name: 'Engines & Machines', slug: 'engines', description: 'Difference and analytical' },
      { ref: 'uncategorized', name: 'Uncategorized', slug: 'uncategorized' },
    ]);
  });

  it('reads only the posts, in order, and says what it left out', () => {
    expect(site.posts.map((item) => item.ref)).toEqual(['10', '11', '12']);
    expect(site.skipped).toEqual([
      {
        kind: 'comment',
        ref: '103',
        reason: 'spam',
        message: 'A spam comment on "On the Analytical Engine & its notes".',
      },
      {
        kind: 'comment',
        ref: '104',
        reason: 'pingback',
        message: 'A pingback on "On the Analytical Engine & its notes".',
      },
      { kind: 'post', ref: '13', reason: 'trashed', message: '"Thrown away" is in the trash.' },
      { kind: 'page', ref: '2', reason: 'page', message: '"About" is a page, not a post.' },
      {
        kind: 'post',
        ref: '31',
        reason: 'unsupported_type',
        message: '"A product" is of type "product", which is not imported.',
      },
    ]);
    expect(site.warnings).toEqual([]);
  });

  it('reads a published post whole: body through wpautop, cover, attachment, tags, excerpt', () => {
    const { comments, ...rest } = post(site, '10');
    expect(rest).toEqual({
      ref: '10',
      title: 'On the Analytical Engine & its notes',
      subtitle: '',
      slug: 'analytical-engine',
      bodyMarkdown:
        'The engine weaves algebraic patterns.\n\nIt might act upon other things besides *number* & more.\n\n' +
        '![The engine](https://blog.example.com/wp-content/uploads/2024/01/photo.png)',
      status: 'published',
      publishedAt: new Date('2024-01-15T10:30:00Z'),
      createdAt: new Date('2024-01-15T10:30:00Z'),
      authorRef: 'ada',
      categoryRefs: ['engines'],
      commentsClosed: false,
      tags: ['History', 'Math'],
      coverUrl: 'https://blog.example.com/wp-content/uploads/2024/01/photo.png',
      attachments: [
        {
          ref: '20',
          url: 'https://blog.example.com/wp-content/uploads/2024/01/photo.png',
          localPath: path.join(uploads, '2024/01/photo.png'),
          title: 'photo',
        },
      ],
      scheduledAt: null,
      customExcerpt: 'Patterns, woven.',
    });
    // The attachment found is the real PNG next to the export.
    const local = rest.attachments[0]?.localPath ?? '';
    expect(readFileSync(local).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(statSync(local).isFile()).toBe(true);
  });

  it('reads comments threaded as the source says, with their status and dates', () => {
    expect(post(site, '10').comments).toEqual([
      {
        ref: '100',
        parentRef: null,
        authorRef: 'comment:mary@example.org',
        bodyMarkdown: 'Lovely notes.\n\nSecond paragraph.',
        status: 'visible',
        createdAt: new Date('2024-01-15T11:00:00Z'),
      },
      {
        ref: '101',
        parentRef: '100',
        authorRef: 'comment:ada@example.com',
        bodyMarkdown: 'Thank you, **Mary**!',
        status: 'visible',
        createdAt: new Date('2024-01-15T12:00:00Z'),
      },
      {
        ref: '102',
        parentRef: '101',
        authorRef: 'comment:mary@example.org',
        bodyMarkdown: 'A third level reply.',
        status: 'pending',
        createdAt: new Date('2024-01-15T13:00:00Z'),
      },
      {
        ref: '105',
        parentRef: null,
        authorRef: 'comment-anon:Passer-by',
        bodyMarkdown: 'No email given.',
        status: 'visible',
        createdAt: new Date('2024-01-18T00:00:00Z'),
      },
    ]);
  });

  it('reads a draft: an escaped title kept as text, scripts and handlers dropped, no slug, closed comments', () => {
    const draft = post(site, '11');
    expect(draft.title).toBe('<script>alert(1)</script> in a title');
    expect(draft.bodyMarkdown).toBe('Draft body\n\nText after');
    expect(draft.bodyMarkdown).not.toMatch(/script|onerror|cookie/);
    expect(draft.status).toBe('draft');
    expect(draft.publishedAt).toBeNull();
    expect(draft.createdAt).toEqual(new Date('2024-01-20T09:00:00Z'));
    expect(draft.slug).toBeNull();
    expect(draft.commentsClosed).toBe(true);
    expect(draft.authorRef).toBe('charles');
    expect(draft.categoryRefs).toEqual(['uncategorized']);
    expect(draft.coverUrl).toBeNull();
    expect(draft.attachments).toEqual([]);
    expect(draft.customExcerpt).toBeUndefined();
  });

  it('reads a future post as published and scheduled, every category in order', () => {
    const future = post(site, '12');
    expect(future.status).toBe('published');
    expect(future.publishedAt).toEqual(new Date('2031-03-01T09:00:00Z'));
    expect(future.scheduledAt).toEqual(new Date('2031-03-01T09:00:00Z'));
    expect(future.categoryRefs).toEqual(['engines', 'uncategorized']);
    expect(future.bodyMarkdown).toBe('Coming soon.');
  });

  it('gives attachments no local file without an attachments folder', () => {
    const bare = readWxr(wxrText);
    expect(post(bare, '10').attachments[0]?.localPath).toBeNull();
    expect(post(bare, '10').coverUrl).toBe('https://blog.example.com/wp-content/uploads/2024/01/photo.png');
  });

  it('refuses a DOCTYPE or an ENTITY declaration before parsing (XXE, billion laughs)', () => {
    const laughs = wxr(
      '<item><title>&lol9;</title></item>',
      '\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>',
    );
    expect(fileError(() => readWxr(laughs)).reason).toBe('xml_entities');
    const xxe = wxr('<item><title>&xxe;</title></item>', '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>');
    expect(fileError(() => readWxr(xxe)).reason).toBe('xml_entities');
    expect(fileError(() => readWxr(wxr('<!entity x "y">'))).reason).toBe('xml_entities');
    // Around CDATA, still refused; an unfinished CDATA hides nothing.
    const after = wxr('<item><title><![CDATA[x]]></title></item>', '<![CDATA[ ]]><!DOCTYPE r [<!ENTITY a "b">]>');
    expect(fileError(() => readWxr(after)).reason).toBe('xml_entities');
    expect(fileError(() => readWxr(wxr('<item><title><![CDATA[<!DOCTYPE x [<!ENTITY a "b">]>'))).reason).toBe(
      'xml_entities',
    );
  });

  it('reads a post that shows a DOCTYPE in a code sample (inside CDATA) as text', () => {
    const site = readWxr(
      wxr(
        '<item><title>HTML basics</title><wp:post_id>5</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>' +
          '<content:encoded><![CDATA[<pre><code>&lt;!DOCTYPE html&gt; <!DOCTYPE html></code></pre>]]></content:encoded></item>',
      ),
    );
    expect(site.posts[0]?.bodyMarkdown).toContain('<!DOCTYPE html>');
  });

  it('refuses malformed XML and XML that is no export', () => {
    expect(fileError(() => readWxr(wxr('<item><title>open</item>'))).reason).toBe('malformed_xml');
    expect(fileError(() => readWxr('not xml at all')).reason).toBe('malformed_xml');
    expect(fileError(() => readWxr('<feed><entry/></feed>')).reason).toBe('malformed_xml');
    expect(fileError(() => readWxr('')).reason).toBe('malformed_xml');
  });

  it('decodes the five entities and numeric references in text, keeps CDATA literal', () => {
    const site = readWxr(
      wxr(`<item><title>a &amp;lt; b &#8217;&#x2014; &nbsp; &#0;</title><wp:post_id>1</wp:post_id>
      <wp:post_type>post</wp:post_type><wp:status>draft</wp:status>
      <content:encoded><![CDATA[<pre>&amp;amp; &lt;</pre>]]></content:encoded></item>`),
    );
    expect(site.posts[0]?.title).toBe('a &lt; b \u2019\u2014 &nbsp; &#0;');
    // CDATA is passed to the HTML converter as written: it decodes its own entities once.
    expect(site.posts[0]?.bodyMarkdown).toBe('```\n&amp; <\n```');
    expect(decodeXmlEntities('&quot;&apos;&gt;&#65;&#x1F600;&#xD800;')).toBe('"\'>A\u{1F600}&#xD800;');
  });

  it('gives an attachment escaping its folder no local file', () => {
    const escaping = readWxr(
      wxr(`<item><title>p</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
      <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>2</wp:meta_value></wp:postmeta></item>
      <item><title>a</title><wp:post_id>2</wp:post_id><wp:post_type>attachment</wp:post_type><wp:post_parent>1</wp:post_parent>
      <wp:attachment_url>https://x.example/wp-content/uploads/..%2Fwordpress.xml</wp:attachment_url></item>
      <item><title>b</title><wp:post_id>3</wp:post_id><wp:post_type>attachment</wp:post_type><wp:post_parent>1</wp:post_parent>
      <wp:attachment_url>../../etc/passwd</wp:attachment_url></item>
      <item><title>c</title><wp:post_id>4</wp:post_id><wp:post_type>attachment</wp:post_type><wp:post_parent>1</wp:post_parent>
      <wp:attachment_url>https://x.example/wp-content/uploads/2024/01/missing.png</wp:attachment_url></item>`),
      { attachmentsDir: uploads },
    );
    expect(escaping.posts[0]?.attachments.map((item) => [item.ref, item.localPath])).toEqual([
      ['2', null],
      ['3', null],
      ['4', null],
    ]);
    expect(escaping.posts[0]?.coverUrl).toBe('https://x.example/wp-content/uploads/..%2Fwordpress.xml');
    expect(findUpload(uploads, 'https://x.example/wp-content/uploads/../../wordpress.xml')).toBeNull();
    expect(findUpload(uploads, `${fixtures}/wordpress.xml`)).toBeNull();
    expect(findUpload(uploads, '/wp-content/uploads/%2e%2e%2fwordpress.xml')).toBeNull();
    expect(findUpload(uploads, '/wp-content/uploads/%00photo.png')).toBeNull();
    expect(findUpload(uploads, 'https://x.example/wp-content/uploads/2024/01/photo.png')).toBe(
      path.join(uploads, '2024/01/photo.png'),
    );
    // A folder is no file; a URL elsewhere falls back to its basename (not found here).
    expect(findUpload(uploads, 'https://x.example/wp-content/uploads/2024')).toBeNull();
    expect(findUpload(uploads, 'https://cdn.example/other/photo.png')).toBeNull();
  });

  it('follows no symbolic link out of the attachments folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wxr-uploads-'));
    try {
      symlinkSync(path.join(fixtures, 'wordpress.xml'), path.join(dir, 'linked.png'));
      copyFileSync(path.join(uploads, '2024/01/photo.png'), path.join(dir, 'photo.png'));
      expect(findUpload(dir, 'https://x.example/wp-content/uploads/linked.png')).toBeNull();
      // The basename fallback: a flat folder of uploads.
      expect(findUpload(dir, 'https://x.example/wp-content/uploads/2024/01/photo.png')).toBe(
        path.join(dir, 'photo.png'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a huge title as is (the writer limits lengths)', () => {
    const title = 'T'.repeat(10_000);
    const site = readWxr(
      wxr(`<item><title>${title}</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type></item>`),
    );
    expect(site.posts[0]?.title).toBe(title);
    expect(site.posts[0]?.status).toBe('draft');
  });

  it('wraps loose paragraphs only when the body has no block tags', () => {
    expect(autop('one\n\ntwo <em>x</em>\r\n\r\nthree')).toBe('<p>one</p>\n<p>two <em>x</em></p>\n<p>three</p>');
    expect(autop('<p>kept</p>\n\nas is')).toBe('<p>kept</p>\n\nas is');
  });
});

describe('readGhost', () => {
  const ghostText = readFileSync(path.join(fixtures, 'ghost.json'), 'utf8');
  const site = readGhost(ghostText);

  it('reads the users as people, no categories', () => {
    expect(site.people).toEqual([
      {
        ref: '1',
        email: 'grace@lighthouse.example.com',
        name: 'Grace Darling',
        role: 'author',
        bio: 'Keeper of the light.',
        createdAt: new Date('2023-11-01T10:00:00Z'),
      },
      {
        ref: '65a1f0c2e4b0a1000144c002',
        email: 'ida@lighthouse.example.com',
        name: 'Ida Lewis',
        role: 'author',
        createdAt: new Date('2023-11-02T10:00:00Z'),
      },
    ]);
    expect(site.categories).toEqual([]);
  });

  it('reads a published post whole', () => {
    expect(post(site, '65a1f0c2e4b0a1000144a001')).toEqual({
      ref: '65a1f0c2e4b0a1000144a001',
      title: 'Welcome to the Lighthouse',
      subtitle: '',
      slug: 'welcome-to-the-lighthouse',
      bodyMarkdown: 'The lamp is **lit**.\n\n## Keepers\n\n- Grace\n- Ida',
      status: 'published',
      publishedAt: new Date('2024-01-13T07:00:00Z'),
      createdAt: new Date('2024-01-12T08:00:00Z'),
      updatedAt: new Date('2024-01-14T09:30:00Z'),
      authorRef: '65a1f0c2e4b0a1000144c002',
      categoryRefs: [],
      comments: [],
      tags: ['Lamps', 'Sea'],
      coverUrl: 'https://lighthouse.example.com/content/images/2024/01/lamp.jpg',
      attachments: [],
      scheduledAt: null,
      metaDescription: 'The first post of the Lighthouse.',
      customExcerpt: 'A light in the fog.',
      canonicalUrl: 'https://old.example.com/welcome',
      ogImageUrl: 'https://lighthouse.example.com/content/images/og.jpg',
    });
  });

  it('reads a draft from its plaintext, escaped, with the legacy author_id', () => {
    const draft = post(site, '65a1f0c2e4b0a1000144a002');
    expect(draft.status).toBe('draft');
    expect(draft.publishedAt).toBeNull();
    expect(draft.bodyMarkdown).toBe('Wind at \\*force\\* 9\n\n\\# not a heading');
    expect(draft.authorRef).toBe('1');
    expect(draft.tags).toEqual(['Sea']);
    expect(draft.coverUrl).toBeNull();
    expect(draft.customExcerpt).toBeUndefined();
  });

  it('reads a scheduled post as published then; members-only posts as drafts, with a warning', () => {
    const scheduled = post(site, '65a1f0c2e4b0a1000144a004');
    expect(scheduled.status).toBe('published');
    expect(scheduled.scheduledAt).toEqual(new Date('2031-04-01T06:00:00Z'));
    expect(scheduled.publishedAt).toEqual(new Date('2031-04-01T06:00:00Z'));
    expect(scheduled.authorRef).toBeNull();
    const paid = post(site, '65a1f0c2e4b0a1000144a005');
    expect(paid.status).toBe('draft');
    expect(paid.publishedAt).toBeNull();
    expect(site.warnings).toEqual([
      {
        kind: 'post',
        ref: '65a1f0c2e4b0a1000144a005',
        reason: 'members_only',
        message: '"For paying members" is for paid members only in Ghost: it is imported as a draft.',
      },
    ]);
  });

  it('skips pages', () => {
    expect(site.posts.map((item) => item.ref)).toEqual([
      '65a1f0c2e4b0a1000144a001',
      '65a1f0c2e4b0a1000144a002',
      '65a1f0c2e4b0a1000144a004',
      '65a1f0c2e4b0a1000144a005',
    ]);
    expect(site.skipped).toEqual([
      {
        kind: 'page',
        ref: '65a1f0c2e4b0a1000144a003',
        reason: 'page',
        message: '"About the Lighthouse" is a page, not a post.',
      },
    ]);
  });

  it('accepts { meta, data } at the top level', () => {
    const inner = (JSON.parse(ghostText) as { db: unknown[] }).db[0];
    expect(readGhost(JSON.stringify(inner))).toEqual(site);
  });

  it('refuses a file that is not JSON, or not a Ghost export', () => {
    expect(fileError(() => readGhost('<?xml version="1.0"?><rss/>')).reason).toBe('malformed_json');
    expect(fileError(() => readGhost('')).reason).toBe('malformed_json');
    expect(fileError(() => readGhost('[1, 2]')).reason).toBe('not_a_ghost_export');
    expect(fileError(() => readGhost('{"db": [{"data": {"posts": 3}}]}')).reason).toBe('not_a_ghost_export');
    expect(fileError(() => readGhost('null')).reason).toBe('not_a_ghost_export');
  });
});

describe('readMarkdownFolder', () => {
  it('reads an author as "Name <email>", an email or a name, and the comment moderation mode', () => {
    const file = (name: string, author: string, extra = '') => ({
      path: `${name}.md`,
      content: `---\ntitle: ${name}\nauthor: ${author}\n${extra}---\n\nBody`,
    });
    const site = readMarkdownFolder([
      file('one', '"Grace Hopper <Grace@Example.com>"', 'commentModeration: first\n'),
      file('two', 'linus@example.com', 'commentModeration: sometimes\n'),
      file('three', 'Min-ji Kim'),
    ]);
    expect(site.people).toEqual([
      { ref: 'grace@example.com', email: 'grace@example.com', name: 'Grace Hopper', role: 'author' },
      { ref: 'linus@example.com', email: 'linus@example.com', name: 'linus', role: 'author' },
      { ref: 'min-ji kim', email: null, name: 'Min-ji Kim', role: 'author' },
    ]);
    expect(site.posts.map((post) => post.commentModeration)).toEqual(['first', undefined, undefined]);
  });

  const root = path.join(fixtures, 'markdown');
  const files = (readdirSync(root, { recursive: true }) as string[])
    .map((file) => file.split(path.sep).join('/'))
    .filter((file) => statSync(path.join(root, file)).isFile())
    .sort()
    .map((file) => ({ path: file, content: readFileSync(path.join(root, file), 'utf8') }));
  const site = readMarkdownFolder(files);

  it('reads the Markdown files only, and skips the unreadable ones', () => {
    expect(files.map((file) => file.path)).toContain('src/content/blog/cover.png');
    expect(site.posts.map((item) => item.ref)).toEqual([
      '_posts/2023-05-06-old-friend.md',
      'content/posts/hugo-draft.markdown',
      'notes/quiet-harbour/index.md',
      'src/content/blog/first-light.md',
    ]);
    expect(site.skipped.map(({ kind, ref, reason }) => ({ kind, ref, reason }))).toEqual([
      { kind: 'file', ref: 'broken.md', reason: 'bad_front_matter' },
      { kind: 'file', ref: 'hugo-toml.md', reason: 'toml_front_matter' },
      { kind: 'file', ref: 'no-title.md', reason: 'missing_title' },
    ]);
    expect(site.warnings).toEqual([]);
  });

  it('reads an Astro post', () => {
    expect(post(site, 'src/content/blog/first-light.md')).toEqual({
      ref: 'src/content/blog/first-light.md',
      title: 'First light',
      subtitle: '',
      slug: 'first-light',
      bodyMarkdown: 'Lorem *ipsum* with <span>raw HTML</span> kept as written.\n\n## A heading',
      status: 'published',
      publishedAt: new Date('2022-07-08T10:00:00Z'),
      createdAt: new Date('2022-07-08T10:00:00Z'),
      updatedAt: new Date('2022-07-10T00:00:00Z'),
      authorRef: 'ada@example.com',
      categoryRefs: ['engineering'],
      comments: [],
      tags: ['astro', 'lamps'],
      attachments: [],
      scheduledAt: null,
      metaDescription: 'How the lamp was lit, in Astro.',
      canonicalUrl: 'https://astro.example.com/first-light',
      ogImageUrl: 'https://astro.example.com/og/first-light.png',
    });
  });

  it('reads a Hugo draft', () => {
    expect(post(site, 'content/posts/hugo-draft.markdown')).toEqual({
      ref: 'content/posts/hugo-draft.markdown',
      title: 'Hugo draft',
      subtitle: '',
      slug: 'hugo-draft-custom',
      bodyMarkdown: 'Body of the Hugo draft.',
      status: 'draft',
      publishedAt: null,
      createdAt: new Date('2023-01-02T09:00:00Z'),
      updatedAt: new Date('2023-01-05T08:00:00Z'),
      authorRef: 'charles babbage',
      categoryRefs: ['engineering', 'sea life'],
      commentsClosed: true,
      comments: [],
      tags: ['fog', 'rocks'],
      attachments: [],
      scheduledAt: null,
      customExcerpt: 'A short summary.',
      canonicalUrl: null,
      ogImageUrl: null,
    });
  });

  it('reads a Jekyll post: slug and date from the file name', () => {
    const jekyll = post(site, '_posts/2023-05-06-old-friend.md');
    expect(jekyll.slug).toBe('old-friend');
    expect(jekyll.publishedAt).toEqual(new Date('2023-05-06T00:00:00Z'));
    expect(jekyll.subtitle).toBe('Jekyll style');
    expect(jekyll.categoryRefs).toEqual(['sea life']);
    expect(jekyll.bodyMarkdown).toBe('Met **again**.');
  });

  it('reads an index.md as its folder, scheduled', () => {
    const index = post(site, 'notes/quiet-harbour/index.md');
    expect(index.slug).toBe('quiet-harbour');
    expect(index.status).toBe('published');
    expect(index.scheduledAt).toEqual(new Date('2031-06-01T09:00:00Z'));
    expect(index.publishedAt).toEqual(new Date('2031-06-01T09:00:00Z'));
    expect(index.createdAt).toEqual(new Date('2024-02-01T00:00:00Z'));
    expect(index.customExcerpt).toBe('Still water.');
    expect(index.canonicalUrl).toBe('https://example.org/quiet');
  });

  it('makes people and categories once each', () => {
    expect(site.people).toEqual([
      { ref: 'charles babbage', email: null, name: 'Charles Babbage', role: 'author' },
      { ref: 'ada@example.com', email: 'ada@example.com', name: 'Ada', role: 'author' },
    ]);
    expect(site.categories).toEqual([
      { ref: 'sea life', name: 'Sea Life', slug: 'sea-life' },
      { ref: 'engineering', name: 'Engineering', slug: 'engineering' },
    ]);
  });

  it('skips a YAML alias bomb, front matter that is no mapping, and reads the rest', () => {
    const bomb = [
      '---',
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'title: *f',
      '---',
      'Boom.',
    ].join('\n');
    const read = readMarkdownFolder([
      { path: 'bomb.md', content: bomb },
      { path: 'list.md', content: '---\n- a\n- b\n---\nBody' },
      { path: 'scalar.mdx', content: '---\njust text\n---\nBody' },
      { path: 'fine.mdx', content: '---\ntitle: Fine\ndraft: false\n---\nimport X from "./x"\n\n<X />' },
      { path: 'image.jpg', content: '---\ntitle: not markdown\n---' },
    ]);
    expect(read.skipped.map(({ ref, reason }) => [ref, reason])).toEqual([
      ['bomb.md', 'bad_front_matter'],
      ['list.md', 'bad_front_matter'],
      ['scalar.mdx', 'bad_front_matter'],
    ]);
    expect(read.posts.map((item) => [item.ref, item.slug, item.status, item.bodyMarkdown])).toEqual([
      ['fine.mdx', 'fine', 'published', 'import X from "./x"\n\n<X />'],
    ]);
    expect(read.warnings.map(({ ref, reason }) => [ref, reason])).toEqual([['fine.mdx', 'mdx_components']]);
  });

  it('reads a huge title as is, comma-separated categories, status: draft and published: false', () => {
    const title = 'x'.repeat(10_000);
    const read = readMarkdownFolder([
      { path: 'a.md', content: `---\ntitle: ${title}\nstatus: draft\ncategories: "One, Two"\n---\n` },
      { path: 'b.md', content: '---\ntitle: B\npublished: false\n---\n' },
      { path: 'c.md', content: '---\ntitle: C\npublished: 2020-02-03\n---\n' },
    ]);
    expect(read.posts.map((item) => [item.title.length, item.status, item.publishedAt?.toISOString() ?? null])).toEqual(
      [
        [10_000, 'draft', null],
        [1, 'draft', null],
        [1, 'published', '2020-02-03T00:00:00.000Z'],
      ],
    );
    expect(read.posts[0]?.categoryRefs).toEqual(['one', 'two']);
    expect(read.posts[0]?.bodyMarkdown).toBe('');
  });
});
