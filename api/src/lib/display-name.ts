import { nameSkeleton } from '@blog/contract/names';
import { Op, type Transaction } from 'sequelize';
import type { Database } from '../db/index.js';
import { unprocessable } from './errors.js';

export { nameSkeleton, normalizeDisplayName } from '@blog/contract/names';

/** Names nobody but the staff may look like: these exactly, and anything that starts like the first two. */
const RESERVED_PREFIXES = ['admin', 'moderator'];
const RESERVED = ['staff', 'system', 'support', 'webmaster', 'root'];

/**
 * Refuses (422 name_taken) a display name that reads like a staff member's (an author's or an
 * admin's) or like a reserved word, so nobody can pass for the blog's people in a comment
 * thread. `selfId` is the account being named (its own name is fine).
 */
export async function refuseStaffLookalike(
  db: Database,
  name: string,
  selfId: number | null,
  transaction?: Transaction,
): Promise<void> {
  const skeleton = nameSkeleton(name);
  const refuse = () =>
    unprocessable('name_taken', 'This name is too close to the name of someone who runs this blog; choose another.', [
      { path: 'name', message: 'too close to a staff member’s name' },
    ]);
  if (
    !skeleton ||
    RESERVED.some((word) => skeleton === nameSkeleton(word)) ||
    RESERVED_PREFIXES.some((word) => skeleton.startsWith(nameSkeleton(word)))
  ) {
    throw refuse();
  }
  const staff = await db.models.User.findAll({
    where: { role: { [Op.in]: ['author', 'admin'] }, ...(selfId ? { id: { [Op.ne]: selfId } } : {}) },
    attributes: ['name'],
    transaction,
  });
  if (staff.some((member) => nameSkeleton(member.name) === skeleton)) throw refuse();
}
