import { createHmac } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { Op, type Transaction, UniqueConstraintError } from 'sequelize';
import type { Config } from '../../config.js';
import type { Database } from '../../db/index.js';
import type { Ban, BanKind, ModerationEvent, User } from '../../db/models/index.js';
import type { Clock } from '../../lib/clock.js';
import { ApiError, conflict, forbidden, notFound, unprocessable } from '../../lib/errors.js';
import type { WriteContext } from '../../lib/write-context.js';
import type { AuditLogger } from '../admin/audit.js';
import type { AkismetChecker, AkismetVerdict } from './akismet.js';
import type { CreateBanInput, ModerationDecision, ModerationSettings, UpdateModerationSettings } from './schema.js';

export type ModerationRules = Config['moderation'];

/** What a new comment becomes: shown at once, or waiting for approval (and why). */
export type Verdict =
  | { kind: 'accept'; status: 'visible' | 'pending'; reason: string | null; detail: string }
  | { kind: 'refuse'; error: ApiError; reason: string; detail: string };

/** What the rules look at when a comment is sent. */
export interface CommentCandidate {
  author: Pick<User, 'id' | 'role' | 'email' | 'createdAt'>;
  post: { id: number; authorId: number; commentModeration: 'open' | 'first' | 'all' | null };
  body: string;
  ip: string;
  /** The honeypot field: people never see it, so anything in it came from a bot. */
  website?: string | undefined;
  /** How long the island's form was open; absent from other clients (the rule needs it). */
  elapsedMs?: number | undefined;
  /** What Akismet said (asked before the transaction: `screen`); absent when it is not set up. */
  akismet?: AkismetVerdict;
}

