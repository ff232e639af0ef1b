import type { Logger } from '../../lib/logger.js';

/**
 * What an Akismet-compatible service says of a comment: `spam` (to the queue), `discard`
 * (blatant spam, its `X-akismet-pro-tip: discard`: refused), `ham`, or `unknown` (no answer in
 * time, or an error: the comment goes on through the other rules).
 */
export type AkismetVerdict = 'spam' | 'discard' | 'ham' | 'unknown';

export interface AkismetComment {
  ip: string;
  userAgent: string;
  permalink: string;
  type: 'comment' | 'reply';
  authorName: string;
  authorEmail: string;
  content: string;
  /** The account's own role, sent as `user_role` (`administrator` skips the check at Akismet). */
  role: string;
}

export interface AkismetChecker {
  check(comment: AkismetComment): Promise<AkismetVerdict>;
}

export interface AkismetOptions {
  key: string;
  /** The service's root: https://rest.akismet.com, or a compatible one (a local stand-in in tests). */
  url: string;
  /** The blog's front page (PUBLIC_URL). */
  blog: string;
  logger: Logger;
  timeoutMs?: number;
}

/**
 * The Akismet comment-check call (`POST /1.1/comment-check`, form-encoded, answered `true` or
 * `false`), made before the comment's transaction opens so a slow service never holds the
 * database. A plain `fetch` client of the documented protocol: the `akismet-api` package would
 * bring superagent and bluebird for one form POST (see README, departures).
 */
export function createAkismetChecker({ key, url, blog, logger, timeoutMs = 3000 }: AkismetOptions): AkismetChecker {
  const endpoint = `${url.replace(/\/+$/, '')}/1.1/comment-check`;
  return {
    async check(comment) {
      const form = new URLSearchParams({
        api_key: key,
        blog,
        user_ip: comment.ip,
        user_agent: comment.userAgent,
        permalink: comment.permalink,
        comment_type: comment.type,
        comment_author: comment.authorName,
        comment_author_email: comment.authorEmail,
        comment_content: comment.content,
        user_role: comment.role,
        blog_charset: 'UTF-8',
      });
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'user-agent': 'blog/1.0 | Akismet-compatible',
          },
          body: form,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = (await res.text()).trim();
        if (!res.ok || (text !== 'true' && text !== 'false')) {
          logger.warn(
            { status: res.status, debug: res.headers.get('x-akismet-debug-help') ?? undefined },
            'akismet: no verdict',
          );
          return 'unknown';
        }
        if (text === 'false') return 'ham';
        return res.headers.get('x-akismet-pro-tip') === 'discard' ? 'discard' : 'spam';
      } catch (error) {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'akismet: unreachable');
        return 'unknown';
      }
    },
  };
}
