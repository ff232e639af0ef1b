import type { Comment, User } from '../../db/models/index.js';
import { presentAuthor } from '../posts/presenter.js';
import type { CommentOut, CommentThreadOut } from './schema.js';

/** How comments are shown: `editWindowSeconds` is how long after posting its author may edit it. */
export interface CommentView {
  viewer: User | null;
  editWindowSeconds: number;
}

/**
 * A comment as readers see it: hidden ones keep their place but lose their body; the viewer's own
 * carry their Markdown and until when they can still be edited.
 */
/** A comment model instance, or a plain row of the list's lean query (service.ts), with its author. */
export type CommentLike = Pick<
  Comment,
  'id' | 'postId' | 'parentId' | 'authorId' | 'status' | 'bodyHtml' | 'bodyMarkdown' | 'createdAt' | 'editedAt'
> & { author?: Pick<User, 'id' | 'name'> | undefined };

export function presentComment(comment: CommentLike, { viewer, editWindowSeconds }: CommentView): CommentOut {
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
    ...(own && !hidden
      ? {
          bodyMarkdown: comment.bodyMarkdown,
          editableUntil: new Date(comment.createdAt.getTime() + editWindowSeconds * 1000).toISOString(),
        }
      : {}),
    createdAt: comment.createdAt.toISOString(),
    editedAt: comment.editedAt ? comment.editedAt.toISOString() : null,
  };
}

export function presentThread(comment: CommentLike, replies: CommentLike[], view: CommentView): CommentThreadOut {
  return { ...presentComment(comment, view), replies: replies.map((reply) => presentComment(reply, view)) };
}
