import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Metadata, type Sharp } from 'sharp';

/** The image types an upload may be, checked by content. (They move to the contract with the upload route.) */
export type MediaMimeType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/avif' | 'image/gif';
/** The formats of the variants: AVIF and WebP, plus a JPEG, PNG or GIF fallback. */
export type MediaVariantFormat = 'avif' | 'webp' | 'jpeg' | 'png' | 'gif';

/** The widths made of every image (never wider than the image itself). */
export const VARIANT_WIDTHS = [480, 960, 1200, 2000] as const;

/** Why an upload is refused, with the status and code the route answers. */
export class ImageRejected extends Error {
  constructor(
    readonly status: 413 | 415 | 422,
    readonly code: 'unsupported_image_type' | 'image_unreadable' | 'image_too_large',
    message: string,
  ) {
    super(message);
  }
}

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

/**
 * The image type of a file by its first bytes (magic numbers), or null: anything else (SVG, HTML,
 * HEIC, …) never reaches the decoder.
 */
export function sniffImageType(bytes: Uint8Array): MediaMimeType | null {
  if (bytes.length < 12) return null;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(bytes, 4, 8) === 'ftyp') {
    // The ftyp box: major brand, minor version, then compatible brands up to the box's size.
    const size = Math.min(
      ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0),
      64,
      bytes.length,
    );
    for (let at = 8; at + 4 <= size; at += 4) {
      if (at === 12) continue;
      const brand = ascii(bytes, at, at + 4);
      if (brand === 'avif' || brand === 'avis') return 'image/avif';
    }
  }
  return null;
}

const SHARP_FORMAT: Record<MediaMimeType, string> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'heif',
};

const EXTENSION: Record<MediaVariantFormat, string> = {
  avif: 'avif',
  webp: 'webp',
  jpeg: 'jpg',
  png: 'png',
  gif: 'gif',
};

/** One file written by makeVariants: `<width>.<ext>` in the folder given. */
export interface MadeVariant {
  file: string;
  format: MediaVariantFormat;
  width: number;
  height: number;
  bytes: number;
}

export interface MadeImage {
  mimeType: MediaMimeType;
  /** The image as shown: EXIF orientation applied. */
  width: number;
  height: number;
  variants: MadeVariant[];
}

/** The widths made of an image `width` pixels wide: the ladder below it, then itself (capped at the widest). */
export function variantWidths(width: number): number[] {
  const widest = Math.min(width, VARIANT_WIDTHS[VARIANT_WIDTHS.length - 1] ?? width);
  return [...VARIANT_WIDTHS.filter((w) => w < widest), widest];
}

/**
 * Checks an upload by its content and writes its variants into `dir` (which must be empty and
 * is the caller's to remove on failure): AVIF and WebP at each width plus a JPEG fallback (PNG
 * for images with transparency; for GIFs, an animated GIF and animated WebP). No metadata is
 * written (EXIF and GPS dropped); the orientation is applied first.
 */
export async function makeVariants(input: Buffer, dir: string, limits: { maxPixels: number }): Promise<MadeImage> {
  const mimeType = sniffImageType(input);
  if (!mimeType) {
    throw new ImageRejected(415, 'unsupported_image_type', 'Upload a JPEG, PNG, WebP, AVIF or GIF image.');
  }
  const animated = mimeType === 'image/gif' || mimeType === 'image/webp';
  const options = { limitInputPixels: limits.maxPixels, failOn: 'warning', animated } as const;
  let meta: Metadata;
  try {
    // The header only (no pixels decoded): the pixel limit is checked just below, with its own answer.
    meta = await sharp(input, { ...options, limitInputPixels: false }).metadata();
  } catch {
    throw new ImageRejected(422, 'image_unreadable', 'The image could not be read (truncated or corrupt).');
  }
  if (meta.format !== SHARP_FORMAT[mimeType] || (mimeType === 'image/avif' && meta.compression !== 'av1')) {
    throw new ImageRejected(415, 'unsupported_image_type', 'The file is not the image its first bytes say it is.');
  }
  const frames = meta.pages ?? 1;
  const frameHeight = meta.pageHeight ?? meta.height;
  if (!meta.width || !frameHeight || meta.width * frameHeight * frames > limits.maxPixels) {
    throw new ImageRejected(
      422,
      'image_too_large',
      `Images are limited to ${limits.maxPixels} pixels (all frames counted).`,
    );
  }
  await mkdir(dir, { recursive: true });
  const moving = frames > 1;
  const rotated = meta.orientation !== undefined && meta.orientation >= 5;
  const width = rotated ? frameHeight : meta.width;
  const height = rotated ? meta.width : frameHeight;
  const fallback: MediaVariantFormat = moving && mimeType === 'image/gif' ? 'gif' : meta.hasAlpha ? 'png' : 'jpeg';
  const formats: MediaVariantFormat[] = moving ? ['webp', fallback] : ['avif', 'webp', fallback];
  const variants: MadeVariant[] = [];
  try {
    const widths = variantWidths(width);
    // A still image is decoded once: rotated and shrunk to the widest variant, kept as raw pixels,
    // and every variant is made from that (a 12-megapixel JPEG decoded once, not once per width).
    let source: () => Sharp = () => sharp(input, options).rotate();
    if (!moving) {
      const master = await sharp(input, options)
        .rotate()
        .resize({ width: widths[widths.length - 1], withoutEnlargement: true })
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      const raw = { width: master.info.width, height: master.info.height, channels: master.info.channels };
      source = () => sharp(master.data, { raw });
    }
    for (const w of widths) {
      const resized = source().resize({ width: w, withoutEnlargement: true });
      for (const format of formats) {
        const file = `${w}.${EXTENSION[format]}`;
        const encoder =
          format === 'avif'
            ? resized.clone().avif({ quality: 50, effort: 2 })
            : format === 'webp'
              ? resized.clone().webp({ quality: 78 })
              : format === 'png'
                ? resized.clone().png()
                : format === 'gif'
                  ? resized.clone().gif()
                  : resized.clone().jpeg({ quality: 82, progressive: true });
        const info = await encoder.toFile(join(dir, file));
        variants.push({ file, format, width: info.width, height: info.pageHeight ?? info.height, bytes: info.size });
      }
    }
  } catch {
    throw new ImageRejected(422, 'image_unreadable', 'The image could not be decoded (truncated or corrupt).');
  }
  return { mimeType, width, height, variants };
}
