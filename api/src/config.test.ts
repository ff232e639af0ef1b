import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_SESSION_SECRET, DEV_WEBHOOK_SECRET, loadConfig, parseDatabaseUrl } from './config.js';

const strong = 'x'.repeat(40);

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
      WEBHOOK_SECRET: `${strong}y`,
    });
    expect(config.seedDemo).toBe(false);
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
