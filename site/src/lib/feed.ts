// What the site's RSS feeds share: text XML can carry, and comments as feed items.
import type { CommentOut } from '@blog/contract';
import { commentLink } from './comments';

/**
 * XML 1.0 cannot carry C0 controls but tab, LF and CR, U+FFFE/U+FFFF or lone surrogates: one of
 * them in a title or body (a form feed is valid in HTML and in the API's text) would make the
 * whole feed malformed, so readers would drop it. Such characters are removed from the feed.
 */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const xmlText = (text: string) => text.replace(NOT_XML, '');

/** A comment as an RSS item: its author, its post, its permalink and its (sanitised) body. */
export function commentItem(comment: CommentOut, post: { slug: string; title: string }) {
  return {
    title: xmlText(`${comment.author.name} on “${post.title}”`),
    link: commentLink(post.slug, comment.id),
    pubDate: new Date(comment.createdAt),
    content: xmlText(comment.bodyHtml),
    author: xmlText(comment.author.name),
  };
}
