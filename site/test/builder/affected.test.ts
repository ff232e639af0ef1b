import { describe, expect, it } from 'vitest';
import { affectedPages, type ListedPost, newestFirst } from '../../builder/src/affected.js';
import type { PostChange } from '../../builder/src/events.js';

// The fast path's page arithmetic on its own: which listing pages a change touches.

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString();
const post = (id: number, tags: string[], category: string | null = null): ListedPost => ({
  id,
  slug: `p${id}`,
  publishedAt: day(id),
  category: category ? { slug: category } : null,
  tags: tags.map((slug) => ({ slug })),
  author: { slug: id % 2 ? 'odd' : 'even' },
});
const change = (postId: number, event: PostChange['event'] = 'updated'): PostChange => ({
  postId,
  event,
  slug: `p${postId}`,
  staleSlugs: [],
});
const sorted = (posts: ListedPost[]) => [...posts].sort(newestFirst);

describe('affectedPages and tags', () => {
  it("renders page 1 of each tag a new post carries, and its tag's new last page", () => {
    const before = sorted(Array.from({ length: 10 }, (_, i) => post(i + 1, ['a'])));
    const fresh = post(11, ['a', 'b']);
    const after = sorted([...before, fresh]);
    const { render, remove } = affectedPages(before, after, [change(11, 'published')]);
    expect(render).toEqual(expect.arrayContaining(['/tags/a/', '/tags/a/page/2/', '/tags/b/', '/posts/p11/']));
    expect(remove).toEqual([]);
  });

  it("removes a tag's pages when no published post carries it any more, and renders the rest", () => {
    const before = sorted([post(1, ['a', 'gone']), post(2, ['a'])]);
    const after = sorted([post(1, ['a']), post(2, ['a'])]);
    const { render, remove } = affectedPages(before, after, [change(1)]);
    expect(remove).toEqual(['/tags/gone/']);
    expect(render).toContain('/tags/a/');
    expect(render).not.toContain('/tags/gone/');
  });

  it('removes the tag pages of an unpublished post, but keeps an empty category page', () => {
    const before = sorted([post(1, ['solo'], 'cat'), post(2, [])]);
    const after = sorted([post(2, [])]);
    const { render, remove } = affectedPages(before, after, [change(1, 'unpublished')]);
    expect(remove).toEqual(expect.arrayContaining(['/posts/p1/', '/tags/solo/']));
    expect(render).toContain('/categories/cat/');
  });

  it('encodes a Hangul tag slug as one path segment', () => {
    const after = [post(1, ['한글'])];
    expect(affectedPages([], after, [change(1, 'published')]).render).toContain(`/tags/${encodeURIComponent('한글')}/`);
  });

  it('leaves a tag the change does not touch alone', () => {
    const before = sorted([post(1, ['a']), post(2, ['other'])]);
    const after = sorted([post(1, ['a']), post(2, ['other'])]);
    const { render } = affectedPages(before, after, [change(1)]);
    expect(render.some((path) => path.startsWith('/tags/other/'))).toBe(false);
  });
});

describe('affectedPages and author pages', () => {
  it("renders the author's page of a changed post, and removes it with their last post", () => {
    const before = sorted([post(1, []), post(2, [])]);
    const after = sorted([post(2, [])]);
    const { render, remove } = affectedPages(before, after, [change(1, 'unpublished')]);
    expect(remove).toContain('/authors/odd/');
    expect(render).not.toContain('/authors/even/');
  });

  it('renders both pages when a post changes author', () => {
    const before = [post(1, [])];
    const after = [{ ...post(1, []), author: { slug: 'new-author' } }];
    const { render, remove } = affectedPages(before, after, [change(1)]);
    expect(render).toContain('/authors/new-author/');
    expect(remove).toContain('/authors/odd/');
  });
});

describe('affectedPages and author pages', () => {
  it("renders the author's page of a changed post, and removes it with their last post", () => {
    const before = sorted([post(1, []), post(2, [])]);
    const after = sorted([post(2, [])]);
    const { render, remove } = affectedPages(before, after, [change(1, 'unpublished')]);
    expect(remove).toContain('/authors/odd/');
    expect(render).not.toContain('/authors/even/');
  });

  it('renders both pages when a post changes author', () => {
    const before = [post(1, [])];
    const after = [{ ...post(1, []), author: { slug: 'new-author' } }];
    const { render, remove } = affectedPages(before, after, [change(1)]);
    expect(render).toContain('/authors/new-author/');
    expect(remove).toContain('/authors/odd/');
  });
});
