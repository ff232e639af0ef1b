import type { SubscriptionKind } from '@blog/contract';
import { normalizeDisplayName } from '../../lib/display-name.js';
import type { MailMessage } from '../../mail/mailer.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

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
}

function page(body: string, footer: string): string {
  return `<!doctype html>
<html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:36rem;margin:auto;padding:1rem">
${body}
<p style="color:#666;font-size:.875rem;border-top:1px solid #ddd;padding-top:.5rem">${footer}</p>
</body></html>`;
}

const unsubscribeFooter = (site: Site, unsubscribeUrl: string, why: string) => ({
  text: `${why}\nUnsubscribe with one click: ${unsubscribeUrl}\n— ${site.siteName}, ${site.siteUrl}`,
  html: `${escapeHtml(why)} <a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a> · <a href="${escapeHtml(site.siteUrl)}">${escapeHtml(site.siteName)}</a>`,
});

/** One comment in a digest. */
export interface DigestItem {
  author: string;
  postTitle: string;
  excerpt: string;
  url: string;
}

const WHY: Record<SubscriptionKind, string> = {
  post: 'You get this mail because you asked to be told of new comments on this post.',
  replies: 'You get this mail because someone replied to your comment.',
  moderation: 'You get this mail because comments on posts you look after wait for approval.',
  site: 'You get this mail because you subscribed to new posts.',
};

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
  const n = input.items.length;
  const plural = n === 1 ? '' : 's';
  const subject =
    input.kind === 'replies'
      ? `${n} new repl${n === 1 ? 'y' : 'ies'} to your comment${plural}`
      : input.kind === 'moderation'
        ? `${n} comment${plural} waiting for approval`
        : `${n} new comment${plural} on “${headerText(input.postTitle ?? '')}”`;
  const footer = unsubscribeFooter(input, input.unsubscribeUrl, WHY[input.kind]);
  const text = [
    ...input.items.flatMap((item) => [
      `${normalizeDisplayName(item.author)} on “${item.postTitle}”:`,
      `  ${item.excerpt}`,
      `  ${item.url}`,
      '',
    ]),
    footer.text,
  ].join('\n');
  const html = page(
    input.items
      .map(
        (
          item,
        ) => `<p><strong>${escapeHtml(normalizeDisplayName(item.author))}</strong> on <a href="${escapeHtml(item.url)}">${escapeHtml(item.postTitle)}</a>:<br>
${escapeHtml(item.excerpt)}</p>`,
      )
      .join('\n'),
    footer.html,
  );
  return {
    to: input.to,
    subject: `${headerText(input.siteName, 60)}: ${subject}`,
    text,
    html,
    headers: listHeaders(input.unsubscribeUrl),
  };
}

/** A new post, to one newsletter subscriber. */
export function newsletterMail(
  input: Site & { to: string; title: string; subtitle: string; excerpt: string; url: string; unsubscribeUrl: string },
): MailMessage {
  const footer = unsubscribeFooter(input, input.unsubscribeUrl, WHY.site);
  const text = [input.title, input.subtitle, '', input.excerpt, '', `Read it: ${input.url}`, '', footer.text]
    .filter((line, index) => index !== 1 || line !== '')
    .join('\n');
  const html = page(
    `<h1 style="font-size:1.5rem;margin-bottom:.25rem"><a href="${escapeHtml(input.url)}">${escapeHtml(input.title)}</a></h1>
${input.subtitle ? `<p style="color:#555;margin-top:0">${escapeHtml(input.subtitle)}</p>` : ''}
<p>${escapeHtml(input.excerpt)}</p>
<p><a href="${escapeHtml(input.url)}">Read the post</a></p>`,
    footer.html,
  );
  return {
    to: input.to,
    subject: `${headerText(input.siteName, 60)}: ${headerText(input.title, 120)}`,
    text,
    html,
    headers: listHeaders(input.unsubscribeUrl),
  };
}

/** The double opt-in mail: follow the link to start getting new posts. */
export function confirmMail(input: Site & { to: string; confirmUrl: string; ttlDays: number }): MailMessage {
  const note = 'If you did not ask for this, ignore this mail: nothing is sent to you without the link.';
  const text = [
    `Please confirm that you want new posts of ${input.siteName} by mail:`,
    '',
    input.confirmUrl,
    '',
    `The link works for ${input.ttlDays} days.`,
    note,
    '',
    `— ${input.siteName}, ${input.siteUrl}`,
  ].join('\n');
  const html = page(
    `<p>Please confirm that you want new posts of ${escapeHtml(input.siteName)} by mail:</p>
<p><a href="${escapeHtml(input.confirmUrl)}" style="font-weight:700">Confirm my subscription</a></p>
<p>The link works for ${input.ttlDays} days.</p>`,
    `${escapeHtml(note)} — <a href="${escapeHtml(input.siteUrl)}">${escapeHtml(input.siteName)}</a>`,
  );
  return { to: input.to, subject: `Confirm your subscription to ${headerText(input.siteName, 60)}`, text, html };
}
