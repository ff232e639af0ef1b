import type { Config } from '../../config.js';
import type { Post } from '../../db/models/index.js';
import { presentPostSummary, presentSeo } from '../posts/presenter.js';
import type { SiteInfo, SitePost, SitePreview } from './schema.js';

/** A published post with its body, as the site build reads it. Needs `author` and `category` loaded. */
export function presentSitePost(post: Post): SitePost {
  const { status: _status, publishAt: _publishAt, ...summary } = presentPostSummary(post);
  // Published posts always have a date; the fallback only guards rows written outside the services.
  return {
    ...summary,
    publishedAt: summary.publishedAt ?? summary.createdAt,
    bodyHtml: post.bodyHtml,
    commentsClosed: post.commentsClosed,
    ...siteSeo(post),
  };
}

const siteSeo = (post: Post) => {
  const { customExcerpt: _custom, ...seo } = presentSeo(post);
  return seo;
};

/** A post behind a preview link: a draft is dated `now`, the date publishing it now would give it. */
export function presentSitePreview(post: Post, now: Date): SitePreview {
  const { publishAt: _publishAt, ...summary } = presentPostSummary(post);
  return {
    ...summary,
    publishedAt: summary.publishedAt ?? now.toISOString(),
    bodyHtml: post.bodyHtml,
    commentsClosed: post.commentsClosed,
    ...siteSeo(post),
  };
}

/** Services people link their profiles on, by host: the footer names them. */
const SERVICES: Record<string, string> = {
  'github.com': 'GitHub',
  'gitlab.com': 'GitLab',
  'x.com': 'X',
  'twitter.com': 'X',
  'bsky.app': 'Bluesky',
  'threads.net': 'Threads',
  'instagram.com': 'Instagram',
  'facebook.com': 'Facebook',
  'linkedin.com': 'LinkedIn',
  'youtube.com': 'YouTube',
  'pf.kakao.com': 'KakaoTalk',
  'blog.naver.com': 'Naver Blog',
};

/** A profile link's label: the service's name, "Mastodon" for a fediverse `/@name` address, else the host. */
export function socialLinkLabel(url: string): string {
  const { hostname, pathname } = new URL(url);
  const host = hostname.replace(/^www\./, '');
  return SERVICES[host] ?? (pathname.startsWith('/@') ? 'Mastodon' : host);
}

/** What GET /api/site/info answers from: the configuration's SITE_* settings. */
export type SiteInfoConfig = Pick<Config, 'siteName' | 'siteDescription' | 'socialLinks' | 'siteLocale'>;

/** GET /api/site/info from the configuration. */
export function presentSiteInfo(config: SiteInfoConfig): SiteInfo {
  return {
    name: config.siteName,
    description: config.siteDescription,
    socialLinks: config.socialLinks.map((url) => ({ url, label: socialLinkLabel(url) })),
    locale: config.siteLocale,
  };
}
