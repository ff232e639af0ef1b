import type { Media } from '../../db/models/index.js';
import { largestFallback, mediaUrl, type PictureVariant, variantsOf } from '../../lib/pictures.js';
import type { Cover, MediaOut, MediaVariant } from './schema.js';

const presentVariants = (key: string, variants: PictureVariant[]): MediaVariant[] =>
  variants.map((variant) => ({
    url: mediaUrl(key, variant.file),
    format: variant.format as MediaVariant['format'],
    width: variant.width,
    height: variant.height,
    bytes: 'bytes' in variant ? Number((variant as { bytes: number }).bytes) : 0,
  }));

const markdownAlt = (alt: string) => alt.replace(/[[\]\\]/g, '\\$&').replace(/\s+/g, ' ');

export function presentMedia(media: Media, usedBy: number): MediaOut {
  const variants = variantsOf(media);
  const fallback = largestFallback({ variants });
  const url = fallback ? mediaUrl(media.key, fallback.file) : '';
  return {
    id: media.id,
    key: media.key,
    url,
    mimeType: media.mimeType as MediaOut['mimeType'],
    originalName: media.originalName,
    width: media.width,
    height: media.height,
    bytes: media.bytes,
    alt: media.alt,
    variants: presentVariants(media.key, variants),
    markdown: `![${markdownAlt(media.alt)}](${url})`,
    owner: media.owner ? { id: media.owner.id, name: media.owner.name } : null,
    usedBy,
    createdAt: media.createdAt.toISOString(),
  };
}

/** A post's cover (`media` loaded as `cover`). */
export function presentCover(media: Pick<Media, 'id' | 'key' | 'width' | 'height' | 'alt' | 'variants'>): Cover {
  const variants = variantsOf(media);
  const fallback = largestFallback({ variants });
  return {
    mediaId: media.id,
    url: fallback ? mediaUrl(media.key, fallback.file) : '',
    width: media.width,
    height: media.height,
    alt: media.alt,
    variants: presentVariants(media.key, variants),
  };
}
