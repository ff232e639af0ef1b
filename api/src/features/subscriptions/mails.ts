import type { SubscriptionKind } from '@blog/contract';
import type { SiteLocale } from '@blog/contract/site';
import { normalizeDisplayName } from '../../lib/display-name.js';
import type { MailMessage } from '../../mail/mailer.js';
import { escapeHtml, Html, type MailText, type MessageKey, mailText } from '../../mail/messages/index.js';
import { htmlPage } from '../../mail/templates.js';

/**
 * User text made fit for a header (a subject): normalised (no control, bidi or invisible
 * characters, so no CR/LF either), one line, cut short. nodemailer then encodes it (RFC 2047).
 */
export function headerText(text: string, max = 80): string {
  const clean = normalizeDisplayName(text.replace(/[\r\n\t]+/g, ' ')).replace(/\s+/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** A comment's Markdown as a one-paragraph preview. */
export const excerptOf = (markdown: string, max = 280): string => {
  const flat = markdown.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * RFC 8058 one-click unsubscribe: the HTTPS link a mail client POSTs to (`List-Unsubscribe-Post`)
 * without the reader leaving their inbox. The URL is ours (origin + signed token): no user text.
 */
export const listHeaders = (unsubscribeUrl: string): Record<string, string> => ({
  'List-Unsubscribe': `<${unsubscribeUrl}>`,
  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  'Auto-Submitted': 'auto-generated',
});

interface Site {
  siteName: string;
  siteUrl: string;
  /** SITE_LOCALE: the language the mail is written in. */
  locale: SiteLocale;
}

const page = (t: MailText, body: string, footer: string): string =>
  htmlPage(
    t,
    '36rem',
    `${body}
<p style="color:#666;font-size:.875rem;border-top:1px solid #ddd;padding-top:.5rem">${footer}</p>`,
  );

const unsubscribeFooter = (t: MailText, site: Site, unsubscribeUrl: string, why: string) => ({
  text: `${why}\n${t.text('unsubscribeText', { url: unsubscribeUrl })}\n— ${site.siteName}, ${site.siteUrl}`,
  html: `${escapeHtml(why)} <a href="${escapeHtml(unsubscribeUrl)}">${t.html('unsubscribeLink')}</a> · <a href="${escapeHtml(site.siteUrl)}">${escapeHtml(site.siteName)}</a>`,
});

/** A subscription mail's header fields: one-click unsubscribe and the language. */
const subscriptionHeaders = (t: MailText, unsubscribeUrl: string) => ({ ...listHeaders(unsubscribeUrl), ...t.headers });

/** One comment in a digest. */
export interface DigestItem {
  author: string;
  postTitle: string;
  excerpt: string;
  url: string;
}

const WHY = {
  post: 'whyPost',
  replies: 'whyReplies',
  moderation: 'whyModeration',
  site: 'whySite',
} as const satisfies Record<SubscriptionKind, MessageKey>;

/** The digest of a subscription's new comments (one mail per window). */
export function digestMail(
  input: Site & {
    to: string;
    kind: SubscriptionKind;
    postTitle: string | null;
    items: DigestItem[];
    unsubscribeUrl: string;
  },
): MailMessage {
  const t = mailText(input.locale);
  const n = input.items.length;
  const subject =
    input.kind === 'replies'
      ? t.plural('digestReplies', n, {})
      : input.kind === 'moderation'
        ? t.plural('digestModeration', n, {})
        : t.plural('digestPost', n, { title: headerText(input.postTitle ?? '') });
  const footer = unsubscribeFooter(t, input, input.unsubscribeUrl, t.text(WHY[input.kind]));
  const text = [
    ...input.items.flatMap((item) => [
      t.text('digestItem', { author: normalizeDisplayName(item.author), postTitle: item.postTitle }),
      `  ${item.excerpt}`,
      `  ${item.url}`,
      '',
    ]),
    footer.text,
  ].join('\n');
  const html = page(
    t,
    input.items
      .map(
        (item) => `<p>${t.html('digestItemLink', {
          author: new Html(`<strong>${escapeHtml(normalizeDisplayName(item.author))}</strong>`),
          postTitle: new Html(`<a href="${escapeHtml(item.url)}">${escapeHtml(item.postTitle)}</a>`),
        })}<br>
${escapeHtml(item.excerpt)}</p>`,
      )
      .join('\n'),
    footer.html,
  );
  return {
    to: input.to,
    subject: t.text('listSubject', { siteName: headerText(input.siteName, 60), subject }),
    text,
    html,
    headers: subscriptionHeaders(t, input.unsubscribeUrl),
  };
}

/** A new post, to one newsletter subscriber. */
export function newsletterMail(
  input: Site & { to: string; title: string; subtitle: string; excerpt: string; url: string; unsubscribeUrl: string },
): MailMessage {
  const t = mailText(input.locale);
  const footer = unsubscribeFooter(t, input, input.unsubscribeUrl, t.text(WHY.site));
  const text = [
    input.title,
    input.subtitle,
    '',
    input.excerpt,
    '',
    t.text('newsletterRead', { url: input.url }),
    '',
    footer.text,
  ]
    .filter((line, index) => index !== 1 || line !== '')
    .join('\n');
  const html = page(
    t,
    `<h1 style="font-size:1.5rem;margin-bottom:.25rem"><a href="${escapeHtml(input.url)}">${escapeHtml(input.title)}</a></h1>
${input.subtitle ? `<p style="color:#555;margin-top:0">${escapeHtml(input.subtitle)}</p>` : ''}
<p>${escapeHtml(input.excerpt)}</p>
<p><a href="${escapeHtml(input.url)}">${t.html('newsletterReadLink')}</a></p>`,
    footer.html,
  );
  return {
    to: input.to,
    subject: t.text('listSubject', { siteName: headerText(input.siteName, 60), subject: headerText(input.title, 120) }),
    text,
    html,
    headers: subscriptionHeaders(t, input.unsubscribeUrl),
  };
}

/** The double opt-in mail: follow the link to start getting new posts. */
export function confirmMail(input: Site & { to: string; confirmUrl: string; ttlDays: number }): MailMessage {
  const t = mailText(input.locale);
  const note = t.text('confirmIgnore');
  const ttl = t.text('confirmTtl', { days: t.days(input.ttlDays) });
  const text = [
    t.text('confirmAsk', { siteName: input.siteName }),
    '',
    input.confirmUrl,
    '',
    ttl,
    note,
    '',
    `— ${input.siteName}, ${input.siteUrl}`,
  ].join('\n');
  const html = page(
    t,
    `<p>${t.html('confirmAsk', { siteName: input.siteName })}</p>
<p><a href="${escapeHtml(input.confirmUrl)}" style="font-weight:700">${t.html('confirmLink')}</a></p>
<p>${escapeHtml(ttl)}</p>`,
    `${escapeHtml(note)} — <a href="${escapeHtml(input.siteUrl)}">${escapeHtml(input.siteName)}</a>`,
  );
  return {
    to: input.to,
    subject: t.text('confirmSubject', { siteName: headerText(input.siteName, 60) }),
    text,
    html,
    headers: t.headers,
  };
}
