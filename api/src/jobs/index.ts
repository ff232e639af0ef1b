import { z } from 'zod';
import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import { httpDelivery, noBuilder, type PublishDelivery } from '../features/publishing/delivery.js';
import { GITHUB_DISPATCH_JOB, githubDispatchDelivery } from '../features/publishing/github.js';
import { PublishEventSchema } from '../features/publishing/schema.js';
import { COMMENTS_JOB, WEBHOOK_JOB } from '../features/publishing/service.js';
import { createSubscriptionService, DIGEST_JOB, NEWSLETTER_JOB } from '../features/subscriptions/service.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { createRateLimiter } from '../lib/rate-limit.js';
import { createOutboxMailer, createSmtpMailer, type Mailer } from '../mail/mailer.js';
import { createJobQueue, type JobQueue, type JobQueueOptions } from './queue.js';

const MailPayloadSchema = z.object({
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  // Header names are tokens (RFC 5322 ftext) and values single lines: nothing can add a header.
  headers: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,60}$/), z.string().regex(/^[^\r\n]{0,2000}$/)).optional(),
});

const DigestPayloadSchema = z.object({ subscriptionId: z.number().int() });
const NewsletterPayloadSchema = z.object({ sendId: z.number().int() });

/** The mailer MAIL_TRANSPORT asks for: SMTP, or the outbox folder (and the log outside production). */
export function mailerFromConfig(config: Config, logger: Logger): Mailer {
  const { transport, smtpUrl, from, outboxDir, logBodies } = config.mail;
  return transport === 'smtp' && smtpUrl
    ? createSmtpMailer(smtpUrl, from)
    : createOutboxMailer(outboxDir, from, logger, logBodies);
}

/** Where publish events go: the builder over HTTP when BUILDER_URL is set, else nowhere until one is given. */
export function publishDeliveryFromConfig(config: Config, clock: Clock): PublishDelivery {
  return config.builderUrl
    ? httpDelivery({ builderUrl: config.builderUrl, secret: config.webhookSecret, clock })
    : noBuilder;
}

/**
 * The outbox jobs one publish event becomes: a `webhook` job for the builder (BUILDER_URL, or the
 * in-process builder of one-process mode) and a `github_dispatch` job for GitHub's
 * repository_dispatch (GITHUB_DISPATCH_REPO and _TOKEN). With GitHub configured and BUILDER_URL
 * unset, GitHub alone: the site is built by the workflow, no builder runs.
 */
export function publishJobKinds(config: Config): string[] {
  const kinds: string[] = [];
  if (config.builderUrl || !config.githubDispatch) kinds.push(WEBHOOK_JOB);
  if (config.githubDispatch) kinds.push(GITHUB_DISPATCH_JOB);
  return kinds;
}

/**
 * Whether `comments` events are written at all: only when a builder gets publish events
 * (BUILDER_URL, or the in-process builder of one-process mode). GitHub dispatch alone: none.
 */
export const announcesComments = (config: Config): boolean => publishJobKinds(config).includes(WEBHOOK_JOB);

/** One-process mode: neither BUILDER_URL nor GitHub dispatch is set, so the API runs the builder itself. */
export const runsBuilderInProcess = (config: Config): boolean => !config.builderUrl && !config.githubDispatch;

/**
 * The API's background jobs: mail, the publish webhook (`publish`: the
 * in-process builder in one-process mode; by default the HTTP webhook to
 * BUILDER_URL) and GitHub's repository_dispatch when configured. Started by
 * the process entry, not by createApp.
 */
export function createBackgroundJobs(
  deps: { config: Config; db: Database; logger: Logger; clock: Clock; mailer?: Mailer; publish?: PublishDelivery },
  options: Pick<JobQueueOptions, 'pollMs' | 'maxAttempts' | 'backoffMs'> = {},
) {
  const mailer = deps.mailer ?? mailerFromConfig(deps.config, deps.logger);
  const publish = deps.publish ?? publishDeliveryFromConfig(deps.config, deps.clock);
  const github = deps.config.githubDispatch;
  const dispatch = github ? githubDispatchDelivery({ ...github, now: deps.clock }) : null;
  // Subscription jobs write further jobs (digest and newsletter mails) through this same queue.
  const subscriptions = createSubscriptionService({
    db: deps.db,
    clock: deps.clock,
    jobs: { enqueue: (...args) => queue.enqueue(...args) },
    rateLimiter: createRateLimiter(deps.db, deps.clock),
    secret: deps.config.sessionSecret,
    publicUrl: deps.config.publicUrl,
    siteName: deps.config.siteName,
    locale: deps.config.siteLocale,
    digestSeconds: deps.config.notifyDigestSeconds,
    newsletter: deps.config.newsletter,
  });
  const queue: JobQueue = createJobQueue({
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    leaseMs: deps.config.jobLeaseMs,
    ...options,
    fanOut: { [WEBHOOK_JOB]: publishJobKinds(deps.config) },
    handlers: {
      mail: (payload) => mailer.send(MailPayloadSchema.parse(payload)),
      [WEBHOOK_JOB]: (payload) => publish(PublishEventSchema.parse(payload)),
      // The builder's delivery too; only ever written when a builder exists (announcesComments).
      [COMMENTS_JOB]: (payload) => publish(PublishEventSchema.parse(payload)),
      [DIGEST_JOB]: (payload) => subscriptions.sendDigest(DigestPayloadSchema.parse(payload).subscriptionId),
      [NEWSLETTER_JOB]: (payload) => subscriptions.sendNewsletterBatch(NewsletterPayloadSchema.parse(payload).sendId),
      // Jobs written while GitHub was configured stay deliverable only while it still is.
      ...(dispatch ? { [GITHUB_DISPATCH_JOB]: (payload: unknown) => dispatch(PublishEventSchema.parse(payload)) } : {}),
    },
  });
  return queue;
}
