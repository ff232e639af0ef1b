import type { SiteLocale } from '@blog/contract/site';
import { UniqueConstraintError } from 'sequelize';
import type { Database } from '../db/index.js';
import type { Session, User } from '../db/models/index.js';
import type { CommentEvents } from '../features/comments/events.js';
import type { ModerationService } from '../features/moderation/service.js';
import { exportSubscriptions } from '../features/subscriptions/export.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Clock } from '../lib/clock.js';
import { refuseStaffLookalike } from '../lib/display-name.js';
import { ApiError, conflict, unprocessable } from '../lib/errors.js';
import { type RateLimiter, rateLimited } from '../lib/rate-limit.js';
import { emailChangedNotice } from '../mail/templates.js';
import { COMMON_PASSWORDS } from './common-passwords.js';
import type { DeviceCookies } from './device.js';
import type { OtpService } from './otp.js';
import type { PasswordHasher } from './passwords.js';
import type { AccountExport, LoginVerification } from './schema.js';
import type { SessionMeta, SessionStore } from './sessions.js';

export const MIN_PASSWORD_LENGTH = 10;
/** Password-less (OpenID) accounts prove who they are by a sign-in this recent. */
export const REAUTH_WINDOW_MS = 10 * 60 * 1000;

const minutes = (n: number) => n * 60;
// Per IP and per account; see README "Rate limits".
export const AUTH_RATE_RULES = {
  signupPerIp: { limit: 10, windowSeconds: minutes(60) },
  otpSendPerAccount: { limit: 10, windowSeconds: minutes(60) },
  otpVerifyPerIp: { limit: 30, windowSeconds: minutes(15) },
  otpVerifyPerAccount: { limit: 15, windowSeconds: minutes(15) },
  forgotPerIp: { limit: 10, windowSeconds: minutes(60) },
  forgotPerAccount: { limit: 5, windowSeconds: minutes(60) },
  resetPerIp: { limit: 20, windowSeconds: minutes(15) },
  resetPerAccount: { limit: 10, windowSeconds: minutes(15) },
  passwordChangePerAccount: { limit: 10, windowSeconds: minutes(15) },
  renamePerAccount: { limit: 20, windowSeconds: minutes(60) },
  emailChangePerAccount: { limit: 5, windowSeconds: minutes(60) },
  emailChangePerIp: { limit: 20, windowSeconds: minutes(60) },
};

/**
 * The password sign-in throttle (OWASP ASVS 2.2.1). Only failures count, and they are counted
 * per address, per account, and per account and address:
 * - an address with 20 failures in 15 minutes (on any accounts) is refused for the rest of them;
 * - an account with 10 failures in 15 minutes is refused to the addresses those failures came
 *   from, while an address that has not failed on it may still try (the owner elsewhere);
 * - an account with 100 failures in an hour (a distributed guess) is refused to every address.
 * A browser holding the account's device cookie (it signed in before) passes all three: the
 * owner at home is never locked out by strangers. Unknown emails are throttled the same way.
 */
export const LOGIN_THROTTLE = {
  failuresPerIp: { limit: 20, windowSeconds: minutes(15) },
  failuresPerAccount: { limit: 10, windowSeconds: minutes(15) },
  failuresPerAccountHour: { limit: 100, windowSeconds: minutes(60) },
};
const throttleKeys = (email: string, ip: string) => ({
  ip: `login-fail:ip:${ip}`,
  account: `login-fail:account:${email}`,
  accountHour: `login-fail:account-hour:${email}`,
  accountIp: `login-fail:account-ip:${email}:${ip}`,
});

/** Why a password is refused, or null. */
export function passwordProblem(password: string, email: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return 'is one of the most common passwords; choose another';
  if (lower === email || lower === email.split('@')[0]) return 'must not be your email address';
  return null;
}

function checkPassword(password: string, email: string, field = 'password'): void {
  const problem = passwordProblem(password, email);
  if (problem) {
    throw unprocessable('weak_password', `The password ${problem}.`, [{ path: field, message: problem }]);
  }
}

const emailTaken = () => conflict('email_taken', 'Another account uses this email address.');

/** The subscriptions of `userId` for "download my data" (features/subscriptions). */
export { exportSubscriptions };

