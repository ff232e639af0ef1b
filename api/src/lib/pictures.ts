// Images of the media library in a post body: the sanitised <img> becomes a <picture> with AVIF
// and WebP sources, a srcset of every width, and the image's width and height (no layout shift).

export interface PictureVariant {
  file: string;
  format: string;
  width: number;
  height: number;
}

export interface PictureMedia {
  key: string;
  width: number;
  height: number;
  alt: string;
  variants: PictureVariant[];
}

/** A media row as stored (its variants as JSON), the shape both the presenter and the render hook read. */
export interface StoredMedia {
  key: string;
  width: number;
  height: number;
  alt: string;
  variants: string;
}

/** The stored variants of a media row (its `variants` JSON). */
export const variantsOf = (media: Pick<StoredMedia, 'variants'>): PictureVariant[] =>
  JSON.parse(media.variants) as PictureVariant[];

/** A media row as withPictures() takes it. */
export const pictureMediaOf = (media: StoredMedia): PictureMedia => ({
  key: media.key,
  width: media.width,
  height: media.height,
  alt: media.alt,
  variants: variantsOf(media),
});

/** Where a variant is served. */
export const mediaUrl = (key: string, file: string) => `/media/${key}/${file}`;

/** A media path in Markdown or HTML: /media/<key>/<file>. */
export const MEDIA_PATH = /\/media\/([0-9a-f]{16})\/[\w.-]+/g;

const escapeAttr = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `srcset` of one format: every width. */
function srcset(media: PictureMedia, format: string): string {
  return media.variants
    .filter((variant) => variant.format === format)
    .sort((a, b) => a.width - b.width)
    .map((variant) => `${mediaUrl(media.key, variant.file)} ${variant.width}w`)
    .join(', ');
}

/** The fallback format of an image's variants (JPEG, PNG or GIF). */
export const fallbackFormat = (media: Pick<PictureMedia, 'variants'>) =>
  media.variants.find((variant) => !['avif', 'webp'].includes(variant.format))?.format ?? 'jpeg';

/** The largest fallback variant: what a plain <img src> and Markdown point at. */
export function largestFallback(media: Pick<PictureMedia, 'variants'>): PictureVariant | undefined {
  const format = fallbackFormat(media);
  return media.variants.filter((variant) => variant.format === format).sort((a, b) => b.width - a.width)[0];
}

/** A <picture> for `media` (attribute values escaped here; `alt` is plain text). */
export function pictureHtml(
  media: PictureMedia,
  options: { alt: string; sizes: string; loading: 'lazy' | 'eager'; className?: string },
): string {
  const fallback = largestFallback(media);
  const fallbackFormatName = fallbackFormat(media);
  const sources = ['avif', 'webp']
    .filter((format) => media.variants.some((variant) => variant.format === format))
    .map(
      (format) =>
        `<source type="image/${format}" srcset="${srcset(media, format)}" sizes="${escapeAttr(options.sizes)}">`,
    )
    .join('');
  const src = fallback ? mediaUrl(media.key, fallback.file) : '';
  const cls = options.className ? ` class="${escapeAttr(options.className)}"` : '';
  return `<picture${cls}>${sources}<img src="${src}" srcset="${srcset(media, fallbackFormatName)}" sizes="${escapeAttr(options.sizes)}" width="${media.width}" height="${media.height}" alt="${escapeAttr(options.alt)}" loading="${options.loading}" decoding="async"></picture>`;
}

const decodeAttr = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * Replaces each sanitised `<img src="/media/<key>/…">` of a known image with its <picture> (the
 * Markdown's alt text first, else the library's); the first one loads eagerly, the rest lazily.
 */
export function withPictures(html: string, media: ReadonlyMap<string, PictureMedia>): string {
  if (media.size === 0) return html;
  let first = true;
  return html.replace(/<img\b([^>]*?)\s*\/?>/g, (tag, attrs: string) => {
    const src = /\bsrc="([^"]*)"/.exec(attrs)?.[1] ?? '';
    const key = /^\/media\/([0-9a-f]{16})\/[\w.-]+$/.exec(src)?.[1];
    const found = key ? media.get(key) : undefined;
    if (!found) return tag;
    const alt = decodeAttr(/\balt="([^"]*)"/.exec(attrs)?.[1] ?? '') || found.alt;
    const loading = first ? 'eager' : 'lazy';
    first = false;
    return pictureHtml(found, { alt, sizes: '(min-width: 50rem) 46rem, 100vw', loading });
  });
}
