import type { APIContext } from 'astro';
import { allPages } from '../lib/content';

const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

/** Every page of the site (the 404 page aside), from the same route helpers the pages use. */
export async function GET(context: APIContext) {
  if (!context.site) throw new Error('Set `site` (PUBLIC_URL) so the sitemap can hold absolute links.');
  const site = context.site;
  const urls = (await allPages()).map((page) => {
    const loc = `<loc>${escapeXml(new URL(page.path, site).href)}</loc>`;
    return page.lastModified ? `<url>${loc}<lastmod>${page.lastModified}</lastmod></url>` : `<url>${loc}</url>`;
  });
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
  return new Response(body, { headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
}
