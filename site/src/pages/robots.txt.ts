import type { APIContext } from 'astro';

export function GET(context: APIContext) {
  const sitemap = context.site ? new URL('/sitemap.xml', context.site).href : '/sitemap.xml';
  return new Response(`User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: ${sitemap}\n`, {
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}
