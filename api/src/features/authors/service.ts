import { Op, type Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { User } from '../../db/models/index.js';
import type { Clock } from '../../lib/clock.js';
import { conflict, notFound, unprocessable } from '../../lib/errors.js';
import { retryOnSlugRace, slugify, uniqueSlug } from '../../lib/slug.js';
import { enqueuePublishEvent, type PublishJobs } from '../publishing/service.js';
import type { UpdateAuthorProfileInput } from './schema.js';

/** Slugs an author page may not have: the paths beside /authors/<slug>/ in the API. */
const RESERVED = new Set(['me']);

export type AuthorService = ReturnType<typeof createAuthorService>;

/**
 * Author pages (issue 14): who has one (whoever has a published post), and an author's own edits
 * of their page. The slug is given with their first post (db/derived.ts); a change of bio or slug
 * asks the builder for a full rebuild (every byline links the page; it is rare).
 */
export function createAuthorService({ db, clock, jobs }: { db: Database; clock: Clock; jobs: PublishJobs }) {
  const { User } = db.models;
  const attributes = ['id', 'name', 'slug', 'bio', 'postsCount'] as const;

  const taken = (transaction: Transaction, ownId: number) => async (slug: string) => {
    if (RESERVED.has(slug)) return true;
    const other = await User.findOne({ where: { slug }, attributes: ['id'], transaction });
    return !!other && other.id !== ownId;
  };

  return {
    /** Authors with published posts, by name. */
    list: () =>
      User.findAll({
        attributes: [...attributes],
        where: { postsCount: { [Op.gt]: 0 }, slug: { [Op.ne]: null } },
        order: [
          ['name', 'ASC'],
          ['id', 'ASC'],
        ],
      }),

    /** One author's page: only someone with published posts has one. */
    async get(slug: string): Promise<User> {
      const author = await User.findOne({ attributes: [...attributes], where: { slug } });
      if (!author || author.postsCount < 1) throw notFound('Author');
      return author;
    },

    /** The signed-in author's own page (given a slug now if they have none yet). */
    async own(user: User): Promise<User> {
      if (user.slug) return user;
      return retryOnSlugRace(
        () =>
          db.transaction(async (transaction) => {
            const row = await User.findByPk(user.id, { transaction });
            if (!row) throw notFound('User');
            if (!row.slug)
              await row.update(
                { slug: await uniqueSlug(slugify(row.name, 60), taken(transaction, row.id)) },
                { transaction },
              );
            return row;
          }),
        () => conflict('slug_taken', 'Another author took that address at the same moment; try again.'),
      );
    },

    async update(user: User, input: UpdateAuthorProfileInput): Promise<User> {
      return retryOnSlugRace(
        () =>
          db.transaction(async (transaction) => {
            const row = await User.findByPk(user.id, { transaction });
            if (!row) throw notFound('User');
            if (input.slug !== undefined && input.slug !== row.slug) {
              if (RESERVED.has(input.slug))
                throw unprocessable('validation_failed', `"${input.slug}" cannot be an author's address.`, [
                  { path: 'slug', message: 'reserved' },
                ]);
              if (await taken(transaction, row.id)(input.slug))
                throw conflict('slug_taken', `Another author already uses the address "${input.slug}".`);
              row.slug = input.slug;
            }
            if (!row.slug) row.slug = await uniqueSlug(slugify(row.name, 60), taken(transaction, row.id));
            if (input.bio !== undefined) row.bio = input.bio;
            if (row.changed()) {
              await row.save({ transaction });
              if (row.postsCount > 0)
                await enqueuePublishEvent(
                  jobs,
                  { event: 'rebuild', reason: `author page of ${row.slug} changed`, at: clock().toISOString() },
                  transaction,
                );
            }
            return row;
          }),
        () => conflict('slug_taken', 'Another author took that address at the same moment; try again.'),
      );
    },
  };
}
