import { z } from 'zod';
import { booleanQuery, orderQuery, pageOf, pageQuery, searchQuery } from './admin.js';
import { isoDate } from './common.js';

const role = z.enum(['user', 'author', 'admin']);

export const AdminUserSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    role,
    verified: z.boolean(),
    emailVerifiedAt: isoDate().nullable(),
    banned: z.boolean(),
    bannedAt: isoDate().nullable(),
    postsCount: z.number().int().meta({ description: 'Published posts' }),
    commentsCount: z.number().int().meta({ description: 'Visible comments' }),
    createdAt: isoDate(),
    updatedAt: isoDate(),
  })
  .meta({ id: 'AdminUser' });

export const AdminUserDetailSchema = AdminUserSchema.extend({
  hasPassword: z.boolean().meta({ description: 'False for accounts that only sign in through a provider' }),
  providers: z.array(z.string()).meta({ description: 'Linked sign-in providers', example: ['google'] }),
  sessionCount: z.number().int().meta({ description: 'Live sessions' }),
  draftsCount: z.number().int().meta({ description: 'Unpublished posts' }),
  hiddenCommentsCount: z.number().int(),
}).meta({ id: 'AdminUserDetail' });

export const AdminUserListSchema = pageOf(AdminUserSchema, 'AdminUserList');

export const USER_SORTS = ['created', 'name', 'email', 'postsCount', 'commentsCount'] as const;

export const AdminUserQuerySchema = z.object({
  q: searchQuery('Part of the email or name'),
  role: role.optional(),
  verified: booleanQuery().optional(),
  banned: booleanQuery().optional(),
  sort: z.enum(USER_SORTS).default('created'),
  order: orderQuery(),
  ...pageQuery,
});

export const UpdateAdminUserSchema = z
  .strictObject({
    role: role.optional(),
    verified: z.boolean().optional().meta({ description: 'Mark the email verified, or not' }),
  })
  .refine((input) => input.role !== undefined || input.verified !== undefined, 'give role or verified')
  .meta({ id: 'UpdateAdminUser' });

export type AdminUser = z.infer<typeof AdminUserSchema>;
export type AdminUserDetail = z.infer<typeof AdminUserDetailSchema>;
export type AdminUserList = z.infer<typeof AdminUserListSchema>;
export type AdminUserQuery = z.infer<typeof AdminUserQuerySchema>;
export type UpdateAdminUserInput = z.infer<typeof UpdateAdminUserSchema>;
