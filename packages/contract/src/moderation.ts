import { z } from 'zod';
import { idQuery, pageOf, pageQuery } from './admin.js';
import { isoDate, textString } from './common.js';
import { CommentModerationSchema } from './posts.js';

/**
 * Moderation (DESIGN §3): the site's settings an admin changes at run time, bans, the log of
 * every spam and moderation decision, and "delete everything from this user / this address".
 */

export const MAX_FORBIDDEN_WORDS = 500;

const word = textString()
  .trim()
  .min(1, 'is empty')
  .max(100)
  .transform((w) => w.normalize('NFC').toLowerCase());

export const ModerationSettingsSchema = z
  .object({
    mode: CommentModerationSchema.meta({
      description: 'COMMENT_MODERATION: the site default (set in the environment)',
    }),
    forbiddenWords: z
      .array(z.string())
      .meta({ description: 'A comment containing one of these (case-insensitive) waits for approval' }),
    minSubmitSeconds: z.number().meta({ description: 'COMMENT_MIN_SUBMIT_SECONDS: faster submissions are refused' }),
    newAccountMaxLinks: z
      .number()
      .int()
      .meta({ description: 'COMMENT_NEW_ACCOUNT_MAX_LINKS: links allowed per comment in an account’s first day' }),
    duplicateWindowSeconds: z
      .number()
      .int()
      .meta({ description: 'COMMENT_DUPLICATE_WINDOW_SECONDS: the same body again within it is refused' }),
  })
  .meta({ id: 'ModerationSettings' });

export const UpdateModerationSettingsSchema = z
  .strictObject({
    forbiddenWords: z.array(word).max(MAX_FORBIDDEN_WORDS),
  })
  .meta({ id: 'UpdateModerationSettings' });

// Bans

export const BAN_KINDS = ['ip', 'email_domain'] as const;

export const BanSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(BAN_KINDS),
    value: z.string().meta({ description: 'An address or prefix (203.0.113.0/24, 2001:db8::/32), or a domain' }),
    reason: z.string(),
    createdBy: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    expiresAt: isoDate().nullable(),
    createdAt: isoDate(),
  })
  .meta({ id: 'Ban' });

export const BanListSchema = pageOf(BanSchema, 'BanList');
export const BanQuerySchema = z.object({ kind: z.enum(BAN_KINDS).optional(), ...pageQuery });

export const CreateBanSchema = z
  .strictObject({
    kind: z.enum(BAN_KINDS),
    value: textString().trim().min(1, 'is required').max(253),
    reason: textString().trim().max(500).default(''),
    expiresAt: z.iso
      .datetime({ offset: true })
      .nullable()
      .default(null)
      .meta({ description: 'When the ban ends; null: never' }),
  })
  .meta({ id: 'CreateBan' });

// The decision log

export const MODERATION_DECISIONS = ['refused', 'queued', 'approved', 'rejected', 'purged'] as const;

export const ModerationEventSchema = z
  .object({
    id: z.number().int(),
    decision: z.enum(MODERATION_DECISIONS),
    reason: z.string().meta({ description: 'The rule, e.g. spam_honeypot, banned_ip, first_comment, forbidden_word' }),
    detail: z.string(),
    user: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    postId: z.number().int().nullable(),
    commentId: z.number().int().nullable(),
    actor: z.object({ id: z.number().int(), name: z.string() }).nullable().meta({ description: 'The moderator' }),
    createdAt: isoDate(),
  })
  .meta({ id: 'ModerationEvent' });

export const ModerationLogSchema = pageOf(ModerationEventSchema, 'ModerationLog');
export const ModerationLogQuerySchema = z.object({
  decision: z.enum(MODERATION_DECISIONS).optional(),
  user: idQuery().optional().meta({ description: 'User id' }),
  ...pageQuery,
});

// Delete everything from a user or an address

export const PurgeRequestSchema = z
  .strictObject({
    userId: z.number().int().positive().max(2_147_483_647).optional(),
    ip: z.union([z.ipv4(), z.ipv6()]).optional().meta({ description: 'The exact address the comments came from' }),
  })
  .refine((body) => (body.userId === undefined) !== (body.ip === undefined), {
    message: 'give exactly one of userId and ip',
  })
  .meta({ id: 'PurgeRequest' });

export type ModerationSettings = z.infer<typeof ModerationSettingsSchema>;
export type UpdateModerationSettings = z.infer<typeof UpdateModerationSettingsSchema>;
export type BanOut = z.infer<typeof BanSchema>;
export type BanKind = (typeof BAN_KINDS)[number];
export type CreateBanInput = z.infer<typeof CreateBanSchema>;
export type ModerationDecision = (typeof MODERATION_DECISIONS)[number];
export type ModerationEventOut = z.infer<typeof ModerationEventSchema>;
export type PurgeRequest = z.infer<typeof PurgeRequestSchema>;
export type BanList = z.infer<typeof BanListSchema>;
export type ModerationLog = z.infer<typeof ModerationLogSchema>;
