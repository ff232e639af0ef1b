import type { Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Category, User } from '../../db/models/index.js';
import { conflict, notFound } from '../../lib/errors.js';
import { parseIdOrSlug } from '../../lib/openapi.js';
import { chooseSlug, retryOnSlugRace } from '../../lib/slug.js';
import type { AuditLogger } from '../admin/audit.js';
import type { CreateCategoryInput, UpdateCategoryInput } from './schema.js';

export type CategoryService = ReturnType<typeof createCategoryService>;

/** Category writes are admin-only, so every one is audited in its own transaction. */
export function createCategoryService(db: Database, audit: AuditLogger) {
  const record = (actor: User, action: 'create' | 'update' | 'delete', category: Category, transaction: Transaction) =>
    audit.write(
      actor,
      {
        action: `category.${action}`,
        targetType: 'category',
        targetId: category.id,
        details: { name: category.name, slug: category.slug },
      },
      transaction,
    );

  const { Category } = db.models;

  /** A free slug for this category: `wanted` or one made from `source`; `ownId` is the row being edited. */
  const slugFor = (source: string, wanted: string | undefined, transaction: Transaction, ownId?: number) =>
    chooseSlug({
      source,
      wanted,
      what: 'category',
      taken: async (slug) => {
        const existing = await Category.findOne({ where: { slug }, attributes: ['id'], transaction });
        return !!existing && existing.id !== ownId;
      },
    });

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

    async create(actor: User, input: CreateCategoryInput): Promise<Category> {
      return writeWithSlug(async (transaction) => {
        const category = await Category.create(
          {
            name: input.name,
            description: input.description,
            slug: await slugFor(input.name, input.slug, transaction),
          },
          { transaction },
        );
        await record(actor, 'create', category, transaction);
        return category;
      });
    },

    async update(actor: User, idOrSlug: string, input: UpdateCategoryInput): Promise<Category> {
      return writeWithSlug(async (transaction) => {
        const category = await get(idOrSlug, transaction);
        if (input.slug !== undefined && input.slug !== category.slug) {
          category.slug = await slugFor(category.name, input.slug, transaction, category.id);
        }
        if (input.name !== undefined) category.name = input.name;
        if (input.description !== undefined) category.description = input.description;
        await category.save({ transaction });
        await record(actor, 'update', category, transaction);
        return category;
      });
    },

    /** Deletes a category; its posts stay, uncategorised (the foreign key sets them to null). */
    async remove(actor: User, idOrSlug: string): Promise<void> {
      await db.transaction(async (transaction) => {
        const category = await get(idOrSlug, transaction);
        await category.destroy({ transaction });
        await record(actor, 'delete', category, transaction);
      });
    },
  };
}
