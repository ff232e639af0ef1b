import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Op } from 'sequelize';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/app.js';
import { expectError, read } from '../../../test/http.js';
import { PostSchema } from '../posts/schema.js';
import { SitePostPageSchema } from '../site/schema.js';
import { MediaListSchema, MediaSchema } from './schema.js';

// The media library through the API, on SQLite or PostgreSQL: real images made by sharp, real
// files in the test's MEDIA_DIR, real multipart requests.

const StrictMedia = MediaSchema.strict();
const MAX_BYTES = 2 * 1024 * 1024;

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ MEDIA_MAX_BYTES: String(MAX_BYTES), MEDIA_MAX_PIXELS: String(30_000_000) });
});
afterAll(async () => {
  await t.destroy();
});

type User = Awaited<ReturnType<TestContext['factories']['user']>>;
const author = () => t.factories.user({ role: 'author' });

/** POST /api/media as `as` with `bytes` in the field `file`. */
async function upload(as: User | null, bytes: Uint8Array, name = 'photo.jpg', alt?: string) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  if (alt !== undefined) form.append('alt', alt);
  const headers: Record<string, string> = as ? { cookie: await t.factories.sessionCookie(as) } : {};
  return t.app.request('/api/media', { method: 'POST', body: form, headers });
}

const photo = (width = 1600, height = 1200) =>
  sharp({ create: { width, height, channels: 3, background: '#3366aa' } })
    .withExif({ IFD0: { Copyright: 'Someone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 0/1' } })
    .jpeg()
    .toBuffer();

/** What MEDIA_DIR holds, temporary folders included. */
const onDisk = () => readdirSync(t.config.media.dir).sort();

