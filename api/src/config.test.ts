import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_SESSION_SECRET, DEV_WEBHOOK_SECRET, loadConfig, parseDatabaseUrl } from './config.js';

const strong = 'q8W2-fZ0pL7rT1vN4mK9sD3yH6bJ5cX0aG2eU8iO';
const strong2 = 'Zt5Rk1Vb8Nq3Lm0Pw7Yx2Cd4Fg6Hj9Ks1Ae3Uo5I';

describe('loadConfig', () => {
  it('has development defaults that run with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8080',
      database: { dialect: 'sqlite', storage: './data/blog.db' },
      seedDemo: true,
      logLevel: 'info',
      admin: null,
    });
  });

  it('honours every variable by its documented name', () => {
    const config = loadConfig({
      NODE_ENV: 'development',
      PORT: '9000',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://blog.example.com/',
      DATABASE_URL: 'postgres://u:p@db:5432/blog',
      SESSION_SECRET: strong,
      WEBHOOK_SECRET: strong,
      ADMIN_EMAIL: 'Boss@Example.com',
      ADMIN_PASSWORD: 'a-long-password',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      publicUrl: 'https://blog.example.com',
      database: { dialect: 'postgres', url: 'postgres://u:p@db:5432/blog' },
      sessionSecret: strong,
      webhookSecret: strong,
      admin: { email: 'boss@example.com', password: 'a-long-password' },
      seedDemo: false,
      logLevel: 'debug',
    });
  });

  it('refuses default or missing secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://b.example' })).toThrow(ConfigError);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://b.example',
        SESSION_SECRET: DEV_SESSION_SECRET,
        WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
      }),
    ).toThrow(/development default is refused/);
    const config = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://b.example',
      SESSION_SECRET: strong,
      WEBHOOK_SECRET: strong2,
      SMTP_URL: 'smtp://mail.example:587',
    });
    expect(config.seedDemo).toBe(false);
    expect(config.mail).toMatchObject({ transport: 'smtp', logBodies: false });
  });

  it('refuses weak or shared secrets in production', () => {
    const production = { NODE_ENV: 'production', PUBLIC_URL: 'https://b.example', SMTP_URL: 'smtp://m.example' };
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...production, ...env });
        return [];
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return error.problems;
      }
    };
    expect(problems({ SESSION_SECRET: 'a'.repeat(36), WEBHOOK_SECRET: 'a'.repeat(36) })).toEqual([
      expect.stringMatching(/^SESSION_SECRET: too little entropy/),
      expect.stringMatching(/^WEBHOOK_SECRET: too little entropy/),
      expect.stringMatching(/must differ/),
    ]);
    expect(problems({ SESSION_SECRET: 'abcabcabcabcabcabcabcabcabcabcabcabc', WEBHOOK_SECRET: strong2 })).toEqual([
      expect.stringMatching(/^SESSION_SECRET: too little entropy/),
    ]);
    expect(problems({ SESSION_SECRET: strong, WEBHOOK_SECRET: strong })).toEqual([
      expect.stringMatching(/must differ/),
    ]);
    // What the README tells operators to run.
    const base64 = 'r5nZ0c2Jm9yq+G4kR8wq3d1eXbT7vH0sL2pN6uF9aQ4oE3iC8gW1zY5xK7jM0tBh';
    const hex = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    expect(problems({ SESSION_SECRET: base64, WEBHOOK_SECRET: hex })).toEqual([]);
  });

  it('refuses production without a mail transport unless MAIL_TRANSPORT=log opts in', () => {
    const production = {
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://b.example',
      SESSION_SECRET: strong,
      WEBHOOK_SECRET: strong2,
    };
    expect(() => loadConfig(production)).toThrow(/SMTP_URL: required in production, or set MAIL_TRANSPORT=log/);
    expect(() => loadConfig({ ...production, MAIL_TRANSPORT: 'smtp' })).toThrow(/MAIL_TRANSPORT=smtp: needs SMTP_URL/);
    expect(loadConfig({ ...production, MAIL_TRANSPORT: 'log' }).mail).toMatchObject({
      transport: 'log',
      logBodies: false,
    });
    expect(loadConfig({ NODE_ENV: 'development' }).mail).toMatchObject({ transport: 'log', logBodies: true });
  });

  it('lists every problem at once, readably', () => {
    try {
      loadConfig({ PORT: 'eighty', PUBLIC_URL: 'not a url', LOG_LEVEL: 'loud', SESSION_SECRET: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'PUBLIC_URL', 'LOG_LEVEL', 'SESSION_SECRET']) expect(problems).toContain(name);
    }
  });

  it('treats empty values as unset, so a copied .env.example works', () => {
    const config = loadConfig({ SESSION_SECRET: '', SMTP_URL: '', ADMIN_EMAIL: '', ADMIN_PASSWORD: '', PORT: '' });
    expect(config).toMatchObject({ port: 8080, admin: null, mail: { smtpUrl: null } });
  });

  it('wants ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
    expect(() => loadConfig({ ADMIN_EMAIL: 'a@b.example' })).toThrow(/set both or neither/);
  });
});

describe('parseDatabaseUrl', () => {
  it('reads SQLite paths and PostgreSQL URLs', () => {
    expect(parseDatabaseUrl('sqlite:./data/blog.db')).toEqual({ dialect: 'sqlite', storage: './data/blog.db' });
    expect(parseDatabaseUrl('sqlite:///var/lib/blog.db')).toEqual({ dialect: 'sqlite', storage: '/var/lib/blog.db' });
    expect(parseDatabaseUrl('postgresql://h/db')).toEqual({ dialect: 'postgres', url: 'postgresql://h/db' });
    expect(() => parseDatabaseUrl('mysql://h/db')).toThrow(ConfigError);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(ConfigError);
  });
});
