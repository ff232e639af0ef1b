import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { latestComments } from '../lib/comments';
import { getAllComments, getPosts, getSiteInfo, getTranslator } from '../lib/content';
import { commentItem, xmlText } from '../lib/feed';

/** The whole site's newest comments as RSS 2.0; re-rendered by the builder with every comment change. */
export async function GET(context: APIContext) {
  if (!context.site) throw new Error('Set `site` (PUBLIC_URL) so the feed can hold absolute links.');
  const posts = new Map((await getPosts()).map((post) => [post.id, post]));
  const all = [...(await getAllComments()).values()].flat().filter((comment) => posts.has(comment.postId));
  const info = await getSiteInfo();
  return rss({
    title: xmlText(`Comments · ${info.name}`),
    description: xmlText(`The newest comments on ${info.name}.`),
    site: context.site,
    trailingSlash: true,
    items: latestComments(all).flatMap((comment) => {
      const post = posts.get(comment.postId);
      return post ? [commentItem(comment, post)] : [];
    }),
    customData: `<language>${(await getTranslator()).lang}</language>`,
  });
}
