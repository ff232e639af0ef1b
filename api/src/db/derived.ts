import type { MarkdownRenderer } from '../lib/markdown-worker.js';
import type { Models } from './models/index.js';

/**
 * Installs the hooks that keep derived columns (sanitised HTML, excerpts) in step: rendered
 * from Markdown on every save that changes it, large bodies in the renderer's worker thread.
 */
export function registerDerivedHooks(models: Models, markdown: MarkdownRenderer): void {
  // hooks
  models.Post.beforeSave('renderPost', async (post) => {
    if (post.isNewRecord || post.changed('bodyMarkdown')) {
      const { html, excerpt } = await markdown.post(post.bodyMarkdown);
      post.bodyHtml = html;
      post.excerpt = excerpt;
    }
  });
  models.Comment.beforeSave('renderComment', async (comment) => {
    if (comment.isNewRecord || comment.changed('bodyMarkdown')) {
      comment.bodyHtml = await markdown.comment(comment.bodyMarkdown);
    }
  });
}