describe('uploads', () => {
  it('makes AVIF, WebP and JPEG variants at each width, drops EXIF, and answers their URLs', async () => {
    const me = await author();
    const media = await read(await upload(me, await photo(), 'Holiday photo.jpg', 'A blue square'), 201, StrictMedia);
    expect(media).toMatchObject({
      mimeType: 'image/jpeg',
      originalName: 'Holiday photo.jpg',
      width: 1600,
      height: 1200,
      alt: 'A blue square',
      usedBy: 0,
      owner: { id: me.id },
    });
    expect(media.key).toMatch(/^[0-9a-f]{16}$/);
    expect(media.url).toBe(`/media/${media.key}/1600.jpg`);
    expect(media.markdown).toBe(`![A blue square](/media/${media.key}/1600.jpg)`);
    const made = media.variants.map((v) => `${v.width}.${v.format}`).sort();
    expect(made).toEqual(['480', '960', '1200', '1600'].flatMap((w) => [`${w}.avif`, `${w}.jpeg`, `${w}.webp`]).sort());
    for (const variant of media.variants) {
      const file = join(t.config.media.dir, variant.url.slice('/media/'.length));
      expect(existsSync(file), file).toBe(true);
      const meta = await sharp(file).metadata();
      expect(meta.width).toBe(variant.width);
      expect(meta.exif).toBeUndefined();
    }
    expect(onDisk().filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('refuses a wrong type behind a right name, SVG, a truncated file, too many pixels and too many bytes, leaving nothing on disk', async () => {
    const me = await author();
    const before = onDisk();
    const jpeg = await photo(800, 600);
    const cases: Array<[Uint8Array, string, number, string]> = [
      [
        new TextEncoder().encode('<html><script>alert(1)</script></html>'.repeat(4)),
        'cat.jpg',
        415,
        'unsupported_image_type',
      ],
      [
        new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'),
        'logo.svg',
        415,
        'unsupported_image_type',
      ],
      [jpeg.subarray(0, Math.floor(jpeg.length / 3)), 'cut.jpg', 422, 'image_unreadable'],
      // 8000 × 8000 = 64 megapixels of one colour: a few kilobytes that would decode to 192 MB.
      [
        await sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#fff' } })
          .png()
          .toBuffer(),
        'bomb.png',
        422,
        'image_too_large',
      ],
      [new Uint8Array(MAX_BYTES + 10), 'huge.jpg', 413, 'image_too_large'],
    ];
    for (const [bytes, name, status, code] of cases) {
      await expectError(await upload(me, bytes, name), status, code);
    }
    expect(onDisk()).toEqual(before);
    expect(await t.db.models.Media.count({ where: { ownerId: me.id } })).toBe(0);
  });

  it('takes only multipart with a file, from authors and admins', async () => {
    const me = await author();
    await expectError(
      await t.request('POST', '/api/media', { as: me, json: { file: 'x' } }),
      415,
      'unsupported_media_type',
    );
    const form = new FormData();
    form.append('alt', 'no file');
    const res = await t.app.request('/api/media', {
      method: 'POST',
      body: form,
      headers: { cookie: await t.factories.sessionCookie(me) },
    });
    await expectError(res, 422, 'validation_failed');
    await expectError(await upload(await t.factories.user(), await photo(64, 64)), 403, 'forbidden');
    await expectError(await upload(null, await photo(64, 64)), 401, 'unauthorized');
  });
});

describe('the library, covers and pictures', () => {
  it('requires alt text for a cover, shows the cover everywhere, and keeps an image while a post uses it', async () => {
    const me = await author();
    const media = await read(await upload(me, await photo(1200, 800), 'cover.jpg'), 201, StrictMedia);
    await expectError(
      await t.request('POST', '/api/posts', {
        as: me,
        json: { title: 'With a cover', bodyMarkdown: 'Body.', coverMediaId: media.id, status: 'published' },
      }),
      422,
      'cover_alt_required',
    );
    await expectError(
      await t.request('POST', '/api/posts', {
        as: me,
        json: { title: 'With a cover', bodyMarkdown: 'Body.', coverMediaId: 999_999 },
      }),
      422,
      'unknown_media',
    );
    const described = await read(
      await t.request('PATCH', `/api/media/${media.id}`, { as: me, json: { alt: '  Hills at dawn ' } }),
      200,
      StrictMedia,
    );
    expect(described.alt).toBe('Hills at dawn');
    const post = await read(
      await t.request('POST', '/api/posts', {
        as: me,
        json: { title: 'With a cover', bodyMarkdown: 'Body.', coverMediaId: media.id, status: 'published' },
      }),
      201,
      PostSchema,
    );
    expect(post.cover).toMatchObject({ mediaId: media.id, width: 1200, height: 800, alt: 'Hills at dawn' });
    expect(post.cover?.url).toBe(`/media/${media.key}/1200.jpg`);
    const site = await read(await t.request('GET', '/api/site/posts?limit=500'), 200, SitePostPageSchema);
    expect(site.items.find((p) => p.id === post.id)?.cover?.mediaId).toBe(media.id);
    const listed = await t.request('GET', '/api/posts?limit=100');
    expect(
      ((await listed.json()) as { items: { id: number; cover: unknown }[] }).items.find((p) => p.id === post.id)?.cover,
    ).toMatchObject({
      mediaId: media.id,
    });

    await expectError(await t.request('DELETE', `/api/media/${media.id}`, { as: me }), 409, 'media_in_use');
    const other = await author();
    await expectError(await t.request('DELETE', `/api/media/${media.id}`, { as: other }), 403, 'not_owner');
    await read(
      await t.request('PATCH', `/api/posts/${post.id}`, { as: me, json: { coverMediaId: null } }),
      200,
      PostSchema,
    );
    expect((await t.request('DELETE', `/api/media/${media.id}`, { as: me })).status).toBe(204);
    expect(existsSync(join(t.config.media.dir, media.key))).toBe(false);
  });

  it('renders a library image in a body as a <picture> with sources, srcset, width and height', async () => {
    const me = await author();
    const media = await read(await upload(me, await photo(2400, 1600), 'wide.jpg', 'Wide'), 201, StrictMedia);
    expect(media.variants.filter((v) => v.format === 'jpeg').map((v) => v.width)).toEqual([480, 960, 1200, 2000]);
    const post = await read(
      await t.request('POST', '/api/posts', {
        as: me,
        json: {
          title: 'Pictures',
          bodyMarkdown: `Before.\n\n![A "wide" view](${media.url})\n\n![](https://elsewhere.example/x.png)`,
        },
      }),
      201,
      PostSchema,
    );
    const html = post.bodyHtml;
    expect(html).toContain(
      `<source type="image/avif" srcset="/media/${media.key}/480.avif 480w, /media/${media.key}/960.avif 960w`,
    );
    expect(html).toContain('<source type="image/webp"');
    expect(html).toContain(`<img src="/media/${media.key}/2000.jpg"`);
    expect(html).toContain('width="2400" height="1600" alt="A &quot;wide&quot; view" loading="eager" decoding="async"');
    // An image from elsewhere stays a plain <img>.
    expect(html).toContain('<img src="https://elsewhere.example/x.png"');
    // The body keeps the image: it cannot go.
    await expectError(await t.request('DELETE', `/api/media/${media.id}`, { as: me }), 409, 'media_in_use');

    const list = await read(await t.request('GET', '/api/media?q=wide', { as: me }), 200, MediaListSchema);
    expect(list.items.map((item) => item.id)).toContain(media.id);
    expect(list.items.find((item) => item.id === media.id)?.usedBy).toBe(1);
    // The whole page's counts come from one query: each image its own, unused ones 0.
    const page = await read(await t.request('GET', '/api/media?limit=100', { as: me }), 200, MediaListSchema);
    for (const item of page.items) {
      const expected = await t.db.models.Post.count({
        where: {
          [Op.or]: [{ coverMediaId: item.id }, { bodyMarkdown: { [Op.like]: `%/media/${item.key}/%` } }],
        },
      });
      expect(item.usedBy, item.key).toBe(expected);
    }
    await expectError(await t.request('GET', '/api/media', { as: await t.factories.user() }), 403, 'forbidden');
  });
});
