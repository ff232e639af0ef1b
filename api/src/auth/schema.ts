import { z } from '@hono/zod-openapi';
import { normalizeDisplayName } from '../lib/display-name.js';
import { isoDate, textString } from '../lib/openapi.js';

/** Emails are trimmed, NFC-normalised and lower-cased before anything compares them. */
export const EmailSchema = z
  .string()
  .trim()
  .max(254)
  .transform((email) => email.normalize('NFC').toLowerCase())
  .pipe(z.email('must be an email address'))
  .openapi({ type: 'string', format: 'email', example: 'reader@example.com' });

/** Display names are normalised (normalizeDisplayName) before they are checked or stored. */
const name = textString()
  .transform(normalizeDisplayName)
  .pipe(z.string().min(1, 'is required').max(80))
  .openapi({ type: 'string', minLength: 1, maxLength: 80, example: 'Grace Hopper' });
// The policy itself (length, common passwords) is checked in the service, with a clear message.
const password = textString().min(1, 'is required').max(200);
const code = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'must be the 6-digit code from the mail');

export const SignupSchema = z.strictObject({ email: EmailSchema, name, password }).openapi('Signup');
export const LoginSchema = z.strictObject({ email: EmailSchema, password }).openapi('Login');
export const VerifyOtpSchema = z.strictObject({ code }).openapi('VerifyOtp');
export const ForgotPasswordSchema = z.strictObject({ email: EmailSchema }).openapi('ForgotPassword');
export const ResetPasswordSchema = z.strictObject({ email: EmailSchema, code, password }).openapi('ResetPassword');
export const DeleteAccountSchema = z
  .strictObject({
    password: password.optional().openapi({ description: 'Required when the account has a password' }),
  })
  .openapi('DeleteAccount');

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
  .openapi('Me');

export const OtpSentSchema = z
  .object({
    sentTo: z.string().openapi({ description: 'The address, partly masked' }),
    expiresInSeconds: z.number().int(),
    resendAfterSeconds: z.number().int(),
  })
  .openapi('OtpSent');

export const AcceptedSchema = z.object({ status: z.literal('accepted'), message: z.string() }).openapi('Accepted');

export type Me = z.infer<typeof MeSchema>;
export type SignupInput = z.infer<typeof SignupSchema>;
