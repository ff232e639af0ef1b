import type { Me, PostSummary } from '@blog/contract';
import { html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api } from '../api.js';
import { formatDate } from '../format.js';
import { href } from '../router.js';
import { shared } from '../styles.js';
import type { BulkAction, Column, Filter, TableSource } from './resource-table.js';
import './resource-table.js';

const statusBadge = (post: PostSummary) =>
  post.status === 'published'
    ? html`<span class="badge good">published</span>`
    : post.status === 'scheduled'
      ? html`<span class="badge">scheduled</span> <span class="hint">${formatDate(post.publishAt)}</span>`
      : html`<span class="badge warn">draft</span>`;

/** Posts of every status: admins see all with bulk actions; authors see only their own. */
@customElement('posts-page')
export class PostsPage extends LitElement {
  static override styles = shared;

  @property({ attribute: false }) me: Me | null = null;
  @state() private filters: Filter[] = [];

  private readonly source: TableSource<PostSummary> = {
    load: (query) =>
      api.posts({
        q: query.q,
        status: query.filters.status,
        category: query.filters.category,
        author: query.filters.author,
        sort: query.sort,
        order: query.order,
        page: query.page,
        limit: query.limit,
      }),
    label: (post) => post.title,
    bulk: (action, ids) => api.bulk({ resource: 'posts', action, ids }),
  };

  private readonly columns: Column<PostSummary>[] = [
    {
      key: 'title',
      label: 'Title',
      sortable: true,
      primary: true,
      render: (post) => html`<a href=${href({ name: 'post', id: post.id })}>${post.title}</a>`,
    },
    { key: 'status', label: 'Status', render: statusBadge },
    { key: 'author', label: 'Author', render: (post) => post.author.name },
    { key: 'category', label: 'Category', render: (post) => post.category?.name ?? '–' },
    {
      key: 'commentsCount',
      label: 'Comments',
      sortable: true,
      firstOrder: 'desc',
      numeric: true,
      render: (post) => post.commentsCount,
    },
    {
      key: 'published',
      label: 'Published',
      sortable: true,
      firstOrder: 'desc',
      render: (post) => formatDate(post.publishedAt),
    },
    {
      key: 'updated',
      label: 'Updated',
      sortable: true,
      firstOrder: 'desc',
      render: (post) => formatDate(post.updatedAt),
    },
  ];

  private readonly bulkActions: BulkAction[] = [
    { action: 'publish', label: 'Publish' },
    { action: 'unpublish', label: 'Unpublish' },
    { action: 'delete', label: 'Delete', danger: true },
  ];

  override connectedCallback() {
    super.connectedCallback();
    void this.loadFilters();
  }

  private async loadFilters() {
    const status: Filter = {
      name: 'status',
      label: 'Status',
      options: [
        { value: 'draft', label: 'Draft' },
        { value: 'published', label: 'Published' },
        { value: 'scheduled', label: 'Scheduled' },
      ],
    };
    this.filters = [status];
    const admin = this.me?.role === 'admin';
    const [categories, authors, admins] = await Promise.all([
      api.categories().catch(() => ({ items: [] })),
      admin ? api.users({ role: 'author', sort: 'name', limit: 100 }).catch(() => null) : null,
      admin ? api.users({ role: 'admin', sort: 'name', limit: 100 }).catch(() => null) : null,
    ]);
    const category: Filter = {
      name: 'category',
      label: 'Category',
      options: [
        ...categories.items.map((c) => ({ value: String(c.id), label: c.name })),
        { value: 'none', label: 'No category' },
      ],
    };
    const writers = [...(authors?.items ?? []), ...(admins?.items ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    this.filters = admin
      ? [
          status,
          category,
          { name: 'author', label: 'Author', options: writers.map((u) => ({ value: String(u.id), label: u.name })) },
        ]
      : [status, category];
  }

  override render() {
    const admin = this.me?.role === 'admin';
    return html`
      <h1 tabindex="-1">${admin ? 'Posts' : 'Your posts'}</h1>
      <resource-table
        caption=${admin ? 'Posts' : 'Your posts'}
        noun="post"
        nouns="posts"
        search-label="Search titles"
        default-sort="updated"
        default-order="desc"
        .source=${this.source}
        .columns=${this.columns}
        .filters=${this.filters}
        .bulkActions=${admin ? this.bulkActions : []}
      >
        <a slot="actions" class="button primary" href=${href({ name: 'post', id: 'new' })}>New post</a>
      </resource-table>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'posts-page': PostsPage;
  }
}
