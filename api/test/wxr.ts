// A synthetic WordPress export of any size, for the import benchmark and the nginx test.

const PARAGRAPH =
  'Most of what a blog does is the same for every reader, so we do that work once, ahead of time, and let the web server hand out files.';

/** A WordPress WXR of `n` posts (category Notes, 20 tags) with 6 comments each: two threads, a reply to a reply among them. */
export function wxrOf(n: number): string {
  const items: string[] = [];
  for (let i = 1; i <= n; i++) {
    const comments = [0, 1, 2, 3, 4, 5]
      .map((c) => {
        const id = i * 10 + c;
        const parent = c === 1 ? i * 10 : c === 2 ? i * 10 + 1 : c === 4 ? i * 10 + 3 : 0;
        return `<wp:comment><wp:comment_id>${id}</wp:comment_id><wp:comment_author><![CDATA[Reader ${c}]]></wp:comment_author><wp:comment_author_email><![CDATA[reader${c}@example.com]]></wp:comment_author_email><wp:comment_date_gmt><![CDATA[2024-01-0${(c % 9) + 1} 10:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[Comment ${c} on post ${i}: <em>nice</em>.]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type><wp:comment_parent>${parent}</wp:comment_parent></wp:comment>`;
      })
      .join('');
    items.push(`<item><title>Post number ${i}</title><dc:creator><![CDATA[writer]]></dc:creator>
<content:encoded><![CDATA[<p>${PARAGRAPH}</p><h2>Notes</h2><p>${PARAGRAPH} <strong>${i}</strong></p><ul><li>one</li><li>two</li></ul>]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>${i}</wp:post_id><wp:post_date_gmt><![CDATA[2024-01-01 10:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[post-number-${i}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="notes"><![CDATA[Notes]]></category><category domain="post_tag" nicename="t${i % 20}"><![CDATA[Tag ${i % 20}]]></category>
${comments}</item>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login><![CDATA[writer]]></wp:author_login><wp:author_email><![CDATA[writer@example.com]]></wp:author_email><wp:author_display_name><![CDATA[Writer]]></wp:author_display_name></wp:author>
<wp:category><wp:category_nicename><![CDATA[notes]]></wp:category_nicename><wp:cat_name><![CDATA[Notes]]></wp:cat_name></wp:category>
${items.join('\n')}
</channel></rss>`;
}
