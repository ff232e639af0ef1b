import type { Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Category } from '../../db/models/index.js';
import { conflict, notFound } from '../../lib/errors.js';
import { parseIdOrSlug } from '../../lib/openapi.js';
import { retryOnSlugRace, slugify, uniqueSlug } from '../../lib/slug.js';
import type { CreateCategoryInput, UpdateCategoryInput } from './schema.js';

export type CategoryService = ReturnType<typeof createCategoryService>;

export function createCategoryService(db: Database) {
  const { Category } = db.models;

  async function chooseSlug(name: string, wanted: string | undefined, transaction: Transaction, ownId?: number) {
    const taken = async (slug: string) => {
      const existing = await Category.findOne({ where: { slug }, attributes: ['id'], transaction });
      return !!existing && existing.id !== ownId;
    };
    if (wanted !== undefined) {
      if (await taken(wanted)) throw conflict('slug_taken', `Another category already uses the slug "${wanted}".`);
      return wanted;
    }
    return uniqueSlug(slugify(name), taken);
  }

  /** A write transaction that picks a slug, run again if a concurrent writer took that slug first. */
  const writeWithSlug = <T>(work: (transaction: Transaction) => Promise<T>) =>
    retryOnSlugRace(
      () => db.transaction(work),
      () => conflict('slug_taken', 'Another category took that slug at the same moment; try again.'),
    );

  async function get(idOrSlug: string, transaction?: Transaction): Promise<Category> {
    const category = await Category.findOne({ where: parseIdOrSlug(idOrSlug), transaction });
    if (!category) throw notFound('Category');
    return category;
  }

  return {
    list: () => Category.findAll({ order: [['name', 'ASC']] }),
    get,

    async create(input: CreateCategoryInput): Promise<Category> {
      return writeWithSlug(async (transaction) =>
        Category.create(
          {
            name: input.name,
            description: input.description,
            slug: await chooseSlug(input.name, input.slug, transaction),
          },
          { transaction },
        ),
      );
    },

    async update(idOrSlug: string, input: UpdateCategoryInput): Promise<Category> {
      return writeWithSlug(async (transaction) => {
        const category = await get(idOrSlug, transaction);
        if (input.slug !== undefined && input.slug !== category.slug) {
          category.slug = await chooseSlug(category.name, input.slug, transaction, category.id);
        }
        if (input.name !== undefined) category.name = input.name;
        if (input.description !== undefined) category.description = input.description;
        return category.save({ transaction });
      });
    },

    /** Deletes a category; its posts stay, uncategorised (the foreign key sets them to null). */
    async remove(idOrSlug: string): Promise<void> {
      await db.transaction(async (transaction) => {
        const category = await get(idOrSlug, transaction);
        await category.destroy({ transaction });
      });
    },
  };
}
