import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { FEED_SIZE, SITE_DESCRIPTION, SITE_TITLE } from '../consts';
import { getPosts } from '../lib/content';
import { xmlText } from '../lib/feed';
import { postPath } from '../lib/routes';

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
      // The category first, then the tags: RSS has one <category> element for each.
      categories: [...(post.category ? [post.category.name] : []), ...post.tags.map((tag) => tag.name)].map(xmlText),
    })),
    customData: '<language>en</language>',
  });
}
