import type { Ban, ModerationEvent, User } from '../../db/models/index.js';
import type { BanOut, ModerationEventOut } from './schema.js';

const ref = (users: Map<number, Pick<User, 'id' | 'name'>>, id: number | null) => {
  const user = id === null ? undefined : users.get(id);
  return user ? { id: user.id, name: user.name } : null;
};

export function presentBan(ban: Ban, users: Map<number, Pick<User, 'id' | 'name'>>): BanOut {
  return {
    id: ban.id,
    kind: ban.kind,
    value: ban.value,
    reason: ban.reason,
    createdBy: ref(users, ban.createdBy),
    expiresAt: ban.expiresAt ? ban.expiresAt.toISOString() : null,
    createdAt: ban.createdAt.toISOString(),
  };
}

export function presentModerationEvent(
  event: ModerationEvent,
  users: Map<number, Pick<User, 'id' | 'name'>>,
): ModerationEventOut {
  return {
    id: event.id,
    decision: event.decision,
    reason: event.reason,
    detail: event.detail,
    user: ref(users, event.userId),
    postId: event.postId,
    commentId: event.commentId,
    actor: ref(users, event.actorId),
    createdAt: event.createdAt.toISOString(),
  };
}
