import { excerptOf, renderCommentMarkdown, renderPostMarkdown } from '../lib/markdown.js';
import type { Models } from './models/index.js';

// hooks

/** Post HTML and excerpt are rendered from Markdown on every save that changes it. */
function renderPost(post: InstanceType<Models['Post']>): void {
  if (post.isNewRecord || post.changed('bodyMarkdown')) {
    post.bodyHtml = renderPostMarkdown(post.bodyMarkdown);
    post.excerpt = excerptOf(post.bodyMarkdown);
  }
}

/** Comment HTML is rendered from Markdown on every save that changes it. */
function renderComment(comment: InstanceType<Models['Comment']>): void {
  if (comment.isNewRecord || comment.changed('bodyMarkdown')) {
    comment.bodyHtml = renderCommentMarkdown(comment.bodyMarkdown);
  }
}

/** Installs the hooks that keep derived columns (sanitised HTML, excerpts) in step. */
export function registerDerivedHooks(models: Models): void {
  models.Post.beforeSave('renderPost', renderPost);
  models.Comment.beforeSave('renderComment', renderComment);
}
