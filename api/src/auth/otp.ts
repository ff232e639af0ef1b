import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Transaction } from 'sequelize';
import type { Database } from '../db/index.js';
import type { OtpPurpose, User } from '../db/models/index.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Clock } from '../lib/clock.js';
import { ApiError, unprocessable } from '../lib/errors.js';
import { passwordResetMail, verificationMail } from '../mail/templates.js';

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
}

export type OtpService = ReturnType<typeof createOtpService>;

/** One-time codes by mail: 6 digits, stored as a keyed hash, expiring, at most 5 tries, resend cooldown. */
export function createOtpService({ db, clock, jobs, secret, ttlSeconds, siteName, siteUrl }: OtpServiceDeps) {
  const { OtpCode } = db.models;
  // Keyed with the server secret: a leaked table alone cannot be brute-forced over the million codes.
  const hashOf = (userId: number, purpose: OtpPurpose, code: string) =>
    createHmac('sha256', secret).update(`${userId}:${purpose}:${code}`).digest('hex');

  /**
   * Replaces any earlier code of this purpose and queues the mail in the same
   * transaction (sent by the job worker, never awaited by the request).
   * Within the cooldown: 429 with Retry-After, or `null` when `quietCooldown`.
   */
  async function issue(user: User, purpose: OtpPurpose, transaction: Transaction, quietCooldown: boolean) {
    const now = clock();
    const previous = await OtpCode.findOne({
      where: { userId: user.id, purpose },
      order: [['sentAt', 'DESC']],
      transaction,
    });
    if (previous) {
      const wait = Math.ceil((previous.sentAt.getTime() + OTP_RESEND_COOLDOWN_SECONDS * 1000 - now.getTime()) / 1000);
      if (wait > 0) {
        if (quietCooldown) return null;
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
      },
      { transaction },
    );
    const mail = { to: user.email, name: user.name, code, ttlMinutes: Math.round(ttlSeconds / 60), siteName, siteUrl };
    await jobs.enqueue('mail', purpose === 'verify_email' ? verificationMail(mail) : passwordResetMail(mail), {
      transaction,
    });
    return { expiresInSeconds: ttlSeconds, resendAfterSeconds: OTP_RESEND_COOLDOWN_SECONDS };
  }

  return {
    /** Issues and mails a code; 429 with Retry-After within the resend cooldown. */
    async issue(user: User, purpose: OtpPurpose, transaction: Transaction) {
      const sent = await issue(user, purpose, transaction, false);
      if (!sent) throw new Error('unreachable: issue() throws on cooldown');
      return sent;
    },

    /** Issues and mails a code unless one went out within the cooldown (silently: no enumeration). */
    async issueUnlessCooling(user: User, purpose: OtpPurpose, transaction: Transaction): Promise<boolean> {
      return (await issue(user, purpose, transaction, true)) !== null;
    },

    /**
     * Checks a code; a wrong one uses up one of the five attempts, the right one
     * is consumed. Returns the 422 to answer (not thrown, so the caller commits
     * the used attempt), or null when the code was right.
     */
    async consume(user: User, purpose: OtpPurpose, code: string, transaction: Transaction): Promise<ApiError | null> {
      const stored = await OtpCode.findOne({
        where: { userId: user.id, purpose },
        order: [['sentAt', 'DESC']],
        transaction,
        lock: transaction.LOCK.UPDATE,
      });
      if (!stored) return unprocessable('otp_missing', 'There is no code to check; ask for a new one.');
      if (stored.expiresAt.getTime() <= clock().getTime()) {
        return unprocessable('otp_expired', 'This code has expired; ask for a new one.');
      }
      if (stored.attempts >= OTP_MAX_ATTEMPTS) {
        return unprocessable('otp_exhausted', 'Too many wrong codes; ask for a new one.');
      }
      const expected = Buffer.from(stored.codeHash, 'hex');
      const given = Buffer.from(hashOf(user.id, purpose, code), 'hex');
      if (!timingSafeEqual(expected, given)) {
        // Read before increment(): PostgreSQL writes the new value back into the instance, SQLite does not.
        const left = OTP_MAX_ATTEMPTS - stored.attempts - 1;
        await stored.increment('attempts', { transaction });
        return unprocessable(
          left > 0 ? 'otp_invalid' : 'otp_exhausted',
          left > 0
            ? `Wrong code; ${left} attempt${left === 1 ? '' : 's'} left.`
            : 'Too many wrong codes; ask for a new one.',
          [{ path: 'code', message: 'wrong code', attemptsLeft: left }],
        );
      }
      await stored.destroy({ transaction });
      return null;
    },
  };
}
