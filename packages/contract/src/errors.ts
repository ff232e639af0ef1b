import { z } from 'zod';

/**
 * Every `error.code` the API (and the builder) can answer with: one catalogue, so the API's
 * `ApiError` accepts only these, the OpenAPI document lists them as an enum, and the islands
 * and the admin app compare against a type instead of free strings.
 */
export const ERROR_CODES = [
  // Requests that are malformed or refused before any rule runs.
  'bad_request',
  'invalid_request',
  'validation_failed',
  'method_not_allowed',
  'not_found',
  'payload_too_large',
  'unsupported_media_type',
  'headers_too_large',
  'expectation_failed',
  'request_timeout',
  'csrf_rejected',
  'rate_limited',
  'internal_error',
  'unavailable',
  'database_unavailable',
  // Who may do what.
  'unauthorized',
  'forbidden',
  'banned',
  'email_not_verified',
  'not_owner',
  'own_account',
  'reauth_required',
  // Accounts and sign-in.
  'invalid_credentials',
  'login_throttled',
  'account_locked',
  'email_taken',
  'name_taken',
  'weak_password',
  'already_verified',
  'otp_cooldown',
  'otp_missing',
  'otp_invalid',
  'otp_expired',
  'otp_exhausted',
  'wrong_password',
  'same_email',
  // Content.
  'slug_taken',
  // Media uploads and covers.
  'unsupported_image_type',
  'image_unreadable',
  'import_unreadable',
  'image_too_large',
  'media_in_use',
  'unknown_media',
  'cover_alt_required',
  'unknown_category',
  'invalid_author',
  'author_has_posts',
  'invalid_parent',
  'comment_hidden',
  'edit_window_closed',
  'own_comment',
  'pin_limit',
  'not_top_level',
  'body_too_complex',
  'unsupported_action',
  'conflict',
  'reference_gone',
  'preview_expired',
  'tag_name_taken',
  'unknown_tag',
  'merge_into_self',
  // Scheduling and concurrent edits of posts.
  'version_conflict',
  'invalid_publish_at',
  'not_schedulable',
  // Moderation and spam defence (every refusal is logged with its reason).
  'comments_closed',
  'comment_pending',
  'not_pending',
  'banned_ip',
  'banned_email_domain',
  'spam_honeypot',
  'too_fast',
  'too_many_links',
  'duplicate_comment',
  'spam_detected',
  'ban_exists',
  // Signed calls between the API and the builder.
  'bad_signature',
  'replayed',
  // Subscriptions: signed links in mails (unsubscribe, newsletter confirmation).
  'invalid_token',
  'link_expired',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
export const ErrorCodeSchema = z.enum(ERROR_CODES);

/** Why a sign-in with Google, Kakao or another provider ended back at `/?auth_error=<code>`. */
export const OIDC_LOGIN_ERRORS = [
  'access_denied',
  'invalid_state',
  'invalid_token',
  'provider_error',
  'provider_unavailable',
  'email_unverified_conflict',
  'banned',
  'unknown_provider',
  'login_failed',
] as const;
export type OidcLoginError = (typeof OIDC_LOGIN_ERRORS)[number];

/** One problem with one field of a request (422) or parameter (400). */
export const ErrorDetailSchema = z.looseObject({
  path: z.string().optional(),
  message: z.string(),
  code: z.string().optional(),
});
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;

/** Every error answer: `{ error: { code, message, details?, requestId } }`. */
export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: ErrorCodeSchema,
      message: z.string(),
      details: z.array(ErrorDetailSchema).optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;
