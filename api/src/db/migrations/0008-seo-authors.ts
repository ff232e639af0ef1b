import { DataTypes, type QueryInterface, QueryTypes } from 'sequelize';
import { readingMinutesOfHtml } from '../../lib/reading-time.js';
import { slugify, uniqueSlug } from '../../lib/slug.js';

/**
 * SEO fields and author pages (issue 14): a post's meta description, custom excerpt, canonical
 * URL and `og:image` overrides, and its reading time (kept by the render hook, db/derived.ts);
 * a user's public `slug` (their page at /authors/<slug>/, given to whoever writes a post) and
 * short `bio`. Existing posts get their reading time and existing authors their slug here.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('posts', 'meta_description', { type: DataTypes.STRING(300), allowNull: false, defaultValue: '' });
  await qi.addColumn('posts', 'custom_excerpt', { type: DataTypes.STRING(300), allowNull: false, defaultValue: '' });
  await qi.addColumn('posts', 'canonical_url', { type: DataTypes.STRING(2000), allowNull: true });
  await qi.addColumn('posts', 'og_image_url', { type: DataTypes.STRING(2000), allowNull: true });
  await qi.addColumn('posts', 'reading_minutes', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 });
  await qi.addColumn('users', 'slug', { type: DataTypes.STRING(100), allowNull: true });
  await qi.addColumn('users', 'bio', { type: DataTypes.STRING(500), allowNull: false, defaultValue: '' });
  await qi.addIndex('users', ['slug'], { unique: true, name: 'users_slug' });

  const sequelize = qi.sequelize;
  const posts = await sequelize.query<{ id: number; body_html: string }>('SELECT id, body_html FROM posts', {
    type: QueryTypes.SELECT,
  });
  for (const post of posts) {
    const minutes = readingMinutesOfHtml(post.body_html);
    if (minutes !== 1)
      await sequelize.query('UPDATE posts SET reading_minutes = ? WHERE id = ?', { replacements: [minutes, post.id] });
  }
  const authors = await sequelize.query<{ id: number; name: string }>(
    `SELECT id, name FROM users WHERE role IN ('author', 'admin') OR id IN (SELECT author_id FROM posts) ORDER BY id`,
    { type: QueryTypes.SELECT },
  );
  const taken = new Set<string>();
  for (const author of authors) {
    const slug = await uniqueSlug(slugify(author.name, 60), async (candidate) => taken.has(candidate));
    taken.add(slug);
    await sequelize.query('UPDATE users SET slug = ? WHERE id = ?', { replacements: [slug, author.id] });
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('users', 'users_slug');
  for (const column of ['bio', 'slug']) await qi.removeColumn('users', column);
  for (const column of ['reading_minutes', 'og_image_url', 'canonical_url', 'custom_excerpt', 'meta_description'])
    await qi.removeColumn('posts', column);
}
