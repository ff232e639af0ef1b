import { z } from 'zod';

/** The publish webhook's body (DESIGN §3). Unknown events are refused. */
export const PublishEventSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.enum(['published', 'updated', 'unpublished', 'deleted']),
    postId: z.number().int().positive(),
    slug: z.string().min(1).max(300),
    previousSlug: z.string().min(1).max(300).optional(),
    at: z.string().max(100),
  }),
  z.object({
    event: z.literal('rebuild'),
    reason: z.string().max(200).optional(),
    at: z.string().max(100),
  }),
]);
export type PublishEvent = z.infer<typeof PublishEventSchema>;
export type PostEvent = Extract<PublishEvent, { postId: number }>;

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
