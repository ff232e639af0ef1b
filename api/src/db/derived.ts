import type { Transaction } from 'sequelize';
import type { MarkdownRenderer } from '../lib/markdown-worker.js';
import { MEDIA_PATH, pictureMediaOf, withPictures } from '../lib/pictures.js';
import { readingMinutesOfHtml } from '../lib/reading-time.js';
import { slugify, uniqueSlug } from '../lib/slug.js';
import type { Models } from './models/index.js';

/**
 * A post body's HTML with its media-library images as <picture>s: the images its Markdown points
 * at (/media/<key>/…) read in one query, in `transaction` when given.
 */
export async function picturesIn(
  models: Models,
  html: string,
  source: string,
  transaction?: Transaction | null,
): Promise<string> {
  const keys = [...new Set([...source.matchAll(MEDIA_PATH)].map((match) => match[1] ?? ''))].filter(Boolean);
  if (keys.length === 0) return html;
  const rows = await models.Media.findAll({ where: { key: keys }, transaction: transaction ?? null });
  return withPictures(html, new Map(rows.map((row) => [row.key, pictureMediaOf(row)])));
}

/**
 * Installs the hooks that keep derived columns in step: a post's sanitised HTML, excerpt (the
 * author's own, else one made from the body) and reading time, rendered from Markdown on every
 * save that changes it (large bodies in the renderer's worker thread); a comment's HTML; and the
 * author slug (their page's address) of whoever a post is written by, given on their first post.
 */
export function registerDerivedHooks(models: Models, markdown: MarkdownRenderer): void {
  // hooks
  models.Post.beforeSave('renderPost', async (post, { transaction }) => {
    if (post.isNewRecord || post.changed('bodyMarkdown') || post.changed('customExcerpt')) {
      const { html, excerpt } = await markdown.post(post.bodyMarkdown);
      post.bodyHtml = await picturesIn(models, html, post.bodyMarkdown, transaction);
      post.excerpt = post.customExcerpt?.trim() || excerpt;
      post.readingMinutes = readingMinutesOfHtml(html);
    }
  });
  models.Post.beforeSave('authorSlug', async (post, { transaction }) => {
    if (!post.isNewRecord && !post.changed('authorId')) return;
    const author = await models.User.findByPk(post.authorId, { attributes: ['id', 'name', 'slug'], transaction });
    if (!author || author.slug) return;
    const slug = await uniqueSlug(slugify(author.name, 60), async (candidate) => {
      const other = await models.User.findOne({ where: { slug: candidate }, attributes: ['id'], transaction });
      return !!other && other.id !== author.id;
    });
    await author.update({ slug }, { transaction, hooks: false });
  });
  models.Comment.beforeSave('renderComment', async (comment) => {
    if (comment.isNewRecord || comment.changed('bodyMarkdown')) {
      comment.bodyHtml = await markdown.comment(comment.bodyMarkdown);
    }
  });
}
