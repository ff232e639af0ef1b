import { z } from 'zod';
import { isoDate, textString } from './common.js';
import { BuildSchema } from './publishing.js';

// Query pieces shared by every admin list.

const ID_PATTERN = '^[1-9][0-9]{0,9}$';

/** A database id in a query string, in canonical decimal form. */
export const idQuery = () =>
  z
    .string()
    .regex(new RegExp(ID_PATTERN), 'must be a positive integer id')
    .transform(Number)
    .refine((id) => id <= 2_147_483_647, 'is too large')
    .meta({ type: 'string', pattern: ID_PATTERN, example: '1' });

/** `true` or `false` in a query string. */
export const booleanQuery = () =>
  z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .meta({ type: 'string', enum: ['true', 'false'] });

/** Free-text search: a case-insensitive substring; empty means no search. */
export const searchQuery = (description: string) => textString().trim().max(200).optional().meta({ description });

export const orderQuery = () =>
  z.enum(['asc', 'desc']).optional().meta({ description: 'Defaults to desc for dates and counts, asc for text' });

export const pageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
};

/** A page of `item`s with the total over all pages. */
export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      page: z.number().int(),
      limit: z.number().int(),
      total: z.number().int().meta({ description: 'Matching rows over all pages' }),
      totalPages: z.number().int(),
    })
    .meta({ id: name });

// Recount

export const CountDriftSchema = z
  .object({
    table: z.enum(['users', 'categories', 'tags', 'posts', 'comments']),
    field: z.enum(['posts_count', 'comments_count', 'likes_count']),
    id: z.number().int(),
    stored: z.number().int().meta({ description: 'The value before the repair' }),
    actual: z.number().int().meta({ description: 'The true count, now stored' }),
  })
  .meta({ id: 'CountDrift' });

export const RecountResultSchema = z.object({ fixed: z.array(CountDriftSchema) }).meta({ id: 'RecountResult' });

// Stats

export const AdminStatsSchema = z
  .object({
    users: z.object({
      total: z.number().int(),
      verified: z.number().int(),
      banned: z.number().int(),
      byRole: z.object({ user: z.number().int(), author: z.number().int(), admin: z.number().int() }),
    }),
    posts: z.object({ total: z.number().int(), draft: z.number().int(), published: z.number().int() }),
    comments: z.object({
      total: z.number().int().meta({ description: 'Rejected comments left out' }),
      visible: z.number().int(),
      hidden: z.number().int(),
      pending: z.number().int().meta({ description: 'Waiting for approval' }),
    }),
    lastBuild: BuildSchema.nullable().meta({ description: 'The most recent site build, if any' }),
  })
  .meta({ id: 'AdminStats' });

// Audit log

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    actor: z
      .object({ id: z.number().int(), name: z.string() })
      .nullable()
      .meta({ description: 'Null when the acting account was deleted since' }),
    action: z.string().meta({ example: 'user.ban' }),
    targetType: z.string().meta({ example: 'user' }),
    targetId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    createdAt: isoDate(),
  })
  .meta({ id: 'AuditEntry' });

export const AuditListSchema = pageOf(AuditEntrySchema, 'AuditList');

export const AuditQuerySchema = z.object({
  action: z
    .string()
    .regex(/^[a-z]+(\.[a-z]+)?$/, 'an action name such as user.ban')
    .max(64)
    .optional()
    .meta({ description: 'An action (user.ban) or a group (user)', example: 'user.ban' }),
  actor: idQuery().optional().meta({ description: 'Acting user id' }),
  ...pageQuery,
});

// Bulk actions

export const BULK_MAX_IDS = 200;

/** The actions each resource takes in bulk. */
export const BULK_ACTIONS = {
  users: ['ban', 'unban', 'verify', 'delete'],
  posts: ['publish', 'unpublish', 'delete'],
  comments: ['hide', 'unhide', 'delete', 'approve', 'reject'],
} as const;

export type BulkResource = keyof typeof BULK_ACTIONS;
export type BulkAction = (typeof BULK_ACTIONS)[BulkResource][number];

const ALL_BULK_ACTIONS = [...new Set(Object.values(BULK_ACTIONS).flat())] as [BulkAction, ...BulkAction[]];

export const BulkRequestSchema = z
  .strictObject({
    resource: z.enum(['users', 'posts', 'comments']),
    action: z.enum(ALL_BULK_ACTIONS).meta({
      description:
        'users: ban, unban, verify, delete; posts: publish, unpublish, delete; comments: hide, unhide, delete, approve, reject',
    }),
    ids: z
      .array(z.number().int().positive().max(2_147_483_647))
      .min(1)
      .max(BULK_MAX_IDS)
      .meta({ description: `1 to ${BULK_MAX_IDS} ids; repeated ids are applied once` }),
  })
  .meta({ id: 'BulkRequest' });

export const BulkItemResultSchema = z
  .object({
    id: z.number().int(),
    ok: z.boolean(),
    error: z.string().optional().meta({ description: 'Why this id was not applied', example: 'not_found' }),
    message: z.string().optional(),
  })
  .meta({ id: 'BulkItemResult' });

export const BulkResultSchema = z
  .object({
    resource: z.enum(['users', 'posts', 'comments']),
    action: z.enum(ALL_BULK_ACTIONS),
    applied: z.number().int(),
    failed: z.number().int(),
    results: z.array(BulkItemResultSchema).meta({ description: 'One entry per distinct id, in request order' }),
  })
  .meta({ id: 'BulkResult' });

export type AdminStats = z.infer<typeof AdminStatsSchema>;
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type AuditList = z.infer<typeof AuditListSchema>;
export type BulkRequest = z.infer<typeof BulkRequestSchema>;
export type BulkItemResult = z.infer<typeof BulkItemResultSchema>;
export type BulkResult = z.infer<typeof BulkResultSchema>;
export type RecountResult = z.infer<typeof RecountResultSchema>;

/** Every action the audit log records: `resource.verb`, or a bare verb for whole-site actions. */
export const AUDIT_ACTIONS = [
  'user.update',
  'user.verify',
  'user.ban',
  'user.unban',
  'user.delete',
  'post.create',
  'post.update',
  'post.publish',
  'post.unpublish',
  'post.delete',
  'post.preview_link',
  'category.create',
  'category.update',
  'category.delete',
  'tag.update',
  'tag.merge',
  'tag.delete',
  'media.upload',
  'media.delete',
  'comment.hide',
  'comment.unhide',
  'comment.delete',
  'comment.pin',
  'comment.unpin',
  'comment.approve',
  'comment.reject',
  'comment.purge',
  'moderation.settings',
  'ban.create',
  'ban.delete',
  'recount',
  'bulk',
  'rebuild',
  'import',
  'export',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
