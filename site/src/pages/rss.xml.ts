import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { FEED_SIZE, SITE_DESCRIPTION, SITE_TITLE } from '../consts';
import { getPosts } from '../lib/content';
import { postPath } from '../lib/routes';

/**
 * XML 1.0 cannot carry C0 controls but tab, LF and CR, U+FFFE/U+FFFF or lone surrogates: one of
 * them in a title or body (a form feed is valid in HTML and in the API's text) would make the
 * whole feed malformed, so readers would drop it. Such characters are removed from the feed.
 */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const xmlText = (text: string) => text.replace(NOT_XML, '');

/** The newest posts as RSS 2.0, with their full (sanitised) bodies. */
export async function GET(context: APIContext) {
  if (!context.site) throw new Error('Set `site` (PUBLIC_URL) so the feed can hold absolute links.');
  const posts = (await getPosts()).slice(0, FEED_SIZE);
  return rss({
    title: SITE_TITLE,
    description: SITE_DESCRIPTION,
    site: context.site,
    trailingSlash: true,
    items: posts.map((post) => ({
      title: xmlText(post.title),
      link: postPath(post.slug),
      pubDate: new Date(post.publishedAt),
      description: xmlText(post.subtitle || post.excerpt),
      content: xmlText(post.bodyHtml),
      author: xmlText(post.author.name),
      categories: post.category ? [xmlText(post.category.name)] : [],
    })),
    customData: '<language>en</language>',
  });
}
