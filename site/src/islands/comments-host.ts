// What <blog-comments> shares with its lazily loaded writing half (comment-actions.ts): its
// state, as plain fields, and the few methods both call. Type-only: no bytes in either bundle.
import type { CommentSort } from '@blog/contract/comment-order';
import type { User } from './session';
import type { Comment, CommentThread, CommentViewer } from './types';

/**
 * Where a composer or a message belongs: `n` the new-comment form, `r<threadId>` a reply form,
 * `e<commentId>` an edit form, `c<commentId>` a comment's own actions (like, pin, delete).
 */
export type Key = string;

export interface Problem {
  text: string;
  code: string;
}

/** A comment with the list it sits in (the threads, or one thread's replies). */
export interface Found {
  comment: Comment;
  list: Comment[];
}

export interface CommentsHost extends HTMLElement {
  postId: number;
  sort: CommentSort;
  user: User | null;
  viewer: CommentViewer;
  threads: CommentThread[];
  /** The reader's new threads while later pages are unread (they belong after those). */
  fresh: CommentThread[];
  total: number | undefined;
  next: string | null;
  open: Key | null;
  confirming: number | null;
  /** Comments the API has not confirmed yet (new ones have negative ids). */
  readonly pending: Set<number>;
  /** The text of an edit the API refused, for the form that opens again. */
  readonly retry: Map<Key, string>;
  /** The comment a reply form answers (`r<threadId>` → the comment clicked). */
  readonly replyTo: Map<Key, Comment>;
  tempId: number;
  readonly updateComplete: Promise<boolean>;
  requestUpdate(): void;
  /** What went wrong, by form (`c<id>` for a comment's own actions). */
  readonly problems: Map<Key, Problem>;
  /** The static pages are behind or missing: read the API's pages from now on. */
  readFromApi(): void;
  /** Opens the account dialog at sign-in. */
  ask(event: Event): void;
}
