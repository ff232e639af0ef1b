import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { FEED_SIZE } from '../consts';
import { getPosts, getSiteInfo, getTranslator } from '../lib/content';
import { xmlText } from '../lib/feed';
import { postPath } from '../lib/routes';

type Cover = NonNullable<Awaited<ReturnType<typeof getPosts>>[number]['cover']>;

const enclosureOf = (cover: Cover, site: URL) => {
  const file = cover.variants.find((variant) => variant.url === cover.url);
  const format = file?.format ?? 'jpeg';
  return { url: new URL(cover.url, site).href, length: file?.bytes ?? 0, type: `image/${format}` };
};

/** The newest posts as RSS 2.0, with their full (sanitised) bodies. */
export async function GET(context: APIContext) {
  const site = context.site;
  if (!site) throw new Error('Set `site` (PUBLIC_URL) so the feed can hold absolute links.');
  const posts = (await getPosts()).slice(0, FEED_SIZE);
  const info = await getSiteInfo();
  return rss({
    title: xmlText(info.name),
    description: xmlText(info.description),
    site,
    trailingSlash: true,
    items: posts.map((post) => ({
      title: xmlText(post.title),
      link: postPath(post.slug),
      pubDate: new Date(post.publishedAt),
      description: xmlText(post.subtitle || post.excerpt),
      content: xmlText(post.bodyHtml),
      author: xmlText(post.author.name),
      // The category first, then the tags: RSS has one <category> element for each.
      // The cover as the item's enclosure (its largest fallback file).
      ...(post.cover ? { enclosure: enclosureOf(post.cover, site) } : {}),
      categories: [...(post.category ? [post.category.name] : []), ...post.tags.map((tag) => tag.name)].map(xmlText),
    })),
    customData: `<language>${(await getTranslator()).lang}</language>`,
  });
}
