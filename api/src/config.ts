import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secretWeakness } from '@blog/contract/signature';
import { type SiteLocale, SiteLocaleSchema } from '@blog/contract/site';
import { z } from 'zod';

/** The monorepo's root folder: relative SITE_DIST and admin paths are resolved from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The dev-only secrets; production refuses to start with these (or with none). */
export const DEV_SESSION_SECRET = 'dev-session-secret-change-me-please-000000';
export const DEV_WEBHOOK_SECRET = 'dev-webhook-secret-change-me-please-000000';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * Every environment variable the API reads, with its meaning. `process.env`
 * is read here and nowhere else.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Port the API (and in one-process mode the whole site) listens on. */
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Interface to bind. */
  HOST: z.string().min(1).optional(),
  /** The site's public origin: links, CSRF origin check, OIDC redirect URIs. */
  PUBLIC_URL: z.url().optional(),
  /** `sqlite:<path>` or `postgres://…`. */
  DATABASE_URL: z.string().min(1).optional(),
  /** Secret for signed cookies (OIDC state); production refuses the default. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** HMAC secret of the publish webhook; production refuses the default. */
  WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** When both are set, an admin account is created (or reset) at start. */
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  /** Seed demo content into an empty database. */
  SEED_DEMO: booleanFromEnv.optional(),
  /** pino level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  /** How long a comment author may edit a comment after posting it. */
  COMMENT_EDIT_WINDOW_SECONDS: z.coerce.number().int().min(0).optional(),
  /** Outgoing mail server, `smtp://user:pass@host:port` or `smtps://…`; unset → mails go to MAIL_OUTBOX_DIR and the log. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  /** The From header of every mail. */
  MAIL_FROM: z.string().min(3).optional(),
  /** Where mails are written when SMTP_URL is unset. */
  MAIL_OUTBOX_DIR: z.string().min(1).optional(),
  /**
   * `smtp` (needs SMTP_URL) or `log` (mails written to MAIL_OUTBOX_DIR; development, or an
   * explicit and unsafe opt-in in production, where mail bodies are still never logged).
   */
  MAIL_TRANSPORT: z.enum(['smtp', 'log']).optional(),
  /** Lifetime of emailed one-time codes. */
  OTP_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).optional(),
  /** Lifetime of a draft's secret preview link (/preview/<token>/). */
  PREVIEW_LINK_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .optional(),
  /**
   * Comment notifications are digests: the first new comment for a subscriber schedules one mail
   * this many seconds later, and the comments of that window go in it. 0 mails at once.
   */
  NOTIFY_DIGEST_SECONDS: z.coerce.number().int().min(0).max(86_400).optional(),
  /** Newsletter mails queued per run of a send's fan-out job. */
  NEWSLETTER_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).optional(),
  /** At most this many newsletter mails a minute (their outbox jobs are spaced out): what the SMTP relay allows. */
  NEWSLETTER_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).optional(),
  /** The blog's name, in mails and page titles. */
  SITE_NAME: z.string().min(1).max(100).optional(),
  /** What the blog is about, in a sentence: the home page's lead, the meta description, the feed's. */
  SITE_DESCRIPTION: z.string().min(1).max(300).optional(),
  /** The blog's language: every user-facing string of the site, the islands, the admin app and mails. */
  SITE_LOCALE: SiteLocaleSchema.optional(),
  /** The blog's profiles elsewhere, linked from every page's footer: https URLs, comma-separated. */
  SITE_SOCIAL_LINKS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https$/, error: 'must be https URLs, comma-separated' })).max(8))
    .optional(),
  /** Google sign-in (OpenID Connect). */
  OIDC_GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  OIDC_GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  /** Kakao sign-in (OpenID Connect). */
  OIDC_KAKAO_CLIENT_ID: z.string().min(1).optional(),
  OIDC_KAKAO_CLIENT_SECRET: z.string().min(1).optional(),
  /** A JSON file listing further (or overriding) OpenID Connect providers. */
  OIDC_PROVIDERS_FILE: z.string().min(1).optional(),
  /** Behind nginx: take the client address from X-Real-IP / X-Forwarded-For. */
  TRUST_PROXY: booleanFromEnv.optional(),
  /** Comment authors' pictures: `initials` (drawn by the site, no third party) or `gravatar` (from their email's hash). */
  AVATARS: z.enum(['initials', 'gravatar']).optional(),
  /** The site's moderation mode: `open` (visible at once), `first` (until one of a user's is approved), `all`. */
  COMMENT_MODERATION: z.enum(['open', 'first', 'all']).optional(),
  /** A comment sent faster than this after its form opened is refused (the island reports the time). */
  COMMENT_MIN_SUBMIT_SECONDS: z.coerce.number().min(0).max(600).optional(),
  /** Links allowed in one comment from an account younger than a day. */
  COMMENT_NEW_ACCOUNT_MAX_LINKS: z.coerce.number().int().min(0).max(100).optional(),
  /** The same comment body from one user again within this window is refused as a duplicate. */
  COMMENT_DUPLICATE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .optional(),
  /** An Akismet API key: every comment (but staff's) is checked, spam waits for approval. */
  AKISMET_KEY: z.string().min(1).optional(),
  /** The Akismet-compatible service's root. */
  AKISMET_URL: z.url().optional(),
  /** How long anonymous comment pages may be served from memory (0: never). */
  COMMENT_CACHE_MS: z.coerce.number().int().min(0).max(60_000).optional(),
  /** How long an outbox job's claim lasts unless its worker renews it (a dead worker's jobs run again after it). */
  JOB_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).optional(),
  /** Largest accepted request body. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).optional(),
  /** Largest import file (POST /api/admin/import: a WXR, Ghost or archive file, or a Markdown folder), in bytes (default 64 MB). */
  IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(512 * 1024 * 1024)
    .optional(),
  /** Where uploaded images and their variants live (served at /media/ by nginx and one-process mode). */
  MEDIA_DIR: z.string().min(1).optional(),
  /** Largest image upload, in bytes (default 15 MB). */
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(200 * 1024 * 1024)
    .optional(),
  /** Most pixels an upload may have, all frames counted (default 40 megapixels): checked before decoding. */
  MEDIA_MAX_PIXELS: z.coerce.number().int().min(1).max(500_000_000).optional(),
  /** Where the publish webhook goes (the builder's origin); unset → one-process mode, builder in-process. */
  BUILDER_URL: z.url().optional(),
  /** The live static site folder (a symlink the builder swaps); relative paths are from the repo root. */
  SITE_DIST: z.string().min(1).optional(),
  /** `owner/repo` whose GitHub Actions get each publish event as a `repository_dispatch` of type `publish`. */
  GITHUB_DISPATCH_REPO: z
    .string()
    .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, 'must be owner/repo')
    .optional(),
  /** A token allowed to create repository dispatches (fine-grained: Contents read and write). */
  GITHUB_DISPATCH_TOKEN: z.string().min(1).optional(),
  /** GitHub's REST API root (GitHub Enterprise, or a local stand-in in tests). */
  GITHUB_API_URL: z.url().optional(),
});

