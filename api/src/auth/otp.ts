import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { SiteLocale } from '@blog/contract/site';
import type { Transaction } from 'sequelize';
import type { Database } from '../db/index.js';
import type { OtpPurpose, User } from '../db/models/index.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Clock } from '../lib/clock.js';
import { ApiError, unprocessable } from '../lib/errors.js';
import { emailChangeMail, passwordResetMail, verificationMail } from '../mail/templates.js';

export const OTP_MAX_ATTEMPTS = 5;
export const OTP_RESEND_COOLDOWN_SECONDS = 60;

export interface OtpServiceDeps {
  db: Database;
  clock: Clock;
  jobs: JobQueue;
  secret: string;
  ttlSeconds: number;
  siteName: string;
  siteUrl: string;
  /** SITE_LOCALE: the language of the mails. */
  locale: SiteLocale;
}

export type OtpService = ReturnType<typeof createOtpService>;

/** What a mailed code's answer says: how long it lives, when the next may be asked for. */
export interface OtpIssued {
  expiresInSeconds: number;
  resendAfterSeconds: number;
}

/** Every attempt of the code is used: a distinct answer, so the reader knows to ask for a new one. */
const exhausted = () =>
  unprocessable('otp_exhausted', 'This code is used up (too many wrong tries); send a new one.', [
    { path: 'code', message: 'used up; send a new code', attemptsLeft: 0 },
  ]);

/** One-time codes by mail: 6 digits, stored as a keyed hash, expiring, at most 5 tries, resend cooldown. */
export function createOtpService({ db, clock, jobs, secret, ttlSeconds, siteName, siteUrl, locale }: OtpServiceDeps) {
  const { OtpCode } = db.models;
  // Keyed with the server secret: a leaked table alone cannot be brute-forced over the million codes.
  const hashOf = (userId: number, purpose: OtpPurpose, code: string) =>
    createHmac('sha256', secret).update(`${userId}:${purpose}:${code}`).digest('hex');

  /**
   * Replaces any earlier code of this purpose and queues the mail in the same
   * transaction (sent by the job worker, never awaited by the request).
   * Within the cooldown: 429 with Retry-After, or `null` when `quietCooldown`.
   */
  async function issue(
    user: User,
    purpose: OtpPurpose,
    transaction: Transaction,
    quietCooldown: boolean,
    target: string | null = null,
  ): Promise<OtpIssued | { cooldownSeconds: number }> {
    const now = clock();
    const previous = await OtpCode.findOne({
      where: { userId: user.id, purpose },
      order: [['sentAt', 'DESC']],
      transaction,
    });
    if (previous) {
      const wait = Math.ceil((previous.sentAt.getTime() + OTP_RESEND_COOLDOWN_SECONDS * 1000 - now.getTime()) / 1000);
      if (wait > 0) {
        if (quietCooldown) return { cooldownSeconds: wait };
        throw new ApiError(429, 'otp_cooldown', `A code was just sent; you can ask again in ${wait} s.`, undefined, {
          'Retry-After': String(wait),
        });
      }
    }
    await OtpCode.destroy({ where: { userId: user.id, purpose }, transaction });
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await OtpCode.create(
      {
        userId: user.id,
        purpose,
        codeHash: hashOf(user.id, purpose, code),
        expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
        sentAt: now,
        target,
      },
      { transaction },
    );
    // A change-of-address code goes to the new address: only its owner can confirm the change.
    const to = purpose === 'change_email' && target ? target : user.email;
    const mail = { to, name: user.name, code, ttlMinutes: Math.round(ttlSeconds / 60), siteName, siteUrl, locale };
    const template = {
      verify_email: verificationMail,
      reset_password: passwordResetMail,
      change_email: emailChangeMail,
    };
    await jobs.enqueue('mail', template[purpose](mail), { transaction });
    return { expiresInSeconds: ttlSeconds, resendAfterSeconds: OTP_RESEND_COOLDOWN_SECONDS };
  }

  /** The stored code of `purpose` when `code` matches it (consumed), or the 422 to answer. */
  async function check(
    user: User,
    purpose: OtpPurpose,
    code: string,
    transaction: Transaction,
  ): Promise<{ error: ApiError } | { error: null; target: string | null }> {
    const stored = await OtpCode.findOne({
      where: { userId: user.id, purpose },
      order: [['sentAt', 'DESC']],
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    if (!stored) return { error: unprocessable('otp_missing', 'There is no code to check; ask for a new one.') };
    if (stored.expiresAt.getTime() <= clock().getTime()) {
      return { error: unprocessable('otp_expired', 'This code has expired; send a new one.') };
    }
    if (stored.attempts >= OTP_MAX_ATTEMPTS) {
      return { error: exhausted() };
    }
    const expected = Buffer.from(stored.codeHash, 'hex');
    const given = Buffer.from(hashOf(user.id, purpose, code), 'hex');
    if (!timingSafeEqual(expected, given)) {
      // Read before increment(): PostgreSQL writes the new value back into the instance, SQLite does not.
      const left = OTP_MAX_ATTEMPTS - stored.attempts - 1;
      await stored.increment('attempts', { transaction });
      if (left <= 0) return { error: exhausted() };
      return {
        error: unprocessable('otp_invalid', `Wrong code; ${left} attempt${left === 1 ? '' : 's'} left.`, [
          { path: 'code', message: 'wrong code', attemptsLeft: left },
        ]),
      };
    }
    await stored.destroy({ transaction });
    return { error: null, target: stored.target ?? null };
  }

  return {
    /** Issues and mails a code; 429 with Retry-After within the resend cooldown. */
    async issue(user: User, purpose: OtpPurpose, transaction: Transaction, target: string | null = null) {
      const sent = await issue(user, purpose, transaction, false, target);
      if ('cooldownSeconds' in sent) throw new Error('unreachable: issue() throws on cooldown');
      return sent;
    },

    /** Issues and mails a code unless one went out within the cooldown (silently: no enumeration). */
    async issueUnlessCooling(user: User, purpose: OtpPurpose, transaction: Transaction): Promise<boolean> {
      return !('cooldownSeconds' in (await issue(user, purpose, transaction, true)));
    },

    /** Issues and mails a code, or says how long the cooldown still runs (nothing sent then). */
    issueOrWait(user: User, purpose: OtpPurpose, transaction: Transaction) {
      return issue(user, purpose, transaction, true);
    },

    /**
     * Checks a code; a wrong one uses up one of the five attempts, the right one
     * is consumed. Returns the 422 to answer (not thrown, so the caller commits
     * the used attempt), or null when the code was right.
     */
    async consume(user: User, purpose: OtpPurpose, code: string, transaction: Transaction): Promise<ApiError | null> {
      return (await check(user, purpose, code, transaction)).error;
    },

    /** Like consume(), and gives the code's target (the new address of an email change). */
    check,
  };
}
