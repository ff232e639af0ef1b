import { createHash } from 'node:crypto';
import type { Comment, User } from '../../db/models/index.js';
import { presentAuthor } from '../posts/presenter.js';
import type { CommentOut, CommentThreadOut } from './schema.js';

/** AVATARS: `initials` (the site draws them; no third party) or `gravatar`. */
export type AvatarMode = 'initials' | 'gravatar';

/**
 * How comments are shown: `editWindowSeconds` is how long after posting its author may edit it;
 * `avatars` whether authors get a Gravatar URL.
 */
export interface CommentView {
  viewer: User | null;
  editWindowSeconds: number;
  avatars: AvatarMode;
}

/** A comment model instance, or a plain row of the list's lean query (service.ts), with its author. */
export type CommentLike = Pick<
  Comment,
  | 'id'
  | 'postId'
  | 'parentId'
  | 'authorId'
  | 'status'
  | 'bodyHtml'
  | 'bodyMarkdown'
  | 'createdAt'
  | 'editedAt'
  | 'likesCount'
  | 'pinnedAt'
> & {
  /** `email` is needed (and read) only with AVATARS=gravatar. */
  author?: (Pick<User, 'id' | 'name'> & { email?: string | null }) | undefined;
};

/**
 * Gravatar's address for an email: the SHA-256 of the trimmed, lower-cased address, 80 px, an
 * identicon for addresses Gravatar does not know.
 */
export function gravatarUrl(email: string): string {
  const hash = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
  return `https://www.gravatar.com/avatar/${hash}?s=80&d=identicon`;
}

/** The author's picture: null (draw the initials) unless Gravatar is on and the email was read. */
function avatarOf(author: NonNullable<CommentLike['author']>, avatars: AvatarMode): string | null {
  if (avatars !== 'gravatar') return null;
  if (typeof author.email !== 'string') throw new Error('AVATARS=gravatar needs the author email read');
  return gravatarUrl(author.email);
}

/**
 * A comment as readers see it: hidden ones keep their place but lose their body; the viewer's own
 * carry their Markdown and, once visible, until when they can still be edited.
 */
export function presentComment(comment: CommentLike, { viewer, editWindowSeconds, avatars }: CommentView): CommentOut {
  if (!comment.author) throw new Error('presentComment needs the author included');
  // A pending comment is presented only to its author (and in the admin queue), body and all.
  const hidden = comment.status === 'hidden' || comment.status === 'rejected';
  const own = viewer !== null && viewer.id === comment.authorId;
  return {
    id: comment.id,
    postId: comment.postId,
    parentId: comment.parentId,
    author: { ...presentAuthor(comment.author), avatarUrl: avatarOf(comment.author, avatars) },
    status: comment.status,
    bodyHtml: hidden ? '' : comment.bodyHtml,
    likesCount: comment.likesCount,
    pinnedAt: comment.pinnedAt ? comment.pinnedAt.toISOString() : null,
    ...(own && comment.status === 'visible'
      ? {
          bodyMarkdown: comment.bodyMarkdown,
          editableUntil: new Date(comment.createdAt.getTime() + editWindowSeconds * 1000).toISOString(),
        }
      : own && comment.status === 'pending'
        ? { bodyMarkdown: comment.bodyMarkdown }
        : {}),
    createdAt: comment.createdAt.toISOString(),
    editedAt: comment.editedAt ? comment.editedAt.toISOString() : null,
  };
}

export function presentThread(comment: CommentLike, replies: CommentLike[], view: CommentView): CommentThreadOut {
  return { ...presentComment(comment, view), replies: replies.map((reply) => presentComment(reply, view)) };
}