export type Env = z.infer<typeof envSchema>;

export type DatabaseConfig = { dialect: 'sqlite'; storage: string } | { dialect: 'postgres'; url: string };

/** One OpenID Connect provider: discovered from its issuer. */
export interface OidcProviderConfig {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** The callback URL to register with the provider. */
  redirectUri: string;
}

const oidcProviderFileSchema = z.array(
  z.strictObject({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and hyphens'),
    name: z.string().min(1).max(60),
    issuer: z.url(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    scopes: z.array(z.string().min(1)).optional(),
  }),
);

/** SITE_DESCRIPTION unset: a sentence in the blog's language. */
const DEFAULT_DESCRIPTIONS: Record<SiteLocale, string> = {
  en: 'Posts prebuilt as plain pages, their comments included.',
  ko: '정적 페이지로 미리 만들어 둔 글과 댓글.',
};

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  publicUrl: string;
  database: DatabaseConfig;
  sessionSecret: string;
  webhookSecret: string;
  admin: { email: string; password: string } | null;
  seedDemo: boolean;
  logLevel: string;
  commentEditWindowSeconds: number;
  commentCacheMs: number;
  /** Moderation and spam defence (COMMENT_MODERATION, COMMENT_MIN_SUBMIT_SECONDS, …). */
  moderation: {
    mode: 'open' | 'first' | 'all';
    minSubmitMs: number;
    newAccountMaxLinks: number;
    duplicateWindowSeconds: number;
    /** AKISMET_KEY and AKISMET_URL; null: no Akismet check. */
    akismet: { key: string; url: string } | null;
    /** How long a process keeps the bans and forbidden words in memory (its own changes forget them at once). */
    cacheMs: number;
  };
  /** AVATARS: `initials` (avatarUrl null) or `gravatar` (a Gravatar URL from the email's SHA-256). */
  avatars: 'initials' | 'gravatar';
  maxBodyBytes: number;
  /** IMPORT_MAX_BYTES: the import route's own body limit. */
  importMaxBytes: number;
  media: { dir: string; maxBytes: number; maxPixels: number };
  /** The outbox lease, in milliseconds. */
  jobLeaseMs: number;
  trustProxy: boolean;
  siteName: string;
  /** SITE_DESCRIPTION. */
  siteDescription: string;
  /** SITE_SOCIAL_LINKS. */
  socialLinks: string[];
  /** SITE_LOCALE. */
  siteLocale: SiteLocale;
  mail: {
    /** `smtp`: through SMTP_URL; `log`: into the outbox folder (and, outside production, the log). */
    transport: 'smtp' | 'log';
    smtpUrl: string | null;
    from: string;
    outboxDir: string;
    /** Whether mail bodies (one-time codes) may appear in the log: never in production. */
    logBodies: boolean;
  };
  otpTtlSeconds: number;
  /** How long a draft's preview link works (PREVIEW_LINK_TTL_SECONDS, default 48 h). */
  previewLinkTtlSeconds: number;
  /** NOTIFY_DIGEST_SECONDS: the window of a comment-notification digest. */
  notifyDigestSeconds: number;
  /** NEWSLETTER_BATCH_SIZE and NEWSLETTER_RATE_PER_MINUTE. */
  newsletter: { batchSize: number; ratePerMinute: number };
  oidcProviders: OidcProviderConfig[];
  /** The builder's origin, without a trailing slash; null in one-process mode (builder in-process) or GitHub-only. */
  builderUrl: string | null;
  /** Where publish events also (or, without BUILDER_URL, only) go: GitHub's repository_dispatch; null when unset. */
  githubDispatch: { apiUrl: string; repo: string; token: string } | null;
  /** Absolute path of the live static site. */
  siteDist: string;
  /** Absolute path of the built admin app, served at /admin/ in one-process mode when it exists. */
  adminDist: string;
}

