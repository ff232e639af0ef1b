import type { Comment } from '../../db/models/index.js';
import { presentAuthor } from '../posts/presenter.js';
import type { AdminComment } from './content.schema.js';
import type { CommentPostRef } from './content.service.js';

/** A comment in the moderation queue: the source and the post it is on, hidden or not. */
export function presentAdminComment(comment: Comment, post: CommentPostRef): AdminComment {
  if (!comment.author) throw new Error('presentAdminComment needs the author included');
  return {
    id: comment.id,
    post: { id: post.id, title: post.title, slug: post.slug, status: post.status },
    parentId: comment.parentId,
    author: presentAuthor(comment.author),
    status: comment.status,
    moderationReason: comment.moderationReason,
    bodyMarkdown: comment.bodyMarkdown,
    bodyHtml: comment.bodyHtml,
    createdAt: comment.createdAt.toISOString(),
    editedAt: comment.editedAt ? comment.editedAt.toISOString() : null,
  };
}
