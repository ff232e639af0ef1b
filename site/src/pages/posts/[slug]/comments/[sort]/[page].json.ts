import type { APIContext, GetStaticPaths } from 'astro';
import { commentPageFiles } from '../../../../../lib/comments';
import { getAllComments, getPosts } from '../../../../../lib/content';

// A post's comment pages as static JSON (StaticCommentPage), every sort, for the posts that have
// comments; the builder's fast path writes the same files from the same function after a change.
export const getStaticPaths = (async () => {
  const comments = await getAllComments();
  const paths = [];
  for (const post of await getPosts()) {
    const list = comments.get(post.id);
    if (!list?.length) continue;
    for (const { sort, page, json } of commentPageFiles(post.id, post.slug, list).values()) {
      paths.push({ params: { slug: post.slug, sort, page: String(page) }, props: { json } });
    }
  }
  return paths;
}) satisfies GetStaticPaths;

export function GET({ props }: APIContext<{ json: string }>) {
  return new Response(props.json, { headers: { 'content-type': 'application/json; charset=utf-8' } });
}
