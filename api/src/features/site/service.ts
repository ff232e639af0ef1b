import { Op } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Post } from '../../db/models/index.js';

export type SiteService = ReturnType<typeof createSiteService>;

/** What the static site builder reads: every published post with its body, in pages. */
export function createSiteService(db: Database) {
  const { Post, User, Category } = db.models;
  return {
    /**
     * Published posts with id above `cursor`, in id order, with author and
     * category joined in the same query (one statement per page).
     */
    async publishedPage(query: {
      cursor?: string;
      limit: number;
    }): Promise<{ rows: Post[]; nextCursor: string | null }> {
      const rows = await Post.findAll({
        where: { status: 'published', ...(query.cursor ? { id: { [Op.gt]: Number(query.cursor) } } : {}) },
        include: [
          { model: User, as: 'author', attributes: ['id', 'name'] },
          { model: Category, as: 'category', attributes: ['id', 'name', 'slug'] },
        ],
        attributes: { exclude: ['bodyMarkdown'] },
        order: [['id', 'ASC']],
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return { rows: page, nextCursor: rows.length > query.limit && last ? String(last.id) : null };
    },
  };
}
