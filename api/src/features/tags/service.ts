import type { PublishEvent } from '@blog/contract';
import { Op, QueryTypes, type Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Tag, User } from '../../db/models/index.js';
import type { Clock } from '../../lib/clock.js';
import { conflict, notFound, unprocessable } from '../../lib/errors.js';
import { chooseSlug, retryOnSlugRace, slugify, uniqueSlug } from '../../lib/slug.js';
import type { AuditLogger } from '../admin/audit.js';
import { enqueuePublishEvent, type PublishJobs } from '../publishing/service.js';
import { type TagRef, tagKey, type UpdateTagInput } from './schema.js';

export type TagService = ReturnType<typeof createTagService>;

/** The site's order of a post's tags: by name, case-insensitively, then as written. */
export const byTagName = (a: TagRef, b: TagRef) =>
  tagKey(a.name) < tagKey(b.name) ? -1 : tagKey(a.name) > tagKey(b.name) ? 1 : a.name < b.name ? -1 : 1;

/**
 * Tags: created on first use by the post service (in the post's own write transaction), read by
 * the site and the admin app, renamed, merged and deleted by admins (audited). The posts_count
 * of each tag is kept by the PostTag and Post hooks (db/counts.ts); this service never writes it.
 */
export function createTagService({
  db,
  clock,
  audit,
  jobs,
}: {
  db: Database;
  clock: Clock;
  audit: AuditLogger;
  jobs: PublishJobs;
}) {
  const { Tag, PostTag, Post } = db.models;

  const record = (
    actor: User,
    action: 'update' | 'merge' | 'delete',
    tag: Tag,
    transaction: Transaction,
    extra: Record<string, unknown> = {},
  ) =>
    audit.write(
      actor,
      {
        action: `tag.${action}`,
        targetType: 'tag',
        targetId: tag.id,
        details: { name: tag.name, slug: tag.slug, ...extra },
      },
      transaction,
    );

  /** A tag's pages and its posts' pages change with its name, slug or existence: a full rebuild follows. */
  const rebuild = async (tag: Tag, what: string, transaction: Transaction) => {
    if (tag.postsCount === 0) return;
    const event: PublishEvent = { event: 'rebuild', reason: `tag ${what}: ${tag.slug}`, at: clock().toISOString() };
    await enqueuePublishEvent(jobs, event, transaction);
  };

  const slugTaken = (transaction: Transaction, ownId?: number) => async (slug: string) => {
    const existing = await Tag.findOne({ where: { slug }, attributes: ['id'], transaction });
    return !!existing && existing.id !== ownId;
  };

  /**
   * The tags of `names` (already trimmed and deduplicated by the contract), created when new.
   * Race-safe without retrying the caller's transaction: each new tag is one
   * `INSERT … ON CONFLICT DO NOTHING`; on PostgreSQL a concurrent insert of the same name waits for
   * the other transaction and then finds its committed row. Names go in key order, so two
   * transactions creating the same tags wait for each other in one order (no deadlock).
   */
  async function ensure(names: string[], transaction: Transaction): Promise<Tag[]> {
    if (names.length === 0) return [];
    const keyed = [...new Map(names.map((name) => [tagKey(name), name])).entries()].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    const tags: Tag[] = [];
    for (const [key, name] of keyed) {
      for (let attempt = 1; ; attempt++) {
        const existing = await Tag.findOne({ where: { nameKey: key }, transaction });
        if (existing) {
          tags.push(existing);
          break;
        }
        if (attempt > 8)
          throw conflict('slug_taken', 'Other tags took every slug tried at the same moment; try again.');
        const slug = await uniqueSlug(slugify(name), slugTaken(transaction));
        const now = clock();
        // The slug may be taken meanwhile by another name: nothing inserted, no row by this key;
        // the next attempt picks the next free slug.
        await db.sequelize.query(
          'INSERT INTO tags (name, name_key, slug, posts_count, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING',
          { replacements: [name, key, slug, now, now], transaction, type: QueryTypes.INSERT },
        );
      }
    }
    return tags;
  }

  async function get(id: number, transaction?: Transaction): Promise<Tag> {
    const tag = await Tag.findByPk(id, { transaction, ...(transaction ? { lock: transaction.LOCK.UPDATE } : {}) });
    if (!tag) throw notFound('Tag');
    return tag;
  }

  /** The ids of the posts carrying `tagId`, each post row locked, in id order (as every post write locks it first). */
  async function lockPostsOf(tagId: number, transaction: Transaction): Promise<number[]> {
    const pairs = await PostTag.findAll({ where: { tagId }, attributes: ['postId'], transaction });
    if (pairs.length === 0) return [];
    const posts = await Post.findAll({
      where: { id: pairs.map((pair) => pair.postId) },
      attributes: ['id'],
      order: [['id', 'ASC']],
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    return posts.map((post) => post.id);
  }

  return {
    ensure,

    /**
     * Sets `postId`'s tags to exactly `names` inside the post's write transaction: pairs removed and
     * added one by one (their hooks count them). Returns whether the set changed.
     */
    async setPostTags(postId: number, names: string[], transaction: Transaction): Promise<boolean> {
      const wanted = await ensure(names, transaction);
      const current = await PostTag.findAll({ where: { postId }, transaction });
      const wantedIds = new Set(wanted.map((tag) => tag.id));
      const currentIds = new Set(current.map((pair) => pair.tagId));
      let changed = false;
      for (const pair of current) {
        if (wantedIds.has(pair.tagId)) continue;
        await pair.destroy({ transaction });
        changed = true;
      }
      for (const tag of wanted) {
        if (currentIds.has(tag.id)) continue;
        await PostTag.create({ postId, tagId: tag.id }, { transaction });
        changed = true;
      }
      return changed;
    },

    /**
     * The tags of each of `postIds`, ordered by name: one query whatever the number of posts
     * (the lists stay N+1-free).
     */
    async tagsOf(postIds: number[], transaction?: Transaction): Promise<Map<number, TagRef[]>> {
      const byPost = new Map<number, TagRef[]>(postIds.map((id) => [id, []]));
      if (postIds.length === 0) return byPost;
      const rows = await db.select<{ post_id: number | string; id: number | string; name: string; slug: string }>(
        'SELECT pt.post_id, t.id, t.name, t.slug FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id IN (?)',
        [[...new Set(postIds)]],
        transaction,
      );
      for (const row of rows) {
        byPost.get(Number(row.post_id))?.push({ id: Number(row.id), name: row.name, slug: row.slug });
      }
      for (const tags of byPost.values()) tags.sort(byTagName);
      return byPost;
    },

    /** Tags by name: those with published posts, or every one (`all`: the admin app's list). */
    async list({ all }: { all: boolean }): Promise<Tag[]> {
      const tags = await Tag.findAll({ where: all ? {} : { postsCount: { [Op.gt]: 0 } } });
      return tags.sort(byTagName);
    },

    /** One tag by slug (the public read of a tag page: only a tag with published posts). */
    async getPublic(slug: string): Promise<Tag> {
      const tag = await Tag.findOne({ where: { slug, postsCount: { [Op.gt]: 0 } } });
      if (!tag) throw notFound('Tag');
      return tag;
    },

    /** The id of the tag of `slug` (any tag, used or not), for the posts list's filter. */
    async idOfSlug(slug: string): Promise<number> {
      const tag = await Tag.findOne({ where: { slug }, attributes: ['id'] });
      if (!tag) throw notFound('Tag');
      return tag.id;
    },

    /** Renames a tag (and re-slugs it when asked); a name another tag has in any case is a 409. */
    async rename(actor: User, id: number, input: UpdateTagInput): Promise<Tag> {
      return retryOnSlugRace(
        () =>
          db.transaction(async (transaction) => {
            const tag = await get(id, transaction);
            const before = { name: tag.name, slug: tag.slug };
            const key = tagKey(input.name);
            const other = await Tag.findOne({ where: { nameKey: key }, attributes: ['id'], transaction });
            if (other && other.id !== tag.id) {
              throw conflict('tag_name_taken', `Another tag is already called "${input.name}"; merge into it instead.`);
            }
            tag.name = input.name;
            tag.nameKey = key;
            if (input.slug !== undefined && input.slug !== tag.slug) {
              tag.slug = await chooseSlug({
                source: tag.name,
                wanted: input.slug,
                what: 'tag',
                taken: slugTaken(transaction, tag.id),
              });
            }
            if (tag.changed()) {
              await tag.save({ transaction });
              await rebuild(tag, 'renamed', transaction);
            }
            await record(actor, 'update', tag, transaction, { before });
            return tag;
          }),
        () => conflict('slug_taken', 'Another tag took that slug at the same moment; try again.'),
      );
    },

    /**
     * Moves every post of `id` onto `into` (a post carrying both keeps one pair), then deletes
     * `id`: the pairs' hooks count each move, so `into`'s posts_count is exact.
     */
    async merge(actor: User, id: number, intoId: number): Promise<Tag> {
      if (id === intoId) {
        throw unprocessable('merge_into_self', 'A tag cannot be merged into itself.', [
          { path: 'into', message: 'must be another tag' },
        ]);
      }
      return db.transaction(async (transaction) => {
        // Both tags locked in id order, then the posts, as every post write locks its post first.
        const locked = await Tag.findAll({
          where: { id: [id, intoId] },
          order: [['id', 'ASC']],
          transaction,
          lock: transaction.LOCK.UPDATE,
        });
        const from = locked.find((tag) => tag.id === id);
        const into = locked.find((tag) => tag.id === intoId);
        if (!from) throw notFound('Tag');
        if (!into) {
          throw unprocessable('unknown_tag', `Tag ${intoId} does not exist.`, [
            { path: 'into', message: 'no such tag' },
          ]);
        }
        const postIds = await lockPostsOf(from.id, transaction);
        const already = new Set(
          postIds.length === 0
            ? []
            : (
                await PostTag.findAll({
                  where: { tagId: into.id, postId: postIds },
                  attributes: ['postId'],
                  transaction,
                })
              ).map((pair) => pair.postId),
        );
        let moved = 0;
        for (const postId of postIds) {
          const pair = await PostTag.findOne({ where: { postId, tagId: from.id }, transaction });
          if (pair) await pair.destroy({ transaction });
          if (!already.has(postId)) {
            await PostTag.create({ postId, tagId: into.id }, { transaction });
            moved++;
          }
        }
        await rebuild(from, 'merged', transaction);
        await from.destroy({ transaction });
        await into.reload({ transaction });
        await record(actor, 'merge', from, transaction, {
          into: { id: into.id, name: into.name, slug: into.slug },
          moved,
        });
        return into;
      });
    },

    /** Deletes a tag; its posts stay, without it (their pairs uncounted first, then gone with it). */
    async remove(actor: User, id: number): Promise<void> {
      await db.transaction(async (transaction) => {
        const tag = await get(id, transaction);
        const postIds = await lockPostsOf(tag.id, transaction);
        await rebuild(tag, 'deleted', transaction);
        await tag.destroy({ transaction });
        await record(actor, 'delete', tag, transaction, { posts: postIds.length });
      });
    },
  };
}
