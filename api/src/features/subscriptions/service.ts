import { randomBytes } from 'node:crypto';
import type { AdminNewsletter, SubscriptionKind } from '@blog/contract';
import type { SiteLocale } from '@blog/contract/site';
import { Op, type Transaction } from 'sequelize';
import type { Database } from '../../db/index.js';
import type { Subscription, User } from '../../db/models/index.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { Clock } from '../../lib/clock.js';
import { ApiError, forbidden, notFound } from '../../lib/errors.js';
import { MAX_ROW_ID, parseIdOrSlug } from '../../lib/openapi.js';
import type { RateLimiter, RateRule } from '../../lib/rate-limit.js';
import { within } from '../../lib/write-context.js';
import { canEditPost } from '../posts/service.js';
import { exportSubscriptions, subscriptionRowsOf } from './export.js';
import { confirmMail, type DigestItem, digestMail, excerptOf, newsletterMail } from './mails.js';
import type { SubscriptionRow } from './presenter.js';
import { CONFIRM_TTL_SECONDS, createSubscriptionTokens } from './tokens.js';

/** The outbox job that sends one subscription's digest when its window ends. */
export const DIGEST_JOB = 'notify_digest';
/** The outbox job that queues the next batch of a newsletter send's mails. */
export const NEWSLETTER_JOB = 'newsletter_send';

/** Newsletter sign-ups without an account: per address and per client address. */
export const NEWSLETTER_RATE_RULES: { perEmail: RateRule; perIp: RateRule } = {
  perEmail: { limit: 3, windowSeconds: 3600 },
  perIp: { limit: 20, windowSeconds: 3600 },
};

export interface SubscriptionServiceDeps {
  db: Database;
  clock: Clock;
  jobs: Pick<JobQueue, 'enqueue'>;
  rateLimiter: RateLimiter;
  /** SESSION_SECRET: the signed links' key is derived from it. */
  secret: string;
  publicUrl: string;
  siteName: string;
  /** SITE_LOCALE: the language of the mails. */
  locale: SiteLocale;
  /** NOTIFY_DIGEST_SECONDS. */
  digestSeconds: number;
  /** NEWSLETTER_BATCH_SIZE, NEWSLETTER_RATE_PER_MINUTE. */
  newsletter: { batchSize: number; ratePerMinute: number };
}

/** The comment fields notifications need. */
export type NotifiedComment = { id: number; postId: number; authorId: number; parentId: number | null };

/** The post fields the newsletter needs. */
export type PublishedPost = { id: number; title: string };

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;

const ACTIVE = 's.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL';
const isActive = (sub: Pick<Subscription, 'confirmedAt' | 'unsubscribedAt'>) =>
  sub.confirmedAt !== null && sub.unsubscribedAt === null;
const userKey = (userId: number) => `user:${userId}`;
const emailKey = (email: string) => `email:${email}`;

/**
 * Subscriptions (issue 13): comment notifications (replies, a post's new comments, comments
 * waiting for approval) sent as digests, the newsletter of new posts (double opt-in, sent in
 * rate-limited batches), one-click unsubscribe. Every mail goes through the outbox, written in
 * the transaction of the change that causes it.
 */