/** a***@example.com */
export const maskEmail = (email: string): string => {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}${'*'.repeat(Math.max(local.length - 1, 1))}@${domain}`;
};

export interface AccountServiceDeps {
  db: Database;
  clock: Clock;
  sessions: SessionStore;
  otp: OtpService;
  rateLimiter: RateLimiter;
  passwords: PasswordHasher;
  devices: DeviceCookies;
  /** Deleting an account takes its comments and likes off published posts: their comments events. */
  commentEvents: CommentEvents;
  /** The outbox, for the notice to the old address of an email change. */
  jobs: JobQueue;
  siteName: string;
  siteUrl: string;
  /** SITE_LOCALE: the language of the mails. */
  locale: SiteLocale;
  /** Admins' bans by address and email domain refuse sign-up. */
  bans: Pick<ModerationService, 'assertNotBanned'>;
}

export type AccountService = ReturnType<typeof createAccountService>;

/** Password accounts: sign-up, login, email verification, password reset and account deletion. */
export function createAccountService({
  db,
  clock,
  sessions,
  otp,
  rateLimiter,
  passwords,
  devices,
  commentEvents,
  jobs,
  siteName,
  siteUrl,
  locale,
  bans,
}: AccountServiceDeps) {
  const { User, Comment, Post, Identity, OtpCode } = db.models;
  // Unknown emails still pay for one scrypt, so timing does not tell which emails have accounts.
  let dummyHash: Promise<string> | null = null;
  const dummy = () => {
    dummyHash ??= passwords.hash('not-a-real-password-just-for-timing');
    return dummyHash;
  };

  const invalidCredentials = () => new ApiError(401, 'invalid_credentials', 'Wrong email or password.');

  /** Refuses (429) a sign-in attempt the throttle holds back; see LOGIN_THROTTLE. */
  async function checkThrottle(email: string, ip: string): Promise<void> {
    const keys = throttleKeys(email, ip);
    const rules = LOGIN_THROTTLE;
    const [fromIp, onAccount, onAccountHour, fromIpOnAccount] = await Promise.all([
      rateLimiter.peek(keys.ip, rules.failuresPerIp),
      rateLimiter.peek(keys.account, rules.failuresPerAccount),
      rateLimiter.peek(keys.accountHour, rules.failuresPerAccountHour),
      rateLimiter.peek(keys.accountIp, rules.failuresPerAccount),
    ]);
    if (onAccountHour.count >= rules.failuresPerAccountHour.limit) {
      throw rateLimited(
        onAccountHour.resetsInSeconds,
        'account_locked',
        'Too many failed sign-ins on this account. Sign in from a browser you used before, reset your password, or try again later.',
      );
    }
    if (fromIp.count >= rules.failuresPerIp.limit) {
      throw rateLimited(
        fromIp.resetsInSeconds,
        'login_throttled',
        'Too many failed sign-ins from your address; try again later.',
      );
    }
    if (onAccount.count >= rules.failuresPerAccount.limit && fromIpOnAccount.count > 0) {
      throw rateLimited(
        Math.min(onAccount.resetsInSeconds, fromIpOnAccount.resetsInSeconds),
        'login_throttled',
        'Too many failed sign-ins on this account from your address; try again later or reset your password.',
      );
    }
  }

  /**
   * A sensitive change proves who asks: the password (`field` names it in the answer), or for
   * password-less accounts a sign-in within REAUTH_WINDOW_MS.
   */
  async function reauthenticate(user: User, session: Session, password: string | undefined, field: string) {
    if (user.passwordHash) {
      if (!password) {
        throw new ApiError(403, 'reauth_required', 'Enter your current password to do this.', [
          { path: field, message: 'is required' },
        ]);
      }
      if (!(await passwords.verify(password, user.passwordHash))) {
        throw new ApiError(403, 'wrong_password', 'That is not your current password.', [
          { path: field, message: 'is not your current password' },
        ]);
      }
    } else if (clock().getTime() - session.createdAt.getTime() > REAUTH_WINDOW_MS) {
      throw new ApiError(403, 'reauth_required', 'Sign in again (within the last 10 minutes) to do this.');
    }
  }

  /**
   * For an unverified account that just signed in: mails a code now, or says why not (one went
   * out within the cooldown, or the account asked for too many). Never claims a mail it did not send.
   */
  async function verificationOnLogin(user: User): Promise<LoginVerification> {
    try {
      await rateLimiter.hit(`otp-send:account:${user.id}`, AUTH_RATE_RULES.otpSendPerAccount);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 429) throw error;
      const wait = Number(error.headers?.['Retry-After']) || AUTH_RATE_RULES.otpSendPerAccount.windowSeconds;
      return { sent: false, reason: 'rate_limited', resendAfterSeconds: wait };
    }
    const sent = await db.transaction((transaction) => otp.issueOrWait(user, 'verify_email', transaction));
    if ('cooldownSeconds' in sent) return { sent: false, reason: 'cooldown', resendAfterSeconds: sent.cooldownSeconds };
    return { sent: true, sentTo: maskEmail(user.email), ...sent };
  }

  async function recordFailure(email: string, ip: string): Promise<void> {
    const keys = throttleKeys(email, ip);
    const rules = LOGIN_THROTTLE;
    await rateLimiter.increment(keys.ip, rules.failuresPerIp);
    await rateLimiter.increment(keys.account, rules.failuresPerAccount);
    await rateLimiter.increment(keys.accountHour, rules.failuresPerAccountHour);
    await rateLimiter.increment(keys.accountIp, rules.failuresPerAccount);
  }

  return {
    /** A new unverified account, signed in, with a verification code on its way. */
    async signup(input: { email: string; name: string; password: string }, meta: SessionMeta & { ip: string }) {
      await rateLimiter.hit(`signup:ip:${meta.ip}`, AUTH_RATE_RULES.signupPerIp);
      await bans.assertNotBanned({ ip: meta.ip, email: input.email }, { logAs: 'signup' });
      checkPassword(input.password, input.email);
      const passwordHash = await passwords.hash(input.password);
      try {
        return await db.transaction(async (transaction) => {
          if (await User.findOne({ where: { email: input.email }, attributes: ['id'], transaction })) {
            throw conflict('email_taken', 'An account with this email already exists; sign in instead.');
          }
          await refuseStaffLookalike(db, input.name, null, transaction);
          const user = await User.create(
            { email: input.email, name: input.name, passwordHash, emailVerifiedAt: null },
            { transaction },
          );
          const sent = await otp.issue(user, 'verify_email', transaction);
          const { token, session } = await sessions.create(user.id, meta, transaction);
          return { user, token, session, sent };
        });
      } catch (error) {
        if (error instanceof UniqueConstraintError) {
          throw conflict('email_taken', 'An account with this email already exists; sign in instead.');
        }
        throw error;
      }
    },

    /**
     * Checks the password and starts a new session (a fresh id every time: no fixation). A
     * banned account gets the same 401 as a wrong password, so the answer never confirms a
     * password. Returns a device cookie for the browser (see LOGIN_THROTTLE).
     */
    async login(
      input: { email: string; password: string },
      meta: SessionMeta & { ip: string; deviceToken?: string },
      previous?: Session | null,
    ) {
      const user = await User.findOne({ where: { email: input.email } });
      const knownDevice = user ? devices.vouchesFor(meta.deviceToken, user.id) : false;
      if (!knownDevice) await checkThrottle(input.email, meta.ip);
      const ok = user?.passwordHash
        ? await passwords.verify(input.password, user.passwordHash)
        : (await passwords.verify(input.password, await dummy())) && false;
      if (!user || !ok || user.bannedAt) {
        await recordFailure(input.email, meta.ip);
        throw invalidCredentials();
      }
      if (previous) await sessions.revoke(previous.id);
      const { token, session } = await sessions.create(user.id, meta);
      const verification = user.emailVerifiedAt ? undefined : await verificationOnLogin(user);
      return { user, token, session, device: devices.issue(user.id), verification };
    },

    /** Sends (again) the email verification code. */
    async sendVerification(user: User) {
      if (user.emailVerifiedAt) throw conflict('already_verified', 'This email address is already verified.');
      await rateLimiter.hit(`otp-send:account:${user.id}`, AUTH_RATE_RULES.otpSendPerAccount);
      const sent = await db.transaction((transaction) => otp.issue(user, 'verify_email', transaction));
      return { sentTo: maskEmail(user.email), ...sent };
    },

    /** Marks the email verified when the code is right. */
    async verifyEmail(user: User, code: string, ip: string): Promise<User> {
      if (user.emailVerifiedAt) throw conflict('already_verified', 'This email address is already verified.');
      await rateLimiter.hit(`otp-verify:ip:${ip}`, AUTH_RATE_RULES.otpVerifyPerIp);
      await rateLimiter.hit(`otp-verify:account:${user.id}`, AUTH_RATE_RULES.otpVerifyPerAccount);
      const failure = await db.transaction(async (transaction) => {
        const problem = await otp.consume(user, 'verify_email', code, transaction);
        if (!problem) await user.update({ emailVerifiedAt: clock() }, { transaction });
        return problem;
      });
      if (failure) throw failure;
      return user;
    },

    /** Always succeeds from the caller's view; mails a reset code when the account exists. */
    async forgotPassword(email: string, ip: string): Promise<void> {
      await rateLimiter.hit(`forgot:ip:${ip}`, AUTH_RATE_RULES.forgotPerIp);
      const user = await User.findOne({ where: { email } });
      if (!user || user.bannedAt) return;
      try {
        await rateLimiter.hit(`forgot:account:${user.id}`, AUTH_RATE_RULES.forgotPerAccount);
      } catch {
        return; // Silently: a 429 here would reveal that the account exists.
      }
      await db.transaction((transaction) => otp.issueUnlessCooling(user, 'reset_password', transaction));
    },

    /** Sets a new password from a mailed code; every session of the account ends. */
    async resetPassword(input: { email: string; code: string; password: string }, ip: string): Promise<void> {
      await rateLimiter.hit(`reset:ip:${ip}`, AUTH_RATE_RULES.resetPerIp);
      await rateLimiter.hit(`reset:account:${input.email}`, AUTH_RATE_RULES.resetPerAccount);
      checkPassword(input.password, input.email);
      const user = await User.findOne({ where: { email: input.email } });
      if (!user) throw unprocessable('otp_invalid', 'Wrong code.', [{ path: 'code', message: 'wrong code' }]);
      const passwordHash = await passwords.hash(input.password);
      const failure = await db.transaction(async (transaction) => {
        const problem = await otp.consume(user, 'reset_password', input.code, transaction);
        if (problem) return problem;
        // The code came by mail, so the address is proven too.
        await user.update({ passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? clock() }, { transaction });
        await sessions.revokeAll(user.id, undefined, transaction);
        // The owner proved the mailbox: strangers' failures no longer hold the account.
        const keys = throttleKeys(user.email, ip);
        await rateLimiter.reset(keys.account, transaction);
        await rateLimiter.reset(keys.accountHour, transaction);
        return null;
      });
      if (failure) throw failure;
    },

    /**
     * Changes the password after checking the current one (password-less accounts: a recent
     * sign-in, and this sets their first password). Every other session of the account ends;
     * this one stays. Returns how many sessions ended.
     */
    async changePassword(
      user: User,
      session: Session,
      input: { currentPassword?: string | undefined; newPassword: string },
    ): Promise<number> {
      await rateLimiter.hit(`password-change:account:${user.id}`, AUTH_RATE_RULES.passwordChangePerAccount);
      await reauthenticate(user, session, input.currentPassword, 'currentPassword');
      checkPassword(input.newPassword, user.email, 'newPassword');
      const passwordHash = await passwords.hash(input.newPassword);
      return db.transaction(async (transaction) => {
        await user.update({ passwordHash }, { transaction });
        // A reset code mailed before the change would undo it.
        await OtpCode.destroy({ where: { userId: user.id, purpose: 'reset_password' }, transaction });
        return sessions.revokeAll(user.id, session.id, transaction);
      });
    },

    /** Changes the display name; the static pages showing it on comments are rendered again. */
    async rename(user: User, name: string): Promise<User> {
      await rateLimiter.hit(`rename:account:${user.id}`, AUTH_RATE_RULES.renamePerAccount);
      await db.transaction(async (transaction) => {
        await refuseStaffLookalike(db, name, user.id, transaction);
        const touched = await commentEvents.postsTouchedByUser(user.id, transaction);
        await user.update({ name }, { transaction });
        await commentEvents.announce(touched, transaction);
      });
      return user;
    },

    /**
     * Starts an email change: after re-authentication, mails a code to the NEW address. The
     * account keeps its address until that code is confirmed, so nobody can move an account to
     * an address they do not read, nor claim one another account uses (409, checked again at
     * confirmation).
     */
    async requestEmailChange(
      user: User,
      session: Session,
      input: { email: string; password?: string | undefined },
      ip: string,
    ) {
      await rateLimiter.hit(`email-change:ip:${ip}`, AUTH_RATE_RULES.emailChangePerIp);
      await rateLimiter.hit(`email-change:account:${user.id}`, AUTH_RATE_RULES.emailChangePerAccount);
      await reauthenticate(user, session, input.password, 'password');
      if (input.email === user.email) {
        throw unprocessable('same_email', 'This is already your email address.', [
          { path: 'email', message: 'is already your address' },
        ]);
      }
      if (await User.findOne({ where: { email: input.email }, attributes: ['id'] })) throw emailTaken();
      const sent = await db.transaction((transaction) => otp.issue(user, 'change_email', transaction, input.email));
      return { sentTo: maskEmail(input.email), pendingEmail: input.email, ...sent };
    },

    /**
     * Applies an email change with the code mailed to the new address (the address is proven
     * by it), under the unique constraint; the old address is told. Other pending codes go:
     * they were mailed to the old address.
     */
    async confirmEmailChange(user: User, code: string, ip: string): Promise<User> {
      await rateLimiter.hit(`otp-verify:ip:${ip}`, AUTH_RATE_RULES.otpVerifyPerIp);
      await rateLimiter.hit(`otp-verify:account:${user.id}`, AUTH_RATE_RULES.otpVerifyPerAccount);
      const oldEmail = user.email;
      let failure: ApiError | null;
      try {
        failure = await db.transaction(async (transaction) => {
          const checked = await otp.check(user, 'change_email', code, transaction);
          if (checked.error) return checked.error;
          const email = checked.target;
          if (!email) return unprocessable('otp_missing', 'There is no email change to confirm; start again.');
          if (await User.findOne({ where: { email }, attributes: ['id'], transaction })) throw emailTaken();
          const touched = await commentEvents.postsTouchedByUser(user.id, transaction);
          await user.update({ email, emailVerifiedAt: clock() }, { transaction });
          await OtpCode.destroy({ where: { userId: user.id }, transaction });
          await commentEvents.announce(touched, transaction);
          await jobs.enqueue(
            'mail',
            emailChangedNotice({
              to: oldEmail,
              name: user.name,
              newEmail: maskEmail(email),
              siteName,
              siteUrl,
              locale,
            }),
            { transaction },
          );
          return null;
        });
      } catch (error) {
        user.email = oldEmail; // rolled back: the instance says so too
        if (error instanceof UniqueConstraintError) throw emailTaken();
        throw error;
      }
      if (failure) {
        user.email = oldEmail;
        throw failure;
      }
      return user;
    },

    /** Everything the account holds, for "download my data": only this user's own rows. */
    async exportData(user: User): Promise<AccountExport> {
      const [identities, comments, subscriptions] = await Promise.all([
        Identity.findAll({ where: { userId: user.id }, order: [['id', 'ASC']] }),
        Comment.findAll({ where: { authorId: user.id }, order: [['id', 'ASC']] }),
        exportSubscriptions(db, user.id),
      ]);
      const postIds = [...new Set(comments.map((comment) => comment.postId))];
      const posts = new Map(
        (postIds.length > 0
          ? await Post.findAll({ where: { id: postIds }, attributes: ['id', 'slug', 'title'] })
          : []
        ).map((post) => [post.id, post]),
      );
      return {
        exportedAt: clock().toISOString(),
        profile: {
          id: user.id,
          email: user.email,
          name: user.name,
          role: user.role,
          emailVerifiedAt: user.emailVerifiedAt?.toISOString() ?? null,
          createdAt: user.createdAt.toISOString(),
          hasPassword: user.passwordHash !== null,
          identities: identities.map((identity) => ({
            provider: identity.provider,
            linkedAt: identity.createdAt.toISOString(),
          })),
        },
        comments: comments.map((comment) => ({
          id: comment.id,
          post: {
            id: comment.postId,
            slug: posts.get(comment.postId)?.slug ?? '',
            title: posts.get(comment.postId)?.title ?? '',
          },
          parentId: comment.parentId ?? null,
          body: comment.bodyMarkdown,
          status: comment.status,
          createdAt: comment.createdAt.toISOString(),
          editedAt: comment.editedAt?.toISOString() ?? null,
        })),
        subscriptions,
      };
    },

    /**
     * Deletes the account after re-authentication: the password, or for
     * password-less accounts a sign-in within the last 10 minutes. The account's sessions,
     * identities, likes and comments go with it, and so do other people's replies to its
     * comments (one level of threading; counts kept by the model hooks); authors of posts get 409.
     */
    async deleteAccount(user: User, session: Session, password: string | undefined): Promise<void> {
      if (user.passwordHash) {
        if (!password || !(await passwords.verify(password, user.passwordHash))) {
          throw new ApiError(403, 'reauth_required', 'Enter your current password to delete your account.');
        }
      } else if (clock().getTime() - session.createdAt.getTime() > REAUTH_WINDOW_MS) {
        throw new ApiError(
          403,
          'reauth_required',
          'Sign in again (within the last 10 minutes) to delete your account.',
        );
      }
      await db.transaction(async (transaction) => {
        const touched = await commentEvents.postsTouchedByUser(user.id, transaction);
        await user.destroy({ transaction });
        await commentEvents.announce(touched, transaction);
      });
    },
  };
}
