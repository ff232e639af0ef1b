import { z } from 'zod';
import { isoDate, textString } from './common.js';
import { normalizeDisplayName } from './names.js';

/** Emails are trimmed, NFC-normalised and lower-cased before anything compares them. */
export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .transform((email) => email.normalize('NFC').toLowerCase())
  .pipe(z.email('must be an email address'))
  .meta({ type: 'string', format: 'email', example: 'reader@example.com' });

/** Display names are normalised (normalizeDisplayName) before they are checked or stored. */
const name = textString()
  .transform(normalizeDisplayName)
  .pipe(z.string().min(1, 'is required').max(80))
  .meta({ type: 'string', minLength: 1, maxLength: 80, example: 'Grace Hopper' });
// The policy itself (length, common passwords) is checked in the service, with a clear message.
const password = textString().min(1, 'is required').max(200);
const code = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'must be the 6-digit code from the mail');

export const SignupSchema = z.strictObject({ email: EmailSchema, name, password }).meta({ id: 'Signup' });
export const LoginSchema = z.strictObject({ email: EmailSchema, password }).meta({ id: 'Login' });
export const VerifyOtpSchema = z.strictObject({ code }).meta({ id: 'VerifyOtp' });
export const ForgotPasswordSchema = z.strictObject({ email: EmailSchema }).meta({ id: 'ForgotPassword' });
export const ResetPasswordSchema = z.strictObject({ email: EmailSchema, code, password }).meta({ id: 'ResetPassword' });
export const DeleteAccountSchema = z
  .strictObject({
    password: password.optional().meta({ description: 'Required when the account has a password' }),
  })
  .meta({ id: 'DeleteAccount' });

export const ChangePasswordSchema = z
  .strictObject({
    currentPassword: password
      .optional()
      .meta({ description: 'Required when the account has a password (accounts without one: a recent sign-in)' }),
    newPassword: password,
  })
  .meta({ id: 'ChangePassword' });
export const UpdateMeSchema = z.strictObject({ name }).meta({ id: 'UpdateMe' });
export const ChangeEmailSchema = z
  .strictObject({
    email: EmailSchema,
    password: password.optional().meta({ description: 'Required when the account has a password' }),
  })
  .meta({ id: 'ChangeEmail' });
export const ConfirmEmailSchema = z.strictObject({ code }).meta({ id: 'ConfirmEmail' });

/** An opaque session id as `GET /auth/sessions` lists it (never the cookie token, never the stored hash). */
export const SessionIdSchema = z
  .string()
  .regex(/^[\w-]{22}$/, 'must be a session id from GET /auth/sessions')
  .meta({ example: 'pQ3m7WlXb0c9aZkT1uYx2A' });

export const MeSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['user', 'author', 'admin']),
    emailVerified: z.boolean(),
    hasPassword: z.boolean(),
    postsCount: z.number().int(),
    commentsCount: z.number().int(),
    createdAt: isoDate(),
  })
  .meta({ id: 'Me' });

export const OtpSentSchema = z
  .object({
    sentTo: z.string().meta({ description: 'The address, partly masked' }),
    expiresInSeconds: z.number().int(),
    resendAfterSeconds: z.number().int(),
  })
  .meta({ id: 'OtpSent' });

export const EmailChangeSentSchema = OtpSentSchema.extend({
  pendingEmail: z.string().meta({ description: 'The new address, applied once its code is confirmed' }),
}).meta({ id: 'EmailChangeSent' });

/**
 * What a sign-in of an unverified account did about its code: mailed one now, or not (a code
 * went out less than a minute ago, or the account asked for too many): never a claim that a
 * mail was sent when none was.
 */
export const LoginVerificationSchema = z
  .discriminatedUnion('sent', [
    OtpSentSchema.extend({ sent: z.literal(true) }),
    z.object({
      sent: z.literal(false),
      reason: z.enum(['cooldown', 'rate_limited']),
      resendAfterSeconds: z.number().int(),
    }),
  ])
  .meta({ id: 'LoginVerification' });

export const LoginResponseSchema = z
  .object({
    user: MeSchema,
    verification: LoginVerificationSchema.optional().meta({
      description: 'Only for an account whose email is not verified yet',
    }),
  })
  .meta({ id: 'LoginResponse' });

export const SessionInfoSchema = z
  .object({
    id: SessionIdSchema,
    createdAt: isoDate(),
    lastSeenAt: isoDate(),
    device: z
      .string()
      .meta({ description: 'The browser and system, from the user agent', example: 'Firefox on Linux' }),
    ip: z.string().meta({ description: 'The address, masked', example: '203.0.113.x' }),
    current: z.boolean().meta({ description: 'The session of this request' }),
  })
  .meta({ id: 'SessionInfo' });
export const SessionListSchema = z.object({ sessions: z.array(SessionInfoSchema) }).meta({ id: 'SessionList' });
export const RevokedSchema = z.object({ revoked: z.number().int() }).meta({ id: 'Revoked' });

export const AccountExportSchema = z
  .object({
    exportedAt: isoDate(),
    profile: z.object({
      id: z.number().int(),
      email: z.string(),
      name: z.string(),
      role: z.enum(['user', 'author', 'admin']),
      emailVerifiedAt: isoDate().nullable(),
      createdAt: isoDate(),
      hasPassword: z.boolean(),
      identities: z.array(z.object({ provider: z.string(), linkedAt: isoDate() })),
    }),
    comments: z.array(
      z.object({
        id: z.number().int(),
        post: z.object({ id: z.number().int(), slug: z.string(), title: z.string() }),
        parentId: z.number().int().nullable(),
        body: z.string(),
        status: z.string(),
        createdAt: isoDate(),
        editedAt: isoDate().nullable(),
      }),
    ),
    subscriptions: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'AccountExport' });

export const AcceptedSchema = z.object({ status: z.literal('accepted'), message: z.string() }).meta({ id: 'Accepted' });

export type Me = z.infer<typeof MeSchema>;
export type SignupInput = z.infer<typeof SignupSchema>;
export type OtpSentOut = z.infer<typeof OtpSentSchema>;
export type LoginResponse = z.infer<typeof LoginResponseSchema>;
export type LoginVerification = z.infer<typeof LoginVerificationSchema>;
export type EmailChangeSentOut = z.infer<typeof EmailChangeSentSchema>;
export type SessionInfo = z.infer<typeof SessionInfoSchema>;
export type SessionListOut = z.infer<typeof SessionListSchema>;
export type AccountExport = z.infer<typeof AccountExportSchema>;
export type ChangePasswordInput = z.infer<typeof ChangePasswordSchema>;
export type ChangeEmailInput = z.infer<typeof ChangeEmailSchema>;
