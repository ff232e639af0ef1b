import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Op, QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Media, User } from '../../db/models/index.js';
import type { Clock } from '../../lib/clock.js';
import { ApiError, conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import type { AuditLogger } from '../admin/audit.js';
import { ImageRejected, makeVariants } from './images.js';

export interface MediaLimits {
  dir: string;
  maxBytes: number;
  maxPixels: number;
}

export type MediaService = ReturnType<typeof createMediaService>;

/**
 * The media library (issue 14): an upload is checked by its content, made into variants once
 * (features/media/images.ts) in a temporary folder that becomes MEDIA_DIR/<key>/ only when the row
 * is written, so a refused or failed upload leaves nothing on disk. Every author and admin sees the
 * library; the uploader or an admin edits the alt text or deletes it, which is refused while a post
 * shows it.
 */
export function createMediaService({
  db,
  limits,
  audit,
}: {
  db: Database;
  clock: Clock;
  limits: MediaLimits;
  audit: AuditLogger;
}) {
  const { Media: MediaModel, User } = db.models;
  const include = [{ model: User, as: 'owner', attributes: ['id', 'name'] }];

  const mayChange = (user: User, media: Media) => user.role === 'admin' || media.ownerId === user.id;

  /** How many posts show `media`: as cover, or by its path in the body. */
  async function usage(media: Pick<Media, 'id' | 'key'>, transaction?: Transaction): Promise<number> {
    const [row] = await db.sequelize.query<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM posts WHERE cover_media_id = ? OR body_markdown LIKE ?',
      { replacements: [media.id, `%/media/${media.key}/%`], type: QueryTypes.SELECT, transaction },
    );
    return Number(row?.n ?? 0);
  }

  /** `usage` of a whole page of images in one query, in their order. */
  async function usageOfPage(rows: Pick<Media, 'id'>[]): Promise<number[]> {
    if (rows.length === 0) return [];
    const counted = await db.sequelize.query<{ id: number | string; n: number | string }>(
      `SELECT m.id AS id, COUNT(p.id) AS n FROM media m
         JOIN posts p ON p.cover_media_id = m.id OR p.body_markdown LIKE ('%/media/' || m.key || '/%')
        WHERE m.id IN (?) GROUP BY m.id`,
      { replacements: [rows.map((row) => row.id)], type: QueryTypes.SELECT },
    );
    const byId = new Map(counted.map((row) => [Number(row.id), Number(row.n)]));
    return rows.map((row) => byId.get(row.id) ?? 0);
  }

  async function find(id: number, transaction?: Transaction): Promise<Media> {
    const media = await MediaModel.findByPk(id, { include, transaction });
    if (!media) throw notFound('Image');
    return media;
  }

  return {
    usage,

    async upload(user: User, file: File, alt: string): Promise<Media> {
      if (file.size > limits.maxBytes) {
        throw new ApiError(
          413,
          'image_too_large',
          `Images are limited to ${Math.round(limits.maxBytes / 1048576)} MB.`,
        );
      }
      const input = Buffer.from(await file.arrayBuffer());
      const key = randomBytes(8).toString('hex');
      const temporary = join(limits.dir, `.upload-${key}`);
      const final = join(limits.dir, key);
      try {
        const made = await makeVariants(input, temporary, { maxPixels: limits.maxPixels });
        await rename(temporary, final);
        try {
          const saved = await db.transaction(async (transaction) => {
            const media = await MediaModel.create(
              {
                key,
                ownerId: user.id,
                originalName: file.name.slice(0, 200),
                mimeType: made.mimeType,
                width: made.width,
                height: made.height,
                bytes: input.length,
                alt,
                variants: JSON.stringify(
                  made.variants.map(({ file: name, format, width, height, bytes }) => ({
                    file: name,
                    format,
                    width,
                    height,
                    bytes,
                  })),
                ),
              },
              { transaction },
            );
            await audit.write(
              user,
              {
                action: 'media.upload',
                targetType: 'media',
                targetId: media.id,
                details: { key, bytes: input.length },
              },
              transaction,
            );
            return media;
          });
          return await find(saved.id);
        } catch (error) {
          await rm(final, { recursive: true, force: true });
          throw error;
        }
      } catch (error) {
        await rm(temporary, { recursive: true, force: true });
        if (error instanceof ImageRejected) throw new ApiError(error.status, error.code, error.message);
        throw error;
      }
    },

    async list(query: { q?: string | undefined; page: number; limit: number }) {
      const where = query.q
        ? { [Op.or]: [{ originalName: { [Op.like]: `%${query.q}%` } }, { alt: { [Op.like]: `%${query.q}%` } }] }
        : {};
      const { rows, count } = await MediaModel.findAndCountAll({
        where,
        include,
        order: [
          ['createdAt', 'DESC'],
          ['id', 'DESC'],
        ],
        limit: query.limit,
        offset: (query.page - 1) * query.limit,
      });
      return { rows, used: await usageOfPage(rows), total: count };
    },

    async get(id: number): Promise<{ media: Media; used: number }> {
      const media = await find(id);
      return { media, used: await usage(media) };
    },

    async update(user: User, id: number, input: { alt: string }): Promise<{ media: Media; used: number }> {
      return db.transaction(async (transaction) => {
        const media = await find(id, transaction);
        if (!mayChange(user, media))
          throw forbidden('not_owner', 'Only its uploader or an admin can change this image.');
        if (media.alt !== input.alt) {
          media.alt = input.alt;
          await media.save({ transaction });
        }
        return { media, used: await usage(media, transaction) };
      });
    },

    async remove(user: User, id: number): Promise<void> {
      const key = await db.transaction(async (transaction) => {
        const media = await find(id, transaction);
        if (!mayChange(user, media))
          throw forbidden('not_owner', 'Only its uploader or an admin can delete this image.');
        const used = await usage(media, transaction);
        if (used > 0) {
          throw conflict(
            'media_in_use',
            `${used === 1 ? 'A post shows' : `${used} posts show`} this image; take it out of ${used === 1 ? 'that post' : 'them'} first.`,
          );
        }
        await media.destroy({ transaction });
        await audit.write(
          user,
          { action: 'media.delete', targetType: 'media', targetId: id, details: { key: media.key } },
          transaction,
        );
        return media.key;
      });
      await rm(join(limits.dir, key), { recursive: true, force: true });
    },

    /** The image a post may take as its cover: it exists and has alt text (in `transaction`). */
    async coverFor(id: number, transaction: Transaction): Promise<Media> {
      const media = await MediaModel.findByPk(id, { transaction });
      if (!media)
        throw unprocessable('unknown_media', 'No such image.', [{ path: 'coverMediaId', message: 'no such image' }]);
      if (!media.alt.trim()) {
        throw unprocessable('cover_alt_required', 'Give the image its alt text before it becomes a cover.', [
          { path: 'coverMediaId', message: 'the image has no alt text' },
        ]);
      }
      return media;
    },
  };
}
