import { normalizeDisplayName } from '../lib/display-name.js';
import type { MailMessage } from './mailer.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

interface CodeMail {
  to: string;
  name: string;
  code: string;
  ttlMinutes: number;
  siteName: string;
  siteUrl: string;
}

/**
 * The greeting: a user-chosen name, normalised (no bidi or invisible characters), and left out
 * when it looks like a link, so a name cannot put a clickable address into our mail.
 */
function greeting(name: string): string {
  const clean = normalizeDisplayName(name).slice(0, 80);
  return !clean || /:\/\/|www\.|[\p{L}\p{N}-]\.[\p{L}]{2,}/iu.test(clean) ? 'Hello,' : `Hello ${clean},`;
}

function codeMail(
  { to, name, code, ttlMinutes, siteName, siteUrl }: CodeMail,
  subject: string,
  purpose: string,
  ignoreNote: string,
): MailMessage {
  const hello = greeting(name);
  const text = [
    hello,
    '',
    `${purpose} Your code is:`,
    '',
    `    ${code}`,
    '',
    `It expires in ${ttlMinutes} minutes and works once.`,
    ignoreNote,
    '',
    `— ${siteName}, ${siteUrl}`,
  ].join('\n');
  const html = `<!doctype html>
<html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:32rem;margin:auto;padding:1rem">
<p>${escapeHtml(hello)}</p>
<p>${escapeHtml(purpose)} Your code is:</p>
<p style="font-size:2rem;font-weight:700;letter-spacing:.3rem;font-family:ui-monospace,monospace">${escapeHtml(code)}</p>
<p>It expires in ${ttlMinutes} minutes and works once.</p>
<p style="color:#666">${escapeHtml(ignoreNote)}</p>
<p style="color:#666">— <a href="${escapeHtml(siteUrl)}">${escapeHtml(siteName)}</a></p>
</body></html>`;
  return { to, subject, text, html };
}

/** The email-verification code mail. */
export const verificationMail = (input: CodeMail): MailMessage =>
  codeMail(
    input,
    `${input.code} is your ${input.siteName} verification code`,
    'Welcome! Confirm your email address to start commenting.',
    'If you did not sign up, ignore this mail; nothing happens without the code.',
  );

/** The password-reset code mail. */
export const passwordResetMail = (input: CodeMail): MailMessage =>
  codeMail(
    input,
    `${input.code} is your ${input.siteName} password reset code`,
    'Someone (hopefully you) asked to reset your password.',
    'If it was not you, ignore this mail; your password stays as it is.',
  );

/** The code that confirms a new address; sent to that new address. */
export const emailChangeMail = (input: CodeMail): MailMessage =>
  codeMail(
    input,
    `${input.code} is your ${input.siteName} code to confirm this address`,
    'Someone (hopefully you) asked to use this address for their account.',
    'If it was not you, ignore this mail; nothing changes without the code.',
  );

/** The notice to the old address after an account's email changed (no link, no code). */
export function emailChangedNotice(input: {
  to: string;
  name: string;
  newEmail: string;
  siteName: string;
  siteUrl: string;
}): MailMessage {
  const hello = greeting(input.name);
  const said = `The email address of your ${input.siteName} account was changed to ${input.newEmail}. Sign-in and mail now use the new address.`;
  const ifNot =
    'If you did not do this, someone who knows your password may have access: contact the people who run this blog.';
  const text = [hello, '', said, '', ifNot, '', `— ${input.siteName}, ${input.siteUrl}`].join('\n');
  const html = `<!doctype html>
<html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:32rem;margin:auto;padding:1rem">
<p>${escapeHtml(hello)}</p>
<p>${escapeHtml(said)}</p>
<p>${escapeHtml(ifNot)}</p>
<p style="color:#666">— <a href="${escapeHtml(input.siteUrl)}">${escapeHtml(input.siteName)}</a></p>
</body></html>`;
  return { to: input.to, subject: `Your ${input.siteName} email address was changed`, text, html };
}
