import type { Post } from '../../db/models/index.js';
import { presentPostSummary, presentSeo } from '../posts/presenter.js';
import type { SitePost, SitePreview } from './schema.js';

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
