import { z } from 'zod';
import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { createOutboxMailer, createSmtpMailer, type Mailer } from '../mail/mailer.js';
import { createJobQueue, type JobQueueOptions } from './queue.js';

const MailPayloadSchema = z.object({
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
});

/** The mailer the config asks for: SMTP when SMTP_URL is set, else the outbox folder and the log. */
export function mailerFromConfig(config: Config, logger: Logger): Mailer {
  return config.mail.smtpUrl
    ? createSmtpMailer(config.mail.smtpUrl, config.mail.from)
    : createOutboxMailer(config.mail.outboxDir, config.mail.from, logger);
}

/** The API's background jobs: today, mail. Started by the process entry, not by createApp. */
export function createBackgroundJobs(
  deps: { config: Config; db: Database; logger: Logger; clock: Clock; mailer?: Mailer },
  options: Pick<JobQueueOptions, 'pollMs' | 'maxAttempts' | 'backoffMs'> = {},
) {
  const mailer = deps.mailer ?? mailerFromConfig(deps.config, deps.logger);
  return createJobQueue({
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    ...options,
    handlers: {
      mail: (payload) => mailer.send(MailPayloadSchema.parse(payload)),
    },
  });
}
