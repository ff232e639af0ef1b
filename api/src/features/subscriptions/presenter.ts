import type { SubscriptionKind, SubscriptionOut } from '@blog/contract';
import { dateOf, dateOrNull } from '../../db/rows.js';

/** A subscription's row as the reader's list and the data export read it (one lean query). */
export interface SubscriptionRow {
  id: number;
  kind: SubscriptionKind;
  email: string | null;
  post_id: number | null;
  post_slug: string | null;
  post_title: string | null;
  confirmed_at: Date | string | null;
  unsubscribed_at: Date | string | null;
  created_at: Date | string;
}

/** The contract's Subscription: active when confirmed and not unsubscribed. */
export function presentSubscription(row: SubscriptionRow): SubscriptionOut {
  const confirmedAt = dateOrNull(row.confirmed_at);
  const unsubscribedAt = dateOrNull(row.unsubscribed_at);
  return {
    id: Number(row.id),
    kind: row.kind,
    post:
      row.post_id === null ? null : { id: Number(row.post_id), slug: row.post_slug ?? '', title: row.post_title ?? '' },
    active: confirmedAt !== null && unsubscribedAt === null,
    confirmedAt: confirmedAt?.toISOString() ?? null,
    unsubscribedAt: unsubscribedAt?.toISOString() ?? null,
    createdAt: dateOf(row.created_at).toISOString(),
  };
}
