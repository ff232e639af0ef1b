import { z } from 'zod';
import { isoDate, textString } from './common.js';

// Subscriptions (issue 13, parts 4 and 5): mails about comments and new posts, each with a
// one-click unsubscribe link.

/**
 * What a subscription is to: one post's new comments (`post`), the newsletter of new posts
 * (`site`), replies to your comments (`replies`, on by default), comments waiting for approval
 * on posts you run (`moderation`, admins and post authors, on by default).
 */
export const SUBSCRIPTION_KINDS = ['post', 'site', 'replies', 'moderation'] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];
export const SubscriptionKindSchema = z.enum(SUBSCRIPTION_KINDS);

/** The longest email address an SMTP path takes (RFC 5321). */
export const MAX_EMAIL_LENGTH = 254;

export const SubscriptionSchema = z
  .object({
    id: z.number().int(),
    kind: SubscriptionKindSchema,
    post: z
      .object({ id: z.number().int(), slug: z.string(), title: z.string() })
      .nullable()
      .meta({ description: 'The post of a `post` subscription; null for the others' }),
    active: z.boolean().meta({ description: 'Confirmed and not unsubscribed: mails go out' }),
    confirmedAt: isoDate().nullable(),
    unsubscribedAt: isoDate().nullable(),
    createdAt: isoDate(),
  })
  .meta({ id: 'Subscription' });
export type SubscriptionOut = z.infer<typeof SubscriptionSchema>;

export const SubscriptionListSchema = z.object({ items: z.array(SubscriptionSchema) }).meta({ id: 'SubscriptionList' });
export type SubscriptionList = z.infer<typeof SubscriptionListSchema>;

/** Whether the signed-in reader gets mails about a post's new comments (or the newsletter). */
export const SubscriptionStateSchema = z.object({ subscribed: z.boolean() }).meta({ id: 'SubscriptionState' });
export type SubscriptionState = z.infer<typeof SubscriptionStateSchema>;

export const NewsletterSubscribeSchema = z
  .strictObject({
    email: textString().trim().toLowerCase().max(MAX_EMAIL_LENGTH).pipe(z.email()),
  })
  .meta({ id: 'NewsletterSubscribe' });
export type NewsletterSubscribeInput = z.infer<typeof NewsletterSubscribeSchema>;

export const NewsletterSubscribeAcceptedSchema = z
  .object({
    status: z.literal('check_your_inbox').meta({
      description: 'Always the same answer: a confirmation mail goes out unless the address is already subscribed',
    }),
  })
  .meta({ id: 'NewsletterSubscribeAccepted' });
export type NewsletterSubscribeAccepted = z.infer<typeof NewsletterSubscribeAcceptedSchema>;

/** A signed link's token in a query string (unsubscribe, newsletter confirmation). */
export const SignedTokenQuerySchema = z.object({
  token: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\w.-]+$/, 'must be a token from a mail')
    .meta({ description: 'The token of the link in the mail', example: '12.v1.abcdef' }),
});

export const UnsubscribedSchema = z
  .object({ unsubscribed: z.literal(true), kind: SubscriptionKindSchema })
  .meta({ id: 'Unsubscribed' });
export type Unsubscribed = z.infer<typeof UnsubscribedSchema>;

/** One newsletter send: a published post mailed to the confirmed subscribers, with its recipients' delivery states. */
export const NewsletterSendSchema = z
  .object({
    id: z.number().int(),
    postId: z.number().int().nullable(),
    title: z.string(),
    createdAt: isoDate(),
    finishedAt: isoDate().nullable().meta({ description: 'When every recipient had a mail queued' }),
    recipients: z.number().int().meta({ description: 'Confirmed subscribers when the post was published' }),
    queued: z.number().int().meta({ description: 'Mails not yet attempted' }),
    sent: z.number().int(),
    retried: z.number().int().meta({ description: 'Failed at least once and waiting for another try' }),
    failed: z.number().int().meta({ description: 'Gave up after the last attempt' }),
  })
  .meta({ id: 'NewsletterSend' });
export type NewsletterSendOut = z.infer<typeof NewsletterSendSchema>;

export const AdminNewsletterSchema = z
  .object({
    subscribers: z.object({
      confirmed: z.number().int(),
      pending: z.number().int().meta({ description: 'Signed up, confirmation link not followed yet' }),
      unsubscribed: z.number().int(),
    }),
    sends: z.array(NewsletterSendSchema).meta({ description: 'The latest sends, newest first' }),
  })
  .meta({ id: 'AdminNewsletter' });
export type AdminNewsletter = z.infer<typeof AdminNewsletterSchema>;
