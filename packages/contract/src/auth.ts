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

export const AcceptedSchema = z.object({ status: z.literal('accepted'), message: z.string() }).meta({ id: 'Accepted' });

export type Me = z.infer<typeof MeSchema>;
export type SignupInput = z.infer<typeof SignupSchema>;
export type OtpSentOut = z.infer<typeof OtpSentSchema>;