const SETTINGS_KEY = 'moderation';
const DAY_MS = 86_400_000;
const LINK = /\b(?:https?:\/\/|www\.)/giu;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/u;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `word` as a whole word (letters and digits around it do not count), case-insensitively. */
const wordPattern = (word: string) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(word)}(?![\\p{L}\\p{N}])`, 'iu');

export const countLinks = (body: string): number => body.match(LINK)?.length ?? 0;

/** A client address without IPv6's IPv4-mapped prefix (::ffff:203.0.113.7 is 203.0.113.7). */
const plainIp = (ip: string) => (ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip);

/**
 * A ban's value as stored: an address or an `address/prefix` for `ip` (checked, lower-case), a
 * domain without a leading `@` for `email_domain`. Anything else is a 422 naming the field.
 */
export function canonicalBanValue(kind: BanKind, raw: string): string {
  const value = raw.trim().toLowerCase();
  if (kind === 'email_domain') {
    const domain = value.replace(/^@/, '');
    if (!DOMAIN.test(domain)) {
      throw unprocessable('validation_failed', 'An email domain looks like example.com.', [
        { path: 'value', message: 'not a domain' },
      ]);
    }
    return domain;
  }
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  const max = family === 4 ? 32 : 128;
  const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  if (family === 0 || extra !== undefined || bits < (family === 4 ? 8 : 16) || bits > max) {
    throw unprocessable(
      'validation_failed',
      'Give an address (203.0.113.7) or a prefix (203.0.113.0/24, 2001:db8::/32).',
      [{ path: 'value', message: 'not an address or a prefix (IPv4 /8 to /32, IPv6 /16 to /128)' }],
    );
  }
  return prefix === undefined ? address : `${address}/${bits}`;
}

/** The address block of an `ip` ban's stored value (an address, or `address/prefix`). */
function blockOf(value: string): BlockList {
  const [address = '', prefix] = value.split('/');
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const block = new BlockList();
  if (prefix === undefined) block.addAddress(address, family);
  else block.addSubnet(address, Number(prefix), family);
  return block;
}

export interface ModerationServiceDeps {
  db: Database;
  clock: Clock;
  audit: AuditLogger;
  rules: ModerationRules;
  /** Keys the hash of a comment's address (SESSION_SECRET). */
  secret: string;
  /** AKISMET_KEY's checker, or null. */
  akismet?: AkismetChecker | null;
  /** PUBLIC_URL: the permalinks Akismet is told. */
  publicUrl?: string;
}

export type ModerationService = ReturnType<typeof createModerationService>;

/**
 * Moderation and spam defence: the rules every new comment passes (bans, honeypot, time to
 * submit, links from new accounts, duplicates, forbidden words, the post's or site's mode), the
 * bans, the run-time settings, and the log of every decision with its reason.
 */
export function createModerationService({
  db,
  clock,
  audit,
  rules,
  secret,
  akismet = null,
  publicUrl = '',
}: ModerationServiceDeps) {
  const { Ban, Comment, ModerationEvent, SiteSetting, User } = db.models;

  async function readForbiddenWords(transaction?: Transaction): Promise<string[]> {
    const row = await SiteSetting.findByPk(SETTINGS_KEY, { transaction });
    if (!row) return [];
    const parsed = JSON.parse(row.value) as { forbiddenWords?: unknown };
    return Array.isArray(parsed.forbiddenWords) ? parsed.forbiddenWords.filter((w) => typeof w === 'string') : [];
  }

  /**
   * The bans (expired ones included: expiry is checked against the clock at each use) and the
   * forbidden words with their patterns, kept `rules.cacheMs` by this process: every comment
   * asks, and they change rarely. This process's own changes forget them at once; another
   * replica's show within `cacheMs` (5 s).
   */
  let cached: {
    until: number;
    /** Each ban, with its address block built once (IP bans). */
    bans: Array<{ ban: Ban; block: BlockList | null }>;
    words: Array<{ word: string; pattern: RegExp }>;
  } | null = null;
  async function current(transaction?: Transaction) {
    if (cached && performance.now() < cached.until) return cached;
    const [bans, words] = await Promise.all([
      Ban.findAll({ transaction, order: [['id', 'ASC']] }),
      readForbiddenWords(transaction),
    ]);
    const fresh = {
      until: performance.now() + rules.cacheMs,
      bans: bans.map((ban) => ({ ban, block: ban.kind === 'ip' ? blockOf(ban.value) : null })),
      words: words.map((word) => ({ word, pattern: wordPattern(word) })),
    };
    if (rules.cacheMs > 0) cached = fresh;
    return fresh;
  }
  const forget = () => {
    cached = null;
  };

  /** The ban that covers this address or this email's domain, if any (expired bans cover nothing). */
  async function banOf(who: { ip?: string; email?: string }, transaction?: Transaction): Promise<Ban | null> {
    const now = clock().getTime();
    const bans = (await current(transaction)).bans.filter(({ ban }) => !ban.expiresAt || ban.expiresAt.getTime() > now);
    if (bans.length === 0) return null;
    const ip = who.ip ? plainIp(who.ip) : '';
    if (isIP(ip) !== 0) {
      const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
      const hit = bans.find(({ block }) => block?.check(ip, family));
      if (hit) return hit.ban;
    }
    const domain = who.email?.split('@').pop()?.toLowerCase();
    if (domain) {
      const hit = bans.find(
        ({ ban }) => ban.kind === 'email_domain' && (domain === ban.value || domain.endsWith(`.${ban.value}`)),
      );
      if (hit) return hit.ban;
    }
    return null;
  }

  const banError = (ban: Ban) =>
    ban.kind === 'ip'
      ? forbidden('banned_ip', "This site's moderators have blocked sign-ups and comments from your network.")
      : forbidden('banned_email_domain', "This site's moderators do not accept accounts with this email domain.");

  async function log(
    entry: {
      decision: ModerationDecision;
      reason: string;
      detail?: string;
      userId: number | null;
      postId?: number | null;
      commentId?: number | null;
      actorId?: number | null;
    },
    transaction?: Transaction,
  ): Promise<void> {
    await ModerationEvent.create(
      {
        decision: entry.decision,
        reason: entry.reason,
        detail: (entry.detail ?? '').slice(0, 500),
        userId: entry.userId,
        postId: entry.postId ?? null,
        commentId: entry.commentId ?? null,
        actorId: entry.actorId ?? null,
        createdAt: clock(),
      },
      { transaction },
    );
  }

  const refuse = (error: ApiError, detail = ''): Verdict => ({ kind: 'refuse', error, reason: error.code, detail });

  return {
    rules,

    /** A keyed hash of a client address: "everything from this address" without keeping addresses. */
    ipHash(ip: string): string {
      return createHmac('sha256', secret)
        .update(`comment-ip\0${plainIp(ip)}`)
        .digest('hex')
        .slice(0, 40);
    },

    log,

    /**
     * Asks Akismet (when AKISMET_KEY is set) about a comment before its transaction opens, so a
     * slow service never holds the database; staff are not checked. `undefined`: not asked.
     */
    async screen(comment: {
      author: Pick<User, 'id' | 'role' | 'email' | 'name'>;
      postIdOrSlug: string;
      parentId: number | null | undefined;
      body: string;
      ip: string;
      userAgent: string;
    }): Promise<AkismetVerdict | undefined> {
      if (!akismet || comment.author.role === 'admin') return undefined;
      const key = comment.postIdOrSlug;
      const [post] = await db.select<{ slug: string }>(
        `SELECT slug FROM posts WHERE ${/^\d+$/.test(key) ? 'id' : 'slug'} = ?`,
        [/^\d+$/.test(key) ? Math.min(Number(key), 2_147_483_647) : key],
      );
      if (!post) return undefined;
      return akismet.check({
        ip: plainIp(comment.ip),
        userAgent: comment.userAgent,
        permalink: `${publicUrl}/posts/${post.slug}/`,
        type: comment.parentId ? 'reply' : 'comment',
        authorName: comment.author.name,
        authorEmail: comment.author.email,
        content: comment.body,
        role: comment.author.role,
      });
    },

    /**
     * Refuses (403 banned_ip / banned_email_domain) an address or email domain an admin banned:
     * sign-up asks (`logAs: 'signup'`: the refusal goes to the decision log; call it outside a
     * transaction then, or the rollback takes the log row too), and OpenID sign-up.
     */
    async assertNotBanned(
      who: { ip?: string; email?: string },
      options: { transaction?: Transaction; logAs?: 'signup' } = {},
    ): Promise<void> {
      const ban = await banOf(who, options.transaction);
      if (!ban) return;
      const error = banError(ban);
      if (options.logAs) {
        await log({ decision: 'refused', reason: error.code, detail: `sign-up (${ban.value})`, userId: null });
      }
      throw error;
    },

    /**
     * The rules a new comment passes, in order: bans, the honeypot, the time to submit, links from
     * accounts younger than a day, a duplicate of the author's recent comment (refusals); then
     * forbidden words and the moderation mode (waits for approval). Admins and the post's author
     * are not held back. Read in `transaction` (the comment's own).
     */
    async judge(candidate: CommentCandidate, transaction: Transaction): Promise<Verdict> {
      const { author, post, body } = candidate;
      if (author.role === 'admin' || (author.role === 'author' && author.id === post.authorId)) {
        return { kind: 'accept', status: 'visible', reason: null, detail: '' };
      }
      const ban = await banOf({ ip: candidate.ip, email: author.email }, transaction);
      if (ban) return refuse(banError(ban), ban.value);
      if (candidate.website !== undefined && candidate.website.trim() !== '') {
        return refuse(
          unprocessable('spam_honeypot', 'This comment looks automated and was not posted.', [
            { path: 'website', message: 'must be empty' },
          ]),
        );
      }
      if (candidate.elapsedMs !== undefined && candidate.elapsedMs < rules.minSubmitMs) {
        return refuse(
          new ApiError(422, 'too_fast', 'That was quick: read it over for a moment and send it again.', [
            { path: 'elapsedMs', message: `at least ${Math.round(rules.minSubmitMs / 1000)} seconds` },
          ]),
          `${candidate.elapsedMs} ms`,
        );
      }
      const links = countLinks(body);
      if (clock().getTime() - author.createdAt.getTime() < DAY_MS && links > rules.newAccountMaxLinks) {
        return refuse(
          unprocessable(
            'too_many_links',
            `New accounts can put at most ${rules.newAccountMaxLinks} links in a comment during their first day.`,
            [{ path: 'body', message: `${links} links` }],
          ),
          `${links} links`,
        );
      }
      if (rules.duplicateWindowSeconds > 0) {
        const since = new Date(clock().getTime() - rules.duplicateWindowSeconds * 1000);
        const same = await Comment.findOne({
          where: { authorId: author.id, createdAt: { [Op.gt]: since }, bodyMarkdown: body },
          attributes: ['id'],
          transaction,
        });
        if (same) {
          return refuse(conflict('duplicate_comment', 'You already posted this comment.'), `same as #${same.id}`);
        }
      }
      if (candidate.akismet === 'discard') {
        return refuse(
          unprocessable('spam_detected', 'This comment was recognised as spam and was not posted.', [
            { path: 'body', message: 'spam' },
          ]),
          'akismet: discard',
        );
      }
      if (candidate.akismet === 'spam') return { kind: 'accept', status: 'pending', reason: 'akismet', detail: '' };
      const hit = (await current(transaction)).words.find(({ pattern }) => pattern.test(body));
      if (hit !== undefined) return { kind: 'accept', status: 'pending', reason: 'forbidden_word', detail: hit.word };
      const mode = post.commentModeration ?? rules.mode;
      if (mode === 'all') return { kind: 'accept', status: 'pending', reason: 'moderation_all', detail: '' };
      if (mode === 'first') {
        const [approved] = await db.select<{ id: number }>(
          `SELECT id FROM comments WHERE author_id = ? AND status = 'visible' LIMIT 1`,
          [author.id],
          transaction,
        );
        if (!approved) return { kind: 'accept', status: 'pending', reason: 'first_comment', detail: '' };
      }
      return { kind: 'accept', status: 'visible', reason: null, detail: '' };
    },

    async settings(): Promise<ModerationSettings> {
      return {
        mode: rules.mode,
        forbiddenWords: await readForbiddenWords(),
        minSubmitSeconds: rules.minSubmitMs / 1000,
        newAccountMaxLinks: rules.newAccountMaxLinks,
        duplicateWindowSeconds: rules.duplicateWindowSeconds,
      };
    },

    async updateSettings(input: UpdateModerationSettings, { actor }: WriteContext): Promise<ModerationSettings> {
      const words = [...new Set(input.forbiddenWords)];
      await db.transaction(async (transaction) => {
        await SiteSetting.upsert(
          { key: SETTINGS_KEY, value: JSON.stringify({ forbiddenWords: words }), updatedAt: clock() },
          { transaction },
        );
        await audit.write(
          actor,
          {
            action: 'moderation.settings',
            targetType: 'site',
            targetId: null,
            details: { forbiddenWords: words.length },
          },
          transaction,
        );
      });
      forget();
      return this.settings();
    },

    async listBans(query: { kind?: BanKind | undefined; page: number; limit: number }) {
      const { rows, count } = await Ban.findAndCountAll({
        where: query.kind ? { kind: query.kind } : {},
        order: [['id', 'DESC']],
        limit: query.limit,
        offset: (query.page - 1) * query.limit,
      });
      const ids = [...new Set(rows.map((row) => row.createdBy).filter((id): id is number => id !== null))];
      const users = await User.findAll({ where: { id: ids }, attributes: ['id', 'name'] });
      return { rows, users: new Map(users.map((user) => [user.id, user])), total: count };
    },

    async createBan(input: CreateBanInput, { actor }: WriteContext): Promise<Ban> {
      const value = canonicalBanValue(input.kind, input.value);
      try {
        const created = await db.transaction(async (transaction) => {
          const ban = await Ban.create(
            {
              kind: input.kind,
              value,
              reason: input.reason,
              createdBy: actor.id,
              expiresAt: input.expiresAt === null ? null : new Date(input.expiresAt),
              createdAt: clock(),
            },
            { transaction },
          );
          await audit.write(
            actor,
            { action: 'ban.create', targetType: 'ban', targetId: ban.id, details: { kind: ban.kind, value } },
            transaction,
          );
          return ban;
        });
        forget();
        return created;
      } catch (error) {
        if (error instanceof UniqueConstraintError) {
          throw conflict('ban_exists', `${value} is already banned.`);
        }
        throw error;
      }
    },

    async deleteBan(id: number, { actor }: WriteContext): Promise<void> {
      await db.transaction(async (transaction) => {
        const ban = await Ban.findByPk(id, { transaction });
        if (!ban) throw notFound('Ban');
        await ban.destroy({ transaction });
        await audit.write(
          actor,
          { action: 'ban.delete', targetType: 'ban', targetId: id, details: { kind: ban.kind, value: ban.value } },
          transaction,
        );
      });
      forget();
    },

    async listLog(query: {
      decision?: ModerationDecision | undefined;
      user?: number | undefined;
      page: number;
      limit: number;
    }) {
      const where: Record<string, unknown> = {};
      if (query.decision) where.decision = query.decision;
      if (query.user !== undefined) where.userId = query.user;
      const { rows, count } = await ModerationEvent.findAndCountAll({
        where,
        order: [['id', 'DESC']],
        limit: query.limit,
        offset: (query.page - 1) * query.limit,
      });
      const ids = [
        ...new Set(rows.flatMap((row) => [row.userId, row.actorId]).filter((id): id is number => id !== null)),
      ];
      const users = await User.findAll({ where: { id: ids }, attributes: ['id', 'name'] });
      return { rows, users: new Map(users.map((user) => [user.id, user])), total: count };
    },
  };
}

export type { ModerationEvent };
