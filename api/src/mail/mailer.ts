import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { Logger } from '../lib/logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * Extra header fields (List-Unsubscribe and List-Unsubscribe-Post of RFC 8058): names and
   * values we write, never user text; nodemailer folds and encodes them.
   */
  headers?: Record<string, string>;
}

/** Delivers one message or throws (the job queue retries). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** nodemailer over SMTP (`smtp://user:pass@host:port` or `smtps://…`), with timeouts so a dead server fails fast. */
export function createSmtpMailer(url: string, from: string): Mailer {
  // nodemailer is imported with the first mail: a process that never sends one never loads it.
  let transport: Promise<Transporter> | null = null;
  const connect = async () =>
    (await import('nodemailer')).default.createTransport({
      url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  return {
    async send(message) {
      transport ??= connect();
      await (await transport).sendMail({ from, ...message });
    },
  };
}

/**
 * MAIL_TRANSPORT=log: each mail is written to `dir` as a text file, and in development also
 * logged with its body, so the code is on screen. `logBodies` is false in production: a log
 * line never carries a one-time code there.
 */
export function createOutboxMailer(dir: string, from: string, logger: Logger, logBodies: boolean): Mailer {
  let sequence = 0;
  return {
    async send(message) {
      await mkdir(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${sequence++}.eml`;
      const file = join(dir, name);
      const eml = [
        `From: ${from}`,
        `To: ${message.to}`,
        `Subject: ${message.subject}`,
        ...Object.entries(message.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
        'Content-Type: text/plain; charset=utf-8',
        '',
        message.text,
      ].join('\r\n');
      await writeFile(file, eml);
      const line = 'mail written to the outbox (MAIL_TRANSPORT=log, not sent)';
      logger.info({ to: message.to, subject: message.subject, file }, logBodies ? `${line}\n${message.text}` : line);
    },
  };
}
