import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageRejected, makeVariants, sniffImageType, variantWidths } from './images.js';

// Real images made by sharp itself, real files in a temp folder, the real libvips decoders.

const root = mkdtempSync(join(tmpdir(), 'blog-images-'));
let n = 0;
const freshDir = () => join(root, `case-${n++}`);
afterAll(() => rm(root, { recursive: true, force: true }));

const limits = { maxPixels: 50_000_000 };
const solid = (width: number, height: number, alpha = false) =>
  sharp({
    create: {
      width,
      height,
      channels: alpha ? 4 : 3,
      background: alpha ? { r: 200, g: 10, b: 10, alpha: 0.5 } : '#3366aa',
    },
  });

async function rejected(input: Buffer, dir: string, max = limits.maxPixels): Promise<ImageRejected> {
  const error = await makeVariants(input, dir, { maxPixels: max }).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ImageRejected)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

describe('sniffImageType', () => {
  it('reads the type from the content, not the name', async () => {
    expect(sniffImageType(await solid(8, 8).jpeg().toBuffer())).toBe('image/jpeg');
    expect(sniffImageType(await solid(8, 8).png().toBuffer())).toBe('image/png');
    expect(sniffImageType(await solid(8, 8).webp().toBuffer())).toBe('image/webp');
    expect(sniffImageType(await solid(8, 8).avif().toBuffer())).toBe('image/avif');
    expect(sniffImageType(await solid(8, 8).gif().toBuffer())).toBe('image/gif');
    expect(
      sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')),
    ).toBeNull();
    expect(sniffImageType(Buffer.from('<!doctype html><title>x</title>'))).toBeNull();
  });
});

describe('makeVariants', () => {
  it('never upscales: the ladder below the width, then the width', () => {
    expect(variantWidths(4000)).toEqual([480, 960, 1200, 2000]);
    expect(variantWidths(800)).toEqual([480, 800]);
    expect(variantWidths(300)).toEqual([300]);
  });

  it('makes AVIF, WebP and JPEG at each width of a 12-megapixel photo, GPS and EXIF gone, orientation applied', async () => {
    // 4000 × 3000 with EXIF orientation 6 (shown rotated: 3000 × 4000) and a GPS position.
    const photo = await sharp({
      create: {
        width: 4000,
        height: 3000,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg({ quality: 90 })
      .withMetadata({ orientation: 6 })
      .withExifMerge({ IFD0: { Make: 'TestCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 0/1' } })
      .toBuffer();
    const before = await sharp(photo).metadata();
    expect(before.exif?.includes(Buffer.from('TestCam'))).toBe(true);
    expect(before.orientation).toBe(6);
    const dir = freshDir();
    const started = performance.now();
    const made = await makeVariants(photo, dir, limits);
    const ms = performance.now() - started;
    expect(made).toMatchObject({ mimeType: 'image/jpeg', width: 3000, height: 4000 });
    expect(made.variants.map((v) => `${v.width}.${v.format}`)).toEqual(
      [480, 960, 1200, 2000].flatMap((w) => [`${w}.avif`, `${w}.webp`, `${w}.jpeg`]),
    );
    expect(readdirSync(dir).sort()).toEqual(made.variants.map((v) => v.file).sort());
    for (const variant of made.variants) {
      const meta = await sharp(readFileSync(join(dir, variant.file))).metadata();
      expect(meta.exif, variant.file).toBeUndefined();
      expect(meta.xmp, variant.file).toBeUndefined();
      expect([meta.width, meta.height]).toEqual([variant.width, variant.height]);
      expect(variant.height).toBe(Math.round((variant.width * 4) / 3));
    }
    console.info(`12-megapixel JPEG to ${made.variants.length} variants: ${Math.round(ms)} ms`);
  }, 120_000);

  it('falls back to PNG for transparency, and keeps a GIF animated', async () => {
    const png = await makeVariants(await solid(640, 480, true).png().toBuffer(), freshDir(), limits);
    expect(png.variants.map((v) => v.format)).toEqual(['avif', 'webp', 'png', 'avif', 'webp', 'png']);
    const frames = await Promise.all(
      ['#ff0000', '#00ff00', '#0000ff'].map((background) =>
        sharp({ create: { width: 64, height: 48, channels: 3, background } })
          .png()
          .toBuffer(),
      ),
    );
    const animated = await sharp(frames, { join: { animated: true } })
      .gif({ loop: 0 })
      .toBuffer();
    expect((await sharp(animated, { animated: true }).metadata()).pages).toBe(3);
    const dir = freshDir();
    const gif = await makeVariants(animated, dir, limits);
    expect(gif).toMatchObject({ mimeType: 'image/gif', width: 64, height: 48 });
    expect(gif.variants.map((v) => v.format)).toEqual(['webp', 'gif']);
    for (const variant of gif.variants) {
      expect((await sharp(readFileSync(join(dir, variant.file)), { animated: true }).metadata()).pages).toBe(3);
    }
  });

  it('refuses SVG and a PNG behind a JPEG name alike: by content (415)', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    expect(await rejected(svg, freshDir())).toMatchObject({ status: 415, code: 'unsupported_image_type' });
    // JPEG magic bytes in front of a PNG: the decoder disagrees with the first bytes.
    const png = await solid(16, 16).png().toBuffer();
    const forged = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), png]);
    expect((await rejected(forged, freshDir())).status).toBeGreaterThanOrEqual(415);
  });

  it('refuses a truncated file (422) and a huge pixel count before decoding it (422)', async () => {
    const jpeg = await solid(800, 600).jpeg().toBuffer();
    expect(await rejected(jpeg.subarray(0, Math.floor(jpeg.length / 2)), freshDir())).toMatchObject({
      status: 422,
      code: 'image_unreadable',
    });
    // A decompression bomb: 10,000 × 10,000 of one colour is a few KB of PNG and 100 megapixels.
    const bomb = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(1_000_000);
    expect(await rejected(bomb, freshDir())).toMatchObject({ status: 422, code: 'image_too_large' });
  }, 60_000);
});
