import type { CommentOut } from '@blog/contract';
import { COMMENT_PAGE_SIZE, compareThreads } from '@blog/contract/comment-order';
import { describe, expect, it } from 'vitest';
import { initialsOf } from './avatar';
import {
  COMMENT_PAGE_PATTERN,
  commentPageFiles,
  commentPagePath,
  commentPages,
  latestComments,
  scriptJson,
  threadsOf,
  visibleTotal,
} from './comments';

let nextId = 1;
function comment(overrides: Partial<CommentOut> = {}): CommentOut {
  const id = overrides.id ?? nextId++;
  return {
    id,
    postId: 7,
    parentId: null,
    author: { id: 1 + (id % 3), name: 'Ada Lovelace', avatarUrl: null },
    status: 'visible',
    bodyHtml: `<p>Comment ${id}</p>`,
    likesCount: 0,
    pinnedAt: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, id)).toISOString(),
    editedAt: null,
    ...overrides,
  };
}

describe('static comment pages', () => {
  it('makes threads of a flat list, replies oldest first under their thread', () => {
    const top = comment();
    const other = comment();
    const late = comment({ parentId: top.id, id: 1000 });
    const early = comment({ parentId: top.id, id: 999 });
    const threads = threadsOf([top, other, late, early]);
    expect(threads.map((t) => t.id)).toEqual([top.id, other.id]);
    expect(threads[0]?.replies.map((r) => r.id)).toEqual([999, 1000]);
  });

  it('counts visible comments only (a hidden thread kept for its replies is not counted)', () => {
    const hidden = comment({ status: 'hidden', bodyHtml: '' });
    expect(visibleTotal([hidden, comment({ parentId: hidden.id }), comment()])).toBe(2);
  });

  it('pages every order: pinned threads first on page 1, then 20 a page, each page linking the next', () => {
    const many = Array.from({ length: 45 }, (_, i) => comment({ likesCount: i % 4 }));
    const pinned = comment({ pinnedAt: '2026-02-01T00:00:00.000Z' });
    const all = [...many, pinned];
    for (const sort of ['oldest', 'newest', 'top'] as const) {
      const pages = commentPages(7, 'a-post', threadsOf(all), 46, sort);
      expect(pages).toHaveLength(3);
      expect(pages[0]?.items[0]?.id).toBe(pinned.id);
      expect(pages[0]?.items).toHaveLength(COMMENT_PAGE_SIZE + 1);
      expect(pages.map((p) => p.next)).toEqual([
        commentPagePath('a-post', sort, 2),
        commentPagePath('a-post', sort, 3),
        null,
      ]);
      const order = pages.flatMap((p) => p.items.map((t) => t.id));
      expect(order).toEqual([...threadsOf(all)].sort(compareThreads(sort)).map((t) => t.id));
      expect(new Set(order).size).toBe(46);
    }
  });

  it('has one empty page for a post without comments', () => {
    const [only, ...rest] = commentPages(7, 'quiet', [], 0, 'oldest');
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ page: 1, pages: 1, items: [], next: null, total: 0 });
  });

  it('writes one file per page and order, at paths nginx recognises', () => {
    const files = commentPageFiles(7, '한글-slug', [comment(), comment()]);
    expect([...files.keys()].sort()).toEqual(
      ['newest', 'oldest', 'top'].map((sort) => `/posts/${encodeURIComponent('한글-slug')}/comments/${sort}/1.json`),
    );
    for (const path of files.keys()) expect(COMMENT_PAGE_PATTERN.test(path), path).toBe(true);
    expect(COMMENT_PAGE_PATTERN.test('/posts/a/comments/../1.json')).toBe(false);
  });

  it('keeps a feed to the newest visible comments', () => {
    const old = comment({ createdAt: '2026-01-01T00:00:00.000Z' });
    const hidden = comment({ status: 'hidden', createdAt: '2026-05-01T00:00:00.000Z' });
    const fresh = comment({ createdAt: '2026-04-01T00:00:00.000Z' });
    expect(latestComments([old, hidden, fresh]).map((c) => c.id)).toEqual([fresh.id, old.id]);
    expect(latestComments([old, fresh], 1)).toEqual([fresh]);
  });

  it('embeds JSON that no comment can break out of', () => {
    const evil = { html: '</script><script>alert(1)</script><!--', line: '\u2028' };
    const text = scriptJson(evil);
    expect(text).not.toContain('</script');
    expect(text).not.toContain('<!--');
    expect(JSON.parse(text)).toEqual(evil);
  });

  it('draws initials from names in any script', () => {
    expect(initialsOf('Ada Lovelace')).toBe('AL');
    expect(initialsOf('grace')).toBe('GR');
    expect(initialsOf('김 민준')).toBe('김민');
    expect(initialsOf('  ')).toBe('?');
  });
});
