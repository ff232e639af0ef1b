import { Op } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Post } from '../../db/models/index.js';
import { notFound } from '../../lib/errors.js';
import { parseIdOrSlug } from '../../lib/openapi.js';
import { type PostService, postIncludes } from '../posts/service.js';

export type SiteService = ReturnType<typeof createSiteService>;

/** What the static site builder and the on-demand renderer read: published posts with their bodies, and previews. */
export function createSiteService(db: Database, posts: Pick<PostService, 'previewed' | 'withTags'>) {
  const { Post } = db.models;
  const include = postIncludes(db);
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
        include,
        attributes: { exclude: ['bodyMarkdown'] },
        order: [['id', 'ASC']],
        limit: query.limit + 1,
      });
      const page = await posts.withTags(rows.slice(0, query.limit));
      const last = page.at(-1);
      return { rows: page, nextCursor: rows.length > query.limit && last ? String(last.id) : null };
    },

    /** One published post (the on-demand page of a post the static site does not hold yet). */
    async published(idOrSlug: string): Promise<Post> {
      const post = await Post.findOne({
        where: { ...parseIdOrSlug(idOrSlug), status: 'published' },
        include,
        attributes: { exclude: ['bodyMarkdown'] },
      });
      if (!post) throw notFound('Post');
      await posts.withTags([post]);
      return post;
    },

    /** The post behind a preview link (410 once it expired, 404 for anything else). */
    previewed: (token: string) => posts.previewed(token),
  };
}
