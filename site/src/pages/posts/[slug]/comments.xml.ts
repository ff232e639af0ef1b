import rss from '@astrojs/rss';
import type { APIContext, GetStaticPaths } from 'astro';
import { latestComments } from '../../../lib/comments';
import { getAllComments, getComments, getPosts, getSiteInfo, getTranslator, type Post } from '../../../lib/content';
import { commentItem, xmlText } from '../../../lib/feed';
import { postPath } from '../../../lib/routes';

// Only posts with comments have a feed (and link it): 10,000 empty feeds would double a full build.
export const getStaticPaths = (async () => {
  const comments = await getAllComments();
  return (await getPosts())
    .filter((post) => (comments.get(post.id)?.length ?? 0) > 0)
    .map((post) => ({ params: { slug: post.slug }, props: { post } }));
}) satisfies GetStaticPaths;

/** A post's newest comments as RSS 2.0 (linked from the post page); re-rendered with its comments. */
export async function GET(context: APIContext<{ post: Post }>) {
  if (!context.site) throw new Error('Set `site` (PUBLIC_URL) so the feed can hold absolute links.');
  const { post } = context.props;
  const info = await getSiteInfo();
  return rss({
    title: xmlText(`Comments on “${post.title}” · ${info.name}`),
    description: xmlText(`The newest comments on “${post.title}”.`),
    site: new URL(postPath(post.slug), context.site).href,
    trailingSlash: false,
    items: latestComments(await getComments(post.id)).map((comment) => commentItem(comment, post)),
    customData: `<language>${(await getTranslator()).lang}</language>`,
  });
}
