import type { CommentsEvent, PostEvent } from '@blog/contract';

/** One post's pending change after coalescing: the latest event, plus every slug whose page must go. */
export interface PostChange {
  postId: number;
  event: PostEvent['event'];
  slug: string;
  /** Old slugs (renames) whose pages are removed unless the post is published under them again. */
  staleSlugs: string[];
}

/** Folds `event` into the pending changes (the latest event for a post wins; stale slugs accumulate). */
export function mergePostEvent(pending: Map<number, PostChange>, event: PostEvent): void {
  const before = pending.get(event.postId);
  const stale = new Set(before?.staleSlugs ?? []);
  if (before && before.slug !== event.slug) stale.add(before.slug);
  if (event.previousSlug) stale.add(event.previousSlug);
  stale.delete(event.slug);
  pending.set(event.postId, { postId: event.postId, event: event.event, slug: event.slug, staleSlugs: [...stale] });
}

/** A post whose comments changed: its page, comment pages and feeds are rendered again. */
export interface CommentsChange {
  postId: number;
  slug: string;
}

/** Folds a comments event into the pending ones: one render per post, whatever the burst. */
export function mergeCommentsEvent(
  pending: Map<number, CommentsChange>,
  event: Pick<CommentsEvent, 'postId' | 'slug'>,
): void {
  pending.set(event.postId, { postId: event.postId, slug: event.slug });
}
