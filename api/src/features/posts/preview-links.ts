import { createHmac, timingSafeEqual } from 'node:crypto';
import { PREVIEW_TOKEN_PATTERN, previewPagePath } from '@blog/contract';
import type { Clock } from '../../lib/clock.js';

export interface IssuedPreviewLink {
  token: string;
  path: string;
  url: string;
  expiresAt: Date;
}

export type PreviewTokenCheck = { ok: true; postId: number } | { ok: false; reason: 'invalid' | 'expired' };

export type PreviewLinks = ReturnType<typeof createPreviewLinks>;

/**
 * Secret, expiring links to a post's page as it will publish (`/preview/<token>/`). A token is
 * `<post id>.<expiry>.<HMAC>`: signed with a key derived from SESSION_SECRET, so any API replica
 * checks it without a table, and nobody can make one for another post or a later expiry. It
 * stops working when it expires, when the post is deleted, or when SESSION_SECRET changes.
 */
export function createPreviewLinks(options: { secret: string; clock: Clock; ttlSeconds: number; publicUrl: string }) {
  // A key of its own: the session secret's other uses (OIDC state, device cookies) never sign a preview.
  const key = createHmac('sha256', options.secret).update('blog preview links v1').digest();
  const sign = (postId: number, expires: number) =>
    createHmac('sha256', key).update(`${postId}.${expires}`).digest('base64url');

  return {
    ttlSeconds: options.ttlSeconds,

    issue(postId: number): IssuedPreviewLink {
      const expires = Math.floor(options.clock().getTime() / 1000) + options.ttlSeconds;
      const token = `${postId}.${expires}.${sign(postId, expires)}`;
      const path = previewPagePath(token);
      return { token, path, url: new URL(path, options.publicUrl).href, expiresAt: new Date(expires * 1000) };
    },

    check(token: string): PreviewTokenCheck {
      if (!PREVIEW_TOKEN_PATTERN.test(token)) return { ok: false, reason: 'invalid' };
      const [id = '', expiresText = '', signature = ''] = token.split('.');
      const postId = Number(id);
      const expires = Number(expiresText);
      const expected = Buffer.from(sign(postId, expires));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, reason: 'invalid' };
      if (expires * 1000 <= options.clock().getTime()) return { ok: false, reason: 'expired' };
      return { ok: true, postId };
    },
  };
}
