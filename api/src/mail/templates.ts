import type { SiteLocale } from '@blog/contract/site';
import { normalizeDisplayName } from '../lib/display-name.js';
import type { MailMessage } from './mailer.js';
import { escapeHtml, type MailText, mailText } from './messages/index.js';

interface CodeMail {
  to: string;
  name: string;
  code: string;
  ttlMinutes: number;
  siteName: string;
  siteUrl: string;
  /** SITE_LOCALE: the language the mail is written in. */
  locale: SiteLocale;
}

/**
 * The greeting: a user-chosen name, normalised (no bidi or invisible characters), and left out
 * when it looks like a link, so a name cannot put a clickable address into our mail.
 */
function greeting(t: MailText, name: string): string {
  const clean = normalizeDisplayName(name).slice(0, 80);
  return !clean || /:\/\/|www\.|[\p{L}\p{N}-]\.[\p{L}]{2,}/iu.test(clean)
    ? t.text('greetingNoName')
    : t.text('greeting', { name: clean });
}

/** The HTML part's frame: the language on its root element, the body as given. */
export const htmlPage = (t: MailText, maxWidth: string, body: string): string => `<!doctype html>
<html lang="${t.tag}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:${maxWidth};margin:auto;padding:1rem">
${body}
</body></html>`;

/** The messages of each code mail: subject, why it was sent, and what to do when it was not asked for. */
const CODE_MAILS = {
  verify: { subject: 'verifySubject', purpose: 'verifyPurpose', ignore: 'verifyIgnore' },
  reset: { subject: 'resetSubject', purpose: 'resetPurpose', ignore: 'resetIgnore' },
  change: { subject: 'changeSubject', purpose: 'changePurpose', ignore: 'changeIgnore' },
} as const;

function codeMail(
  { to, name, code, ttlMinutes, siteName, siteUrl, locale }: CodeMail,
  kind: keyof typeof CODE_MAILS,
): MailMessage {
  const t = mailText(locale);
  const keys = CODE_MAILS[kind];
  const hello = greeting(t, name);
  const purpose = t.text(keys.purpose);
  const ignoreNote = t.text(keys.ignore);
  const expires = t.text('codeExpires', { minutes: t.minutes(ttlMinutes) });
  const text = [
    hello,
    '',
    `${purpose} ${t.text('codeIs')}`,
    '',
    `    ${code}`,
    '',
    expires,
    ignoreNote,
    '',
    `— ${siteName}, ${siteUrl}`,
  ].join('\n');
  const html = htmlPage(
    t,
    '32rem',
    `<p>${escapeHtml(hello)}</p>
<p>${escapeHtml(purpose)} ${t.html('codeIs')}</p>
<p style="font-size:2rem;font-weight:700;letter-spacing:.3rem;font-family:ui-monospace,monospace">${escapeHtml(code)}</p>
<p>${escapeHtml(expires)}</p>
<p style="color:#666">${escapeHtml(ignoreNote)}</p>
<p style="color:#666">— <a href="${escapeHtml(siteUrl)}">${escapeHtml(siteName)}</a></p>`,
  );
  const subject = t.text(keys.subject, { code, siteName });
  return { to, subject, text, html, headers: t.headers };
}

/** The email-verification code mail. */
export const verificationMail = (input: CodeMail): MailMessage => codeMail(input, 'verify');

/** The password-reset code mail. */
export const passwordResetMail = (input: CodeMail): MailMessage => codeMail(input, 'reset');

/** The code that confirms a new address; sent to that new address. */
export const emailChangeMail = (input: CodeMail): MailMessage => codeMail(input, 'change');

/** The notice to the old address after an account's email changed (no link, no code). */
export function emailChangedNotice(input: {
  to: string;
  name: string;
  newEmail: string;
  siteName: string;
  siteUrl: string;
  locale: SiteLocale;
}): MailMessage {
  const t = mailText(input.locale);
  const hello = greeting(t, input.name);
  const said = t.text('changedBody', { siteName: input.siteName, newEmail: input.newEmail });
  const ifNot = t.text('changedIfNot');
  const text = [hello, '', said, '', ifNot, '', `— ${input.siteName}, ${input.siteUrl}`].join('\n');
  const html = htmlPage(
    t,
    '32rem',
    `<p>${escapeHtml(hello)}</p>
<p>${escapeHtml(said)}</p>
<p>${escapeHtml(ifNot)}</p>
<p style="color:#666">— <a href="${escapeHtml(input.siteUrl)}">${escapeHtml(input.siteName)}</a></p>`,
  );
  return {
    to: input.to,
    subject: t.text('changedSubject', { siteName: input.siteName }),
    text,
    html,
    headers: t.headers,
  };
}