function readOidcProviders(env: Env, publicUrl: string, problems: string[]): OidcProviderConfig[] {
  const providers = new Map<string, Omit<OidcProviderConfig, 'redirectUri'>>();
  if (env.OIDC_GOOGLE_CLIENT_ID && env.OIDC_GOOGLE_CLIENT_SECRET) {
    providers.set('google', {
      id: 'google',
      name: 'Google',
      issuer: 'https://accounts.google.com',
      clientId: env.OIDC_GOOGLE_CLIENT_ID,
      clientSecret: env.OIDC_GOOGLE_CLIENT_SECRET,
      scopes: ['openid', 'email', 'profile'],
    });
  }
  if (env.OIDC_KAKAO_CLIENT_ID && env.OIDC_KAKAO_CLIENT_SECRET) {
    providers.set('kakao', {
      id: 'kakao',
      name: 'Kakao',
      issuer: 'https://kauth.kakao.com',
      clientId: env.OIDC_KAKAO_CLIENT_ID,
      clientSecret: env.OIDC_KAKAO_CLIENT_SECRET,
      scopes: ['openid', 'account_email', 'profile_nickname'],
    });
  }
  if (env.OIDC_PROVIDERS_FILE) {
    try {
      const parsed = oidcProviderFileSchema.safeParse(JSON.parse(readFileSync(env.OIDC_PROVIDERS_FILE, 'utf8')));
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          problems.push(`OIDC_PROVIDERS_FILE: ${issue.path.join('.')}: ${issue.message}`);
        }
      } else {
        for (const provider of parsed.data) {
          providers.set(provider.id, { ...provider, scopes: provider.scopes ?? ['openid', 'email', 'profile'] });
        }
      }
    } catch (error) {
      problems.push(`OIDC_PROVIDERS_FILE: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return [...providers.values()].map((provider) => ({
    ...provider,
    redirectUri: `${publicUrl}/api/auth/oidc/${provider.id}/callback`,
  }));
}

export { secretWeakness };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Turns a DATABASE_URL into a dialect and location. */
export function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const storage = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!storage) throw new ConfigError(['DATABASE_URL: sqlite: needs a file path']);
    return { dialect: 'sqlite', storage };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { dialect: 'postgres', url };
  }
  throw new ConfigError(['DATABASE_URL: must start with sqlite: or postgres://']);
}

/** Parses and checks the environment once, at boot; throws a readable ConfigError. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // An empty value (`SMTP_URL=` in a copied .env) means unset, as in most .env tooling.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const profile = env.NODE_ENV;
  const problems: string[] = [];

  if (profile === 'production') {
    for (const [name, value, devDefault] of [
      ['SESSION_SECRET', env.SESSION_SECRET, DEV_SESSION_SECRET],
      ['WEBHOOK_SECRET', env.WEBHOOK_SECRET, DEV_WEBHOOK_SECRET],
    ] as const) {
      if (!value) problems.push(`${name}: required in production`);
      else if (value === devDefault) problems.push(`${name}: the development default is refused in production`);
    }
    if (!env.PUBLIC_URL) problems.push('PUBLIC_URL: required in production');
    for (const [name, value] of [
      ['SESSION_SECRET', env.SESSION_SECRET],
      ['WEBHOOK_SECRET', env.WEBHOOK_SECRET],
    ] as const) {
      const weakness = value ? secretWeakness(value) : null;
      if (weakness) problems.push(`${name}: ${weakness} (use e.g. \`openssl rand -base64 48\`)`);
    }
    if (env.SESSION_SECRET && env.SESSION_SECRET === env.WEBHOOK_SECRET) {
      problems.push('SESSION_SECRET and WEBHOOK_SECRET: must differ (the builder holds the webhook secret)');
    }
    if (!env.SMTP_URL && env.MAIL_TRANSPORT !== 'log') {
      problems.push(
        'SMTP_URL: required in production, or set MAIL_TRANSPORT=log to write mails (with their one-time codes) to MAIL_OUTBOX_DIR instead (unsafe: whoever reads that folder can take over accounts)',
      );
    }
  }
  if (env.MAIL_TRANSPORT === 'smtp' && !env.SMTP_URL) problems.push('MAIL_TRANSPORT=smtp: needs SMTP_URL');
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither');
  }
  if ((env.GITHUB_DISPATCH_REPO === undefined) !== (env.GITHUB_DISPATCH_TOKEN === undefined)) {
    problems.push('GITHUB_DISPATCH_REPO and GITHUB_DISPATCH_TOKEN: set both or neither');
  }
  const port = env.PORT ?? 8080;
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const oidcProviders = readOidcProviders(env, publicUrl, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: profile,
    port,
    host: env.HOST ?? '127.0.0.1',
    publicUrl,
    database: parseDatabaseUrl(env.DATABASE_URL ?? 'sqlite:./data/blog.db'),
    sessionSecret: env.SESSION_SECRET ?? DEV_SESSION_SECRET,
    webhookSecret: env.WEBHOOK_SECRET ?? DEV_WEBHOOK_SECRET,
    admin:
      env.ADMIN_EMAIL && env.ADMIN_PASSWORD
        ? { email: env.ADMIN_EMAIL.toLowerCase(), password: env.ADMIN_PASSWORD }
        : null,
    seedDemo: env.SEED_DEMO ?? profile === 'development',
    logLevel: env.LOG_LEVEL ?? (profile === 'test' ? 'silent' : 'info'),
    commentEditWindowSeconds: env.COMMENT_EDIT_WINDOW_SECONDS ?? 15 * 60,
    // Off in tests, which change rows behind the API's back and read them at once.
    commentCacheMs: env.COMMENT_CACHE_MS ?? (profile === 'test' ? 0 : 1000),
    moderation: {
      mode: env.COMMENT_MODERATION ?? 'open',
      // Tests post at machine speed; the island reports the time its form was open.
      minSubmitMs: (env.COMMENT_MIN_SUBMIT_SECONDS ?? 3) * 1000,
      newAccountMaxLinks: env.COMMENT_NEW_ACCOUNT_MAX_LINKS ?? 2,
      duplicateWindowSeconds: env.COMMENT_DUPLICATE_WINDOW_SECONDS ?? 3600,
      // Off in tests, which write bans behind the API's back and use them at once.
      cacheMs: profile === 'test' ? 0 : 5000,
      akismet: env.AKISMET_KEY
        ? { key: env.AKISMET_KEY, url: (env.AKISMET_URL ?? 'https://rest.akismet.com').replace(/\/+$/, '') }
        : null,
    },
    avatars: env.AVATARS ?? 'initials',
    maxBodyBytes: env.MAX_BODY_BYTES ?? 256 * 1024,
    importMaxBytes: env.IMPORT_MAX_BYTES ?? 64 * 1024 * 1024,
    media: {
      dir: fromRepoRoot(env.MEDIA_DIR ?? './data/media'),
      maxBytes: env.MEDIA_MAX_BYTES ?? 15 * 1024 * 1024,
      maxPixels: env.MEDIA_MAX_PIXELS ?? 40_000_000,
    },
    jobLeaseMs: (env.JOB_LEASE_SECONDS ?? 60) * 1000,
    trustProxy: env.TRUST_PROXY ?? false,
    siteName: env.SITE_NAME ?? 'Blog',
    siteDescription: env.SITE_DESCRIPTION ?? DEFAULT_DESCRIPTIONS[env.SITE_LOCALE ?? 'en'],
    socialLinks: env.SITE_SOCIAL_LINKS ?? [],
    siteLocale: env.SITE_LOCALE ?? 'en',
    mail: {
      transport: env.MAIL_TRANSPORT ?? (env.SMTP_URL ? 'smtp' : 'log'),
      smtpUrl: env.SMTP_URL ?? null,
      logBodies: profile !== 'production',
      from: env.MAIL_FROM ?? `${env.SITE_NAME ?? 'Blog'} <no-reply@${new URL(publicUrl).hostname}>`,
      outboxDir: env.MAIL_OUTBOX_DIR ?? './data/outbox',
    },
    otpTtlSeconds: env.OTP_TTL_SECONDS ?? 600,
    previewLinkTtlSeconds: env.PREVIEW_LINK_TTL_SECONDS ?? 48 * 3600,
    notifyDigestSeconds: env.NOTIFY_DIGEST_SECONDS ?? 600,
    // One a second: within what common relays allow a single sender (and 3,600 an hour).
    newsletter: { batchSize: env.NEWSLETTER_BATCH_SIZE ?? 100, ratePerMinute: env.NEWSLETTER_RATE_PER_MINUTE ?? 60 },
    oidcProviders,
    builderUrl: env.BUILDER_URL ? env.BUILDER_URL.replace(/\/+$/, '') : null,
    githubDispatch:
      env.GITHUB_DISPATCH_REPO && env.GITHUB_DISPATCH_TOKEN
        ? {
            apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
            repo: env.GITHUB_DISPATCH_REPO,
            token: env.GITHUB_DISPATCH_TOKEN,
          }
        : null,
    siteDist: fromRepoRoot(env.SITE_DIST ?? './site/dist'),
    adminDist: fromRepoRoot('./admin/dist'),
  };
}

/** An absolute path, relative ones taken from the repo root (not the working directory). */
export function fromRepoRoot(path: string): string {
  return isAbsolute(path) ? path : resolve(REPO_ROOT, path);
}

/** Loads `.env` from the working directory into process.env, if there is one (variables already set win). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