export function createSubscriptionService(deps: SubscriptionServiceDeps) {
  const { db, clock, jobs, rateLimiter, publicUrl, siteName, locale } = deps;
  const { Subscription, NotificationEvent, NewsletterSend, NewsletterDelivery, User } = db.models;
  const tokens = createSubscriptionTokens(deps.secret);
  const site = { siteName, siteUrl: publicUrl, locale };
  const unsubscribeUrl = (sub: Subscription) =>
    `${publicUrl}/api/unsubscribe?token=${encodeURIComponent(tokens.unsubscribe(sub))}`;
  const postUrl = (slug: string, commentId?: number) =>
    `${publicUrl}/posts/${encodeURIComponent(slug)}/${commentId === undefined ? '' : `#comment-${commentId}`}`;
  const forUpdate = (transaction: Transaction) => (db.dialect === 'postgres' ? { lock: transaction.LOCK.UPDATE } : {});

  /**
   * The subscription of (subscriber, kind, post), made when missing (`confirmed`: at once, or
   * waiting for its confirmation link). One insert that a concurrent one cannot make fail (ON
   * CONFLICT DO NOTHING), then the row.
   */
  async function ensure(
    who: { userId: number } | { email: string },
    kind: SubscriptionKind,
    postId: number | null,
    confirmed: boolean,
    transaction: Transaction,
  ): Promise<Subscription> {
    const subscriber = 'userId' in who ? userKey(who.userId) : emailKey(who.email);
    const scope = postId === null ? '-' : `post:${postId}`;
    await Subscription.bulkCreate(
      [
        {
          userId: 'userId' in who ? who.userId : null,
          email: 'email' in who ? who.email : null,
          subscriber,
          kind,
          postId,
          scope,
          confirmedAt: confirmed ? clock() : null,
          secret: randomBytes(12).toString('base64url'),
        },
      ],
      { ignoreDuplicates: true, transaction },
    );
    const sub = await Subscription.findOne({ where: { subscriber, kind, scope }, transaction });
    if (!sub) throw new Error(`subscription ${subscriber}/${kind}/${scope} vanished`);
    return sub;
  }

  /** Switches a subscription on (confirmed now, unless it was) or off. */
  async function setActive(sub: Subscription, on: boolean, transaction: Transaction): Promise<void> {
    if (on) {
      if (isActive(sub)) return;
      await sub.update({ confirmedAt: sub.confirmedAt ?? clock(), unsubscribedAt: null }, { transaction });
    } else if (sub.unsubscribedAt === null) {
      await sub.update({ unsubscribedAt: clock() }, { transaction });
    }
  }

  /**
   * Queues `commentId` for `sub`'s next digest. The first event of a window schedules the
   * digest job (the conditional update is the lock: whoever sets `digest_due_at` schedules);
   * later ones only join the pending events.
   */
  async function addEvent(subscriptionId: number, commentId: number, transaction: Transaction): Promise<void> {
    await NotificationEvent.bulkCreate([{ subscriptionId, commentId, createdAt: clock() }], {
      ignoreDuplicates: true,
      transaction,
    });
    const due = new Date(clock().getTime() + deps.digestSeconds * 1000);
    const [scheduled] = await Subscription.update(
      { digestDueAt: due },
      { where: { id: subscriptionId, digestDueAt: null }, transaction },
    );
    if (scheduled > 0) await jobs.enqueue(DIGEST_JOB, { subscriptionId }, { transaction, runAt: due });
  }

  /** A user who can be mailed: exists, verified, not banned. */
  async function mailableUser(userId: number, transaction: Transaction): Promise<User | null> {
    const user = await User.findByPk(userId, { transaction });
    return user?.emailVerifiedAt && !user.bannedAt ? user : null;
  }

  /** A published post (or one `user` may edit), by id or slug: what a post subscription hangs off. */
  async function subscribablePost(idOrSlug: string, user: User, transaction?: Transaction) {
    const key = parseIdOrSlug(idOrSlug);
    if ('id' in key && key.id > MAX_ROW_ID) throw notFound('Post');
    const post = await db.models.Post.findOne({
      where: key,
      attributes: ['id', 'authorId', 'status'],
      transaction,
    });
    if (!post || (post.status !== 'published' && !canEditPost(user, post))) throw notFound('Post');
    return post;
  }

  const ownRows = (user: User) => subscriptionRowsOf(db, user);

  /** A subscription the signed-in user owns (theirs, or their verified address's), or 404. */
  async function owned(user: User, id: number, transaction: Transaction): Promise<Subscription> {
    const sub = id > MAX_ROW_ID ? null : await Subscription.findByPk(id, { transaction });
    const mine =
      sub && (sub.userId === user.id || (user.emailVerifiedAt !== null && sub.subscriber === emailKey(user.email)));
    if (!sub || !mine) throw notFound('Subscription');
    return sub;
  }

  /** The subscription a signed link names, checked; 403 `invalid_token` for anything forged, 410 when expired. */
  async function fromToken(purpose: 'unsubscribe' | 'confirm', token: string, transaction: Transaction) {
    const parsed = tokens.parse(token);
    const sub =
      parsed && parsed.id <= MAX_ROW_ID
        ? await Subscription.findByPk(parsed.id, { transaction, ...forUpdate(transaction) })
        : null;
    const check = tokens.check(purpose, token, sub, clock());
    if (!check.ok) {
      if (check.reason === 'expired') {
        throw new ApiError(410, 'link_expired', 'This link has expired; sign up again for a new one.');
      }
      throw forbidden('invalid_token', 'This link is not valid: it was altered or is not one of ours.');
    }
    if (!sub) throw forbidden('invalid_token', 'This link is not valid.');
    return { sub, expiresAt: check.expiresAt };
  }

  return {
    // Notifications

    /**
     * A comment readers can see: mails (as digests) the author of the comment it replies to
     * (unless it is their own reply, or they unsubscribed from reply mails) and the post's
     * subscribers, never the comment's own author, each subscriber once. In `transaction` when
     * given (comment create; moderation's approval), so the mails exist only if it commits.
     * `answers`: the comment the reader replied to (a reply to a reply is stored under the
     * thread's top comment; its author is the one to tell); the thread's top by default.
     */
    async notifyCommentVisible(
      comment: NotifiedComment,
      transaction?: Transaction,
      options: { answers?: number | null } = {},
    ): Promise<void> {
      await within(db, transaction, async (t) => {
        // Lean reads: this runs in every comment's write transaction (most find nobody to mail).
        const done = new Set<number>([comment.authorId]);
        const answered = comment.parentId === null ? null : (options.answers ?? comment.parentId);
        if (answered !== null) {
          const [parent] = await db.select<{ author_id: number; mailable: number | string }>(
            `SELECT u.id AS author_id,
                    CASE WHEN u.email_verified_at IS NOT NULL AND u.banned_at IS NULL THEN 1 ELSE 0 END AS mailable
             FROM comments c JOIN users u ON u.id = c.author_id WHERE c.id = ?`,
            [answered],
            t,
          );
          const parentAuthor = Number(parent?.author_id ?? 0);
          if (parent && !done.has(parentAuthor)) {
            done.add(parentAuthor);
            if (Number(parent.mailable) === 1) {
              const sub = await ensure({ userId: parentAuthor }, 'replies', null, true, t);
              if (isActive(sub)) await addEvent(sub.id, comment.id, t);
            }
          }
        }
        const subs = await db.select<{ id: number; user_id: number | null }>(
          `SELECT s.id, s.user_id FROM subscriptions s WHERE s.post_id = ? AND s.kind = 'post' AND ${ACTIVE} ORDER BY s.id`,
          [comment.postId],
          t,
        );
        for (const sub of subs) {
          const userId = sub.user_id === null ? null : Number(sub.user_id);
          if (userId !== null && done.has(userId)) continue;
          if (userId !== null) done.add(userId);
          await addEvent(Number(sub.id), comment.id, t);
        }
      });
    },

    /**
     * A comment waiting for approval: alerts (as digests) the admins and the post's author,
     * unless they wrote it or turned these mails off. For the moderation feature to call in the
     * transaction that holds the comment back.
     */
    async notifyPendingComment(comment: NotifiedComment, transaction?: Transaction): Promise<void> {
      await within(db, transaction, async (t) => {
        const post = await db.models.Post.findByPk(comment.postId, { attributes: ['authorId'], transaction: t });
        const staff = await User.findAll({
          where: {
            [Op.or]: [{ role: 'admin' }, ...(post ? [{ id: post.authorId }] : [])],
            emailVerifiedAt: { [Op.ne]: null },
            bannedAt: null,
          },
          attributes: ['id'],
          order: [['id', 'ASC']],
          transaction: t,
        });
        for (const { id } of staff) {
          if (id === comment.authorId) continue;
          const sub = await ensure({ userId: id }, 'moderation', null, true, t);
          if (isActive(sub)) await addEvent(sub.id, comment.id, t);
        }
      });
    },

    /**
     * The digest job: one mail listing the comments that joined `subscriptionId`'s window
     * (those still shown: a comment deleted meanwhile took its event with it, a hidden one is
     * left out), written to the outbox in the transaction that takes the events.
     */
    async sendDigest(subscriptionId: number): Promise<void> {
      await db.transaction(async (t) => {
        const sub = await Subscription.findByPk(subscriptionId, { transaction: t, ...forUpdate(t) });
        if (!sub) return;
        const events = await db.select<{
          id: number;
          comment_id: number;
          body_markdown: string;
          status: string;
          author_name: string;
          post_slug: string;
          post_title: string;
          post_status: string;
        }>(
          `SELECT e.id, e.comment_id, c.body_markdown, c.status, u.name AS author_name, p.slug AS post_slug,
                  p.title AS post_title, p.status AS post_status
           FROM notification_events e JOIN comments c ON c.id = e.comment_id JOIN users u ON u.id = c.author_id
           JOIN posts p ON p.id = c.post_id WHERE e.subscription_id = ? ORDER BY e.comment_id`,
          [sub.id],
          t,
        );
        await NotificationEvent.destroy({ where: { subscriptionId: sub.id }, transaction: t });
        await sub.update({ digestDueAt: null }, { transaction: t });
        if (!isActive(sub)) return;
        const shown = events.filter((e) =>
          sub.kind === 'moderation' ? e.status === 'pending' : e.status === 'visible' && e.post_status === 'published',
        );
        if (shown.length === 0) return;
        const to = sub.userId === null ? sub.email : (await mailableUser(sub.userId, t))?.email;
        if (!to) return;
        const items: DigestItem[] = shown.map((e) => ({
          author: e.author_name,
          postTitle: e.post_title,
          excerpt: excerptOf(e.body_markdown),
          url: sub.kind === 'moderation' ? `${publicUrl}/admin/comments` : postUrl(e.post_slug, Number(e.comment_id)),
        }));
        const postTitle = sub.kind === 'post' ? (shown[0]?.post_title ?? null) : null;
        await jobs.enqueue(
          'mail',
          digestMail({ ...site, to, kind: sub.kind, postTitle, items, unsubscribeUrl: unsubscribeUrl(sub) }),
          { transaction: t },
        );
      });
    },

    // Unsubscribe and confirmation links

    /** The subscription an unsubscribe link names (for its confirmation page), checked. */
    async describeUnsubscribe(token: string): Promise<{ kind: SubscriptionKind; active: boolean }> {
      return db.transaction(async (t) => {
        const { sub } = await fromToken('unsubscribe', token, t);
        return { kind: sub.kind, active: isActive(sub) };
      });
    },

    /** One-click unsubscribe (RFC 8058): idempotent; the signed token is the only authority. */
    async unsubscribe(token: string): Promise<{ kind: SubscriptionKind }> {
      return db.transaction(async (t) => {
        const { sub } = await fromToken('unsubscribe', token, t);
        await setActive(sub, false, t);
        return { kind: sub.kind };
      });
    },

    // Posts

    async postState(user: User, idOrSlug: string): Promise<boolean> {
      const post = await subscribablePost(idOrSlug, user);
      const sub = await Subscription.findOne({
        where: { subscriber: userKey(user.id), kind: 'post', scope: `post:${post.id}` },
      });
      return !!sub && isActive(sub);
    },

    /** Turns a signed-in reader's mails about a post's new comments on or off (idempotent). */
    async setPostSubscription(user: User, idOrSlug: string, on: boolean): Promise<boolean> {
      return db.transaction(async (t) => {
        const post = await subscribablePost(idOrSlug, user, t);
        if (on) {
          await setActive(await ensure({ userId: user.id }, 'post', post.id, true, t), true, t);
        } else {
          const sub = await Subscription.findOne({
            where: { subscriber: userKey(user.id), kind: 'post', scope: `post:${post.id}` },
            transaction: t,
          });
          if (sub) await setActive(sub, false, t);
        }
        return on;
      });
    },

    // A reader's own subscriptions

    /** The signed-in user's subscriptions, as rows for the presenter. */
    async list(user: User): Promise<SubscriptionRow[]> {
      return ownRows(user);
    },

    /** Stops a subscription of the signed-in user (kept as unsubscribed, so a replies opt-out holds). */
    async remove(user: User, id: number): Promise<void> {
      await db.transaction(async (t) => setActive(await owned(user, id, t), false, t));
    },

    /** The user's subscriptions as plain JSON, for the account's data export. */
    exportSubscriptions: (userId: number) => exportSubscriptions(db, userId),

    // Newsletter

    /**
     * A sign-up by address: a confirmation mail (double opt-in) unless the address already gets
     * the newsletter. Always the same answer, so nobody learns who subscribed; limited per
     * address and per client address.
     */
    async subscribeAddress(email: string, ip: string): Promise<void> {
      await db.transaction(async (t) => {
        await rateLimiter.hitAll(
          [
            { key: `newsletter:email:${email}`, rule: NEWSLETTER_RATE_RULES.perEmail },
            { key: `newsletter:ip:${ip}`, rule: NEWSLETTER_RATE_RULES.perIp },
          ],
          t,
        );
        const sub = await ensure({ email }, 'site', null, false, t);
        if (isActive(sub)) return;
        const expiresAt = new Date(clock().getTime() + CONFIRM_TTL_SECONDS * 1000);
        const confirmUrl = `${publicUrl}/api/newsletter/confirm?token=${encodeURIComponent(tokens.confirm(sub, expiresAt))}`;
        await jobs.enqueue(
          'mail',
          confirmMail({ ...site, to: email, confirmUrl, ttlDays: Math.round(CONFIRM_TTL_SECONDS / 86_400) }),
          { transaction: t },
        );
      });
    },

    /**
     * The confirmation link: the address gets the newsletter from now on. A link older than an
     * unsubscribe of the same row does nothing (410): unsubscribing wins over an old mail.
     */
    async confirm(token: string): Promise<void> {
      await db.transaction(async (t) => {
        const { sub, expiresAt } = await fromToken('confirm', token, t);
        const issuedAt = (expiresAt ?? 0) - CONFIRM_TTL_SECONDS * 1000;
        if (sub.unsubscribedAt && sub.unsubscribedAt.getTime() > issuedAt) {
          throw new ApiError(410, 'link_expired', 'You unsubscribed after this link was sent; sign up again.');
        }
        await setActive(sub, true, t);
      });
    },

    async newsletterState(user: User): Promise<boolean> {
      const sub = await Subscription.findOne({ where: { subscriber: userKey(user.id), kind: 'site', scope: '-' } });
      return !!sub && isActive(sub);
    },

    /** A signed-in verified user's newsletter toggle: their address is proven, so no confirmation mail. */
    async setNewsletter(user: User, on: boolean): Promise<boolean> {
      await db.transaction(async (t) => {
        if (on) await setActive(await ensure({ userId: user.id }, 'site', null, true, t), true, t);
        else {
          const sub = await Subscription.findOne({
            where: { subscriber: userKey(user.id), kind: 'site', scope: '-' },
            transaction: t,
          });
          if (sub) await setActive(sub, false, t);
        }
      });
      return on;
    },

    /**
     * A post published for the first time: one send (once per post, whatever races), its
     * recipients the confirmed subscribers now, fanned out by NEWSLETTER_JOB in batches.
     */
    async postPublished(post: PublishedPost, transaction: Transaction): Promise<void> {
      const [stats] = await db.select<{ n: number | string; last: number | string | null }>(
        `SELECT count(*) AS n, max(s.id) AS last FROM subscriptions s WHERE s.kind = 'site' AND ${ACTIVE}`,
        [],
        transaction,
      );
      const recipients = Number(stats?.n ?? 0);
      await NewsletterSend.bulkCreate(
        [
          {
            postId: post.id,
            title: post.title.slice(0, 200),
            recipients,
            lastSubscriptionId: Number(stats?.last ?? 0),
            finishedAt: recipients === 0 ? clock() : null,
          },
        ],
        { ignoreDuplicates: true, transaction },
      );
      const send = await NewsletterSend.findOne({ where: { postId: post.id }, transaction });
      if (send && send.finishedAt === null && send.cursor === 0 && send.nextMailAt === null) {
        await jobs.enqueue(NEWSLETTER_JOB, { sendId: send.id }, { transaction });
      }
    },

    /**
     * One fan-out run of a send: the next NEWSLETTER_BATCH_SIZE recipients each get a mail job,
     * their run times spaced by NEWSLETTER_RATE_PER_MINUTE (after the previous batch's), and a
     * delivery row naming the job; then the next run is scheduled for when this batch's last
     * mail is due, so the outbox never holds more than a batch or two ahead.
     */
    async sendNewsletterBatch(sendId: number): Promise<void> {
      await db.transaction(async (t) => {
        const send = await NewsletterSend.findByPk(sendId, { transaction: t, ...forUpdate(t) });
        if (!send || send.finishedAt !== null) return;
        const post =
          send.postId === null
            ? null
            : await db.models.Post.findByPk(send.postId, {
                attributes: ['id', 'slug', 'title', 'subtitle', 'excerpt', 'status'],
                transaction: t,
              });
        const batchSize = deps.newsletter.batchSize;
        const spacing = 60_000 / deps.newsletter.ratePerMinute;
        // A relay slower than NEWSLETTER_RATE_PER_MINUTE: the previous batch's mails are overdue.
        // Wait for them instead of piling up more, so other mail (sign-up codes) keeps its turn.
        const lastBatch = await NewsletterDelivery.findAll({
          where: { sendId: send.id },
          attributes: ['jobId'],
          order: [['id', 'DESC']],
          limit: batchSize,
          transaction: t,
        });
        const overdue =
          lastBatch.length === 0
            ? 0
            : await db.models.Job.count({
                where: {
                  id: lastBatch.map((d) => d.jobId),
                  status: ['pending', 'running'],
                  runAt: { [Op.lte]: clock() },
                },
                transaction: t,
              });
        if (overdue > 0) {
          const later = new Date(clock().getTime() + Math.max(1000, overdue * spacing));
          await jobs.enqueue(NEWSLETTER_JOB, { sendId: send.id }, { transaction: t, runAt: later });
          return;
        }
        const rows =
          post?.status === 'published'
            ? await db.select<{
                id: number;
                email: string | null;
                user_email: string | null;
                user_ok: number | boolean | null;
              }>(
                `SELECT s.id, s.email, u.email AS user_email,
                        CASE WHEN u.id IS NULL THEN NULL WHEN u.email_verified_at IS NOT NULL AND u.banned_at IS NULL
                             THEN 1 ELSE 0 END AS user_ok
                 FROM subscriptions s LEFT JOIN users u ON u.id = s.user_id
                 WHERE s.kind = 'site' AND ${ACTIVE} AND s.id > ? AND s.id <= ? ORDER BY s.id LIMIT ?`,
                [send.cursor, send.lastSubscriptionId, batchSize],
                t,
              )
            : [];
        const now = clock().getTime();
        let at = Math.max(now, send.nextMailAt?.getTime() ?? now);
        if (post) {
          const subs = await Subscription.findAll({ where: { id: rows.map((r) => Number(r.id)) }, transaction: t });
          const byId = new Map(subs.map((sub) => [sub.id, sub]));
          for (const row of rows) {
            const sub = byId.get(Number(row.id));
            const to = row.user_ok === null ? row.email : Number(row.user_ok) === 1 ? row.user_email : null;
            if (!sub || !to) continue;
            const mail = newsletterMail({
              ...site,
              to,
              title: post.title,
              subtitle: post.subtitle,
              excerpt: post.excerpt,
              url: postUrl(post.slug),
              unsubscribeUrl: unsubscribeUrl(sub),
            });
            const job = await jobs.enqueue('mail', mail, { transaction: t, runAt: new Date(Math.round(at)) });
            await NewsletterDelivery.create(
              { sendId: send.id, subscriptionId: sub.id, jobId: job.id },
              { transaction: t },
            );
            at += spacing;
          }
        }
        const last = rows.at(-1);
        const more = rows.length === batchSize && last !== undefined;
        // Finished: the recipients are those who got a mail (a subscriber banned or unverified
        // since publishing got none).
        const recipients = more
          ? send.recipients
          : await NewsletterDelivery.count({ where: { sendId: send.id }, transaction: t });
        await send.update(
          {
            cursor: last ? Number(last.id) : send.cursor,
            nextMailAt: new Date(Math.round(at)),
            finishedAt: more ? null : clock(),
            recipients,
          },
          { transaction: t },
        );
        if (more) {
          await jobs.enqueue(
            NEWSLETTER_JOB,
            { sendId: send.id },
            { transaction: t, runAt: new Date(Math.round(Math.max(now, at - spacing))) },
          );
        }
      });
    },

    /** The admin's view: subscriber counts and the latest sends with their recipients' delivery states. */
    async adminNewsletter(): Promise<AdminNewsletter> {
      const [counts] = await db.select<{ confirmed: number | string; pending: number | string; gone: number | string }>(
        `SELECT
           coalesce(sum(CASE WHEN s.confirmed_at IS NOT NULL AND s.unsubscribed_at IS NULL THEN 1 ELSE 0 END), 0) AS confirmed,
           coalesce(sum(CASE WHEN s.confirmed_at IS NULL AND s.unsubscribed_at IS NULL THEN 1 ELSE 0 END), 0) AS pending,
           coalesce(sum(CASE WHEN s.unsubscribed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS gone
         FROM subscriptions s WHERE s.kind = 'site'`,
      );
      const sends = await NewsletterSend.findAll({ order: [['id', 'DESC']], limit: 50 });
      const states =
        sends.length === 0
          ? []
          : await db.select<{
              send_id: number;
              sent: number | string;
              failed: number | string;
              retried: number | string;
            }>(
              `SELECT d.send_id,
                 sum(CASE WHEN j.status = 'done' THEN 1 ELSE 0 END) AS sent,
                 sum(CASE WHEN j.status = 'dead' THEN 1 ELSE 0 END) AS failed,
                 sum(CASE WHEN j.status IN ('pending', 'running') AND j.attempts > 0
                          AND j.last_error IS NOT NULL THEN 1 ELSE 0 END) AS retried
               FROM newsletter_deliveries d JOIN jobs j ON j.id = d.job_id
               WHERE d.send_id IN (?) GROUP BY d.send_id`,
              [sends.map((s) => s.id)],
            );
      const bySend = new Map(states.map((row) => [Number(row.send_id), row]));
      return {
        subscribers: {
          confirmed: Number(counts?.confirmed ?? 0),
          pending: Number(counts?.pending ?? 0),
          unsubscribed: Number(counts?.gone ?? 0),
        },
        sends: sends.map((send) => {
          const row = bySend.get(send.id);
          const sent = Number(row?.sent ?? 0);
          const failed = Number(row?.failed ?? 0);
          const retried = Number(row?.retried ?? 0);
          return {
            id: send.id,
            postId: send.postId,
            title: send.title,
            createdAt: send.createdAt.toISOString(),
            finishedAt: send.finishedAt?.toISOString() ?? null,
            recipients: send.recipients,
            queued: Math.max(0, send.recipients - sent - failed - retried),
            sent,
            retried,
            failed,
          };
        }),
      };
    },
  };
}
