/**
 * The API's mails in English: the source catalogue. Every other language has exactly these keys
 * and, per key, exactly these `{placeholders}` (messages.test.ts). Numbers given as placeholders
 * are formatted for the language; `_one` / `_other` pairs are chosen by Intl.PluralRules.
 */
export const en = {
  // Every mail
  greeting: 'Hello {name},',
  greetingNoName: 'Hello,',

  // One-time code mails (verification, password reset, a new address)
  codeIs: 'Your code is:',
  codeExpires: 'It expires in {minutes} and works once.',
  verifySubject: '{code} is your {siteName} verification code',
  verifyPurpose: 'Welcome! Confirm your email address to start commenting.',
  verifyIgnore: 'If you did not sign up, ignore this mail; nothing happens without the code.',
  resetSubject: '{code} is your {siteName} password reset code',
  resetPurpose: 'Someone (hopefully you) asked to reset your password.',
  resetIgnore: 'If it was not you, ignore this mail; your password stays as it is.',
  changeSubject: '{code} is your {siteName} code to confirm this address',
  changePurpose: 'Someone (hopefully you) asked to use this address for their account.',
  changeIgnore: 'If it was not you, ignore this mail; nothing changes without the code.',

  // The notice to the old address after an email change
  changedSubject: 'Your {siteName} email address was changed',
  changedBody:
    'The email address of your {siteName} account was changed to {newEmail}. Sign-in and mail now use the new address.',
  changedIfNot:
    'If you did not do this, someone who knows your password may have access: contact the people who run this blog.',

  // Subscription mails: comment digests and the newsletter
  listSubject: '{siteName}: {subject}',
  unsubscribeText: 'Unsubscribe with one click: {url}',
  unsubscribeLink: 'Unsubscribe',
  whyPost: 'You get this mail because you asked to be told of new comments on this post.',
  whyReplies: 'You get this mail because someone replied to your comment.',
  whyModeration: 'You get this mail because comments on posts you look after wait for approval.',
  whySite: 'You get this mail because you subscribed to new posts.',
  digestReplies_one: '{count} new reply to your comment',
  digestReplies_other: '{count} new replies to your comments',
  digestModeration_one: '{count} comment waiting for approval',
  digestModeration_other: '{count} comments waiting for approval',
  digestPost_one: '{count} new comment on “{title}”',
  digestPost_other: '{count} new comments on “{title}”',
  digestItem: '{author} on “{postTitle}”:',
  /** The HTML mail's line, where the title is the link. */
  digestItemLink: '{author} on {postTitle}:',
  newsletterRead: 'Read it: {url}',
  newsletterReadLink: 'Read the post',

  // The newsletter's double opt-in
  confirmSubject: 'Confirm your subscription to {siteName}',
  confirmAsk: 'Please confirm that you want new posts of {siteName} by mail:',
  confirmLink: 'Confirm my subscription',
  confirmTtl: 'The link works for {days}.',
  confirmIgnore: 'If you did not ask for this, ignore this mail: nothing is sent to you without the link.',
} as const;

/** A catalogue of the API's mails: every key of the English one, no other. */
export type Messages = Record<keyof typeof en, string>;
