import { z } from 'zod';

export const ProviderSchema = z
  .object({
    id: z.string().meta({ example: 'google' }),
    name: z.string().meta({ example: 'Google' }),
    startUrl: z
      .string()
      .meta({ example: 'https://blog.example/api/auth/oidc/google/start', description: 'Append ?returnTo=<path>' }),
  })
  .meta({ id: 'OidcProvider' });

export const ProviderListSchema = z.object({ providers: z.array(ProviderSchema) }).meta({ id: 'OidcProviderList' });

export type ProviderSummary = z.infer<typeof ProviderSchema>;

export const ProviderParam = z.object({
  provider: z
    .string()
    .min(1)
    .max(100)
    .meta({ param: { name: 'provider', in: 'path' }, example: 'google' }),
});

// A repeated or odd value must not turn a sign-in into an error page: unusable values read as absent.
const lenient = () => z.string().optional().catch(undefined).meta({ type: 'string' });

export const StartQuerySchema = z.object({
  returnTo: lenient().meta({
    description: 'Where to go after signing in: a path or URL of this site; anything else goes to the home page',
    example: '/posts/hello-world',
  }),
});

export const CallbackQuerySchema = z.object({
  code: lenient(),
  state: lenient(),
  iss: lenient(),
  error: lenient(),
  error_description: lenient(),
});

// Some providers send booleans as strings ("true"), as older specifications allowed.
const booleanClaim = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

/** The claims we use from a verified ID token or UserInfo response; anything unusable reads as absent. */
export const IdentityClaimsSchema = z.looseObject({
  sub: z.string().min(1).max(255),
  email: z.string().optional().catch(undefined),
  email_verified: booleanClaim.optional().catch(undefined),
  name: z.string().optional().catch(undefined),
  nickname: z.string().optional().catch(undefined),
  preferred_username: z.string().optional().catch(undefined),
});

export type IdentityClaims = z.infer<typeof IdentityClaimsSchema>;
export type ProviderListOut = z.infer<typeof ProviderListSchema>;
