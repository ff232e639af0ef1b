import type { Comment, User } from '../../db/models/index.js';
import { presentAuthor } from '../posts/presenter.js';
import type { CommentOut, CommentThreadOut } from './schema.js';

/** A comment as readers see it: hidden ones keep their place but lose their body. */
export function presentComment(comment: Comment, viewer: User | null): CommentOut {
  if (!comment.author) throw new Error('presentComment needs the author included');
  const hidden = comment.status !== 'visible';
  const own = viewer !== null && viewer.id === comment.authorId;
  return {
    id: comment.id,
    postId: comment.postId,
    parentId: comment.parentId,
    author: presentAuthor(comment.author),
    status: comment.status,
    bodyHtml: hidden ? '' : comment.bodyHtml,
    ...(own && !hidden ? { bodyMarkdown: comment.bodyMarkdown } : {}),
    createdAt: comment.createdAt.toISOString(),
    editedAt: comment.editedAt ? comment.editedAt.toISOString() : null,
  };
}

export function presentThread(comment: Comment, replies: Comment[], viewer: User | null): CommentThreadOut {
  return { ...presentComment(comment, viewer), replies: replies.map((reply) => presentComment(reply, viewer)) };
}
