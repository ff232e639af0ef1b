import { z } from 'zod';
import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import { httpDelivery, noBuilder, type PublishDelivery } from '../features/publishing/delivery.js';
import { PublishEventSchema } from '../features/publishing/schema.js';
import { WEBHOOK_JOB } from '../features/publishing/service.js';
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

/** Where publish events go: the builder over HTTP when BUILDER_URL is set, else nowhere until one is given. */
export function publishDeliveryFromConfig(config: Config, clock: Clock): PublishDelivery {
  return config.builderUrl
    ? httpDelivery({ builderUrl: config.builderUrl, secret: config.webhookSecret, clock })
    : noBuilder;
}

/**
 * The API's background jobs: mail, and the publish webhook (`publish`: the
 * in-process builder in one-process mode; by default the HTTP webhook to
 * BUILDER_URL). Started by the process entry, not by createApp.
 */
export function createBackgroundJobs(
  deps: { config: Config; db: Database; logger: Logger; clock: Clock; mailer?: Mailer; publish?: PublishDelivery },
  options: Pick<JobQueueOptions, 'pollMs' | 'maxAttempts' | 'backoffMs'> = {},
) {
  const mailer = deps.mailer ?? mailerFromConfig(deps.config, deps.logger);
  const publish = deps.publish ?? publishDeliveryFromConfig(deps.config, deps.clock);
  return createJobQueue({
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    ...options,
    handlers: {
      mail: (payload) => mailer.send(MailPayloadSchema.parse(payload)),
      [WEBHOOK_JOB]: (payload) => publish(PublishEventSchema.parse(payload)),
    },
  });
}
