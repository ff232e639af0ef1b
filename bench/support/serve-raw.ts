// The raw-SQL baseline of the read benches: the same rows the API's lean queries read, from the
// same SQLite file, through the driver straight (two read-only connections, as the API has), put
// in the same JSON shape and sent by a bare Hono app. What a read costs without the framework.
//   GET /comments/:postId?limit=   the comments page (post, top-level comments, their replies)
//   GET /posts?page=&limit=        a page of the published posts list
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import sqlite3 from 'sqlite3';

const file = process.argv[2];
if (!file) throw new Error('usage: serve-raw.ts <sqlite file>');
const connections = [0, 1].map(() => new sqlite3.Database(file, sqlite3.OPEN_READONLY));
let next = 0;
const all = <T>(sql: string, params: unknown[]): Promise<T[]> =>
  new Promise((resolve, reject) =>
    connections[next++ % connections.length]?.all(sql, params, (error, rows) =>
      error ? reject(error) : resolve(rows as T[]),
    ),
  );
const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

interface Row {
  id: number;
  post_id: number;
  parent_id: number | null;
  author_id: number;
  status: string;
  body_html: string;
  created_at: string;
  edited_at: string | null;
  author_name: string;
}
const COLUMNS = `c.id, c.post_id, c.parent_id, c.author_id, c.status, c.body_html, c.created_at, c.edited_at,
  u.name AS author_name FROM comments c JOIN users u ON u.id = c.author_id`;
const comment = (r: Row) => ({
  id: r.id,
  postId: r.post_id,
  parentId: r.parent_id,
  author: { id: r.author_id, name: r.author_name },
  status: r.status,
  bodyHtml: r.status === 'visible' ? r.body_html : '',
  createdAt: iso(r.created_at),
  editedAt: iso(r.edited_at),
});

const app = new Hono()
  .get('/comments/:postId', async (c) => {
    const postId = Number(c.req.param('postId'));
    const limit = Number(c.req.query('limit') ?? 20);
    const [post] = await all<{ id: number; comments_count: number }>(
      "SELECT id, comments_count FROM posts WHERE id = ? AND status = 'published'",
      [postId],
    );
    if (!post) return c.json({ error: 'not found' }, 404);
    const top = await all<Row>(
      `SELECT ${COLUMNS} WHERE c.post_id = ? AND c.parent_id IS NULL AND (c.status = 'visible' OR c.id IN
         (SELECT r.parent_id FROM comments r WHERE r.post_id = ? AND r.parent_id IS NOT NULL AND r.status = 'visible'))
       ORDER BY c.id LIMIT ?`,
      [postId, postId, limit + 1],
    );
    const page = top.slice(0, limit);
    const ids = page.map((r) => r.id);
    const replies = ids.length
      ? await all<Row>(
          `SELECT ${COLUMNS} WHERE c.parent_id IN (${ids.map(() => '?').join(',')}) AND c.status = 'visible' ORDER BY c.id`,
          ids,
        )
      : [];
    const byParent = new Map<number, Row[]>();
    for (const reply of replies)
      byParent.set(reply.parent_id ?? 0, [...(byParent.get(reply.parent_id ?? 0) ?? []), reply]);
    return c.json({
      items: page.map((r) => ({ ...comment(r), replies: (byParent.get(r.id) ?? []).map(comment) })),
      nextCursor: top.length > limit ? String(page.at(-1)?.id) : null,
      total: post.comments_count,
    });
  })
  .get('/posts', async (c) => {
    const page = Number(c.req.query('page') ?? 1);
    const limit = Number(c.req.query('limit') ?? 10);
    const [{ total } = { total: 0 }] = await all<{ total: number }>(
      "SELECT count(*) AS total FROM posts WHERE status = 'published'",
      [],
    );
    const rows = await all<{
      id: number;
      slug: string;
      title: string;
      subtitle: string;
      excerpt: string;
      published_at: string;
      created_at: string;
      updated_at: string;
      comments_count: number;
      author_id: number;
      author_name: string;
      category_id: number | null;
      category_name: string | null;
      category_slug: string | null;
    }>(
      `SELECT p.id, p.slug, p.title, p.subtitle, p.excerpt, p.published_at, p.created_at, p.updated_at, p.comments_count,
              u.id AS author_id, u.name AS author_name, k.id AS category_id, k.name AS category_name, k.slug AS category_slug
       FROM (SELECT id FROM posts WHERE status = 'published' ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?) page
       JOIN posts p ON p.id = page.id JOIN users u ON u.id = p.author_id LEFT JOIN categories k ON k.id = p.category_id
       ORDER BY p.published_at DESC, p.id DESC`,
      [limit, (page - 1) * limit],
    );
    return c.json({
      items: rows.map((r) => ({
        id: r.id,
        slug: r.slug,
        title: r.title,
        subtitle: r.subtitle,
        excerpt: r.excerpt,
        status: 'published',
        author: { id: r.author_id, name: r.author_name },
        category: r.category_id === null ? null : { id: r.category_id, name: r.category_name, slug: r.category_slug },
        commentsCount: r.comments_count,
        publishedAt: iso(r.published_at),
        createdAt: iso(r.created_at),
        updatedAt: iso(r.updated_at),
      })),
      page,
      limit,
      total,
      totalPages: Math.ceil(total / limit),
    });
  });

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});
