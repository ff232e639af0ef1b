import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { productionEnv } from '../../test/app.js';
import { loadConfig } from '../config.js';
import { mailerFromConfig } from '../jobs/index.js';
import { verificationMail } from './templates.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A real pino logger whose lines land in `lines`. */
function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const message = { to: 'reader@example.com', subject: 'Your code', text: 'Your code is 493027.', html: '<p>493027</p>' };

describe('MAIL_TRANSPORT=log', () => {
  it('writes the mail to the outbox and, in development, shows its body in the log', async () => {
    const outbox = await mkdtemp(join(tmpdir(), 'blog-mail-'));
    dirs.push(outbox);
    const { logger, lines } = capturingLogger();
    await mailerFromConfig(loadConfig({ NODE_ENV: 'development', MAIL_OUTBOX_DIR: outbox }), logger).send(message);
    expect(lines.join('')).toContain('493027');
    const [file] = await readdir(outbox);
    expect(await readFile(join(outbox, file ?? ''), 'utf8')).toContain('493027');
  });

  it('never puts the body (the code) in a production log line', async () => {
    const outbox = await mkdtemp(join(tmpdir(), 'blog-mail-'));
    dirs.push(outbox);
    const { logger, lines } = capturingLogger();
    const config = loadConfig({ ...productionEnv(), MAIL_OUTBOX_DIR: outbox });
    await mailerFromConfig(config, logger).send(message);
    expect(lines.join('')).toContain('reader@example.com');
    expect(lines.join('')).not.toContain('493027');
    expect(await readdir(outbox)).toHaveLength(1);
  });
});

describe('mail greetings', () => {
  const mail = (name: string) =>
    verificationMail({
      to: 'a@example.com',
      name,
      code: '123456',
      ttlMinutes: 10,
      siteName: 'Blog',
      siteUrl: 'https://b.example',
      locale: 'en',
    });
  it('greet by the normalised name, or not by name when it would put a link or controls in our mail', () => {
    expect(mail('Kim\u200B Minji\u202E').text).toMatch(/^Hello Kim Minji,\n/);
    for (const name of ['Visit evil.example now', 'http://evil.example', 'www.evil.com']) {
      const { text, html } = mail(name);
      expect(text.startsWith('Hello,\n')).toBe(true);
      expect(html).not.toContain('evil');
    }
    expect(mail('<b>Ada</b>').html).toContain('Hello &lt;b&gt;Ada&lt;/b&gt;,');
  });
});
