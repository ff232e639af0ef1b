import type { AdminComment, Me } from '@blog/contract';
import { html, LitElement, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { formatDate } from '../format.js';
import { href } from '../router.js';
import { shared } from '../styles.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import type { BulkAction, Column, Filter, ResourceTable, TableSource } from './resource-table.js';
import './confirm-dialog.js';
import './resource-table.js';

const EXCERPT = 160;
const excerpt = (text: string) => (text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text);

const STATUS_BADGES: Record<AdminComment['status'], string> = {
  visible: 'good',
  hidden: 'bad',
  pending: 'warn',
  rejected: 'bad',
};

/**
 * The moderation queue: every comment (authors: those on their own posts), searchable, filtered
 * by status, with why a comment waits; approve and reject (the post's author too), hide, unhide
 * and delete (admins), in bulk too (admins).
 */
@customElement('comments-page')
export class CommentsPage extends LitElement {
  static override styles = shared;

  @property({ attribute: false }) me: Me | null = null;

  private get admin(): boolean {
    return this.me?.role === 'admin';
  }

  @state() private message: { text: string; bad: boolean } | null = null;
  @query('resource-table') private table?: ResourceTable;
  @query('confirm-dialog') private confirmDialog?: ConfirmDialog;

  private readonly source: TableSource<AdminComment> = {
    load: (query) =>
      api.comments({
        q: query.q,
        status: query.filters.status,
        order: query.order,
        page: query.page,
        limit: query.limit,
      }),
    label: (comment) => `comment by ${comment.author.name}`,
    bulk: (action, ids) => api.bulk({ resource: 'comments', action, ids }),
  };

  private readonly columns: Column<AdminComment>[] = [
    {
      key: 'body',
      label: 'Comment',
      primary: true,
      render: (c) =>
        html`<div class="text" title=${c.bodyMarkdown.length > EXCERPT ? c.bodyMarkdown : ''}>${excerpt(c.bodyMarkdown)}</div>`,
    },
    {
      key: 'author',
      label: 'Author',
      render: (c) => html`<a href=${href({ name: 'user', id: c.author.id })}>${c.author.name}</a>`,
    },
    {
      key: 'post',
      label: 'Post',
      render: (c) => html`<a href=${href({ name: 'post', id: c.post.id })}>${c.post.title}</a>`,
    },
    {
      key: 'status',
      label: 'Status',
      render: (c) =>
        html`<span class="badge ${STATUS_BADGES[c.status]}">${c.status === 'pending' ? 'waiting' : c.status}</span>${
          c.moderationReason ? html`<div class="hint">${c.moderationReason}</div>` : nothing
        }`,
    },
    { key: 'created', label: 'Written', sortable: true, firstOrder: 'desc', render: (c) => formatDate(c.createdAt) },
    {
      key: 'actions',
      label: 'Actions',
      render: (c) => html`<div class="row-actions">
        ${
          c.status === 'pending' || c.status === 'rejected'
            ? html`<button type="button" @click=${() => this.review(c, 'approve')}>
                Approve<span class="visually-hidden"> comment #${c.id}</span>
              </button>`
            : nothing
        }
        ${
          c.status === 'pending'
            ? html`<button type="button" @click=${() => this.review(c, 'reject')}>
                Reject<span class="visually-hidden"> comment #${c.id}</span>
              </button>`
            : nothing
        }
        ${
          this.admin && (c.status === 'visible' || c.status === 'hidden')
            ? html`<button type="button" @click=${() => this.setHidden(c, c.status === 'visible')}>
                ${c.status === 'visible' ? 'Hide' : 'Unhide'}<span class="visually-hidden"> comment #${c.id}</span>
              </button>`
            : nothing
        }
        ${
          this.admin
            ? html`<button type="button" class="danger" @click=${() => this.deleteComment(c)}>
                Delete<span class="visually-hidden"> comment #${c.id}</span>
              </button>`
            : nothing
        }
      </div>`,
    },
  ];

  private readonly filters: Filter[] = [
    {
      name: 'status',
      label: 'Status',
      options: [
        { value: 'pending', label: 'Waiting for approval' },
        { value: 'visible', label: 'Visible' },
        { value: 'hidden', label: 'Hidden' },
        { value: 'rejected', label: 'Rejected' },
      ],
    },
  ];

  private readonly bulkActions: BulkAction[] = [
    { action: 'approve', label: 'Approve' },
    { action: 'reject', label: 'Reject' },
    { action: 'hide', label: 'Hide' },
    { action: 'unhide', label: 'Unhide' },
    { action: 'delete', label: 'Delete', danger: true },
  ];

  private async setHidden(comment: AdminComment, hide: boolean) {
    this.message = null;
    try {
      await api.hideComment(comment.id, hide);
      this.message = { text: `Comment #${comment.id} ${hide ? 'hidden' : 'visible again'}.`, bad: false };
      await this.table?.reload({ quiet: true });
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    }
  }

  private async review(comment: AdminComment, decision: 'approve' | 'reject') {
    this.message = null;
    try {
      await api.reviewComment(comment.id, decision);
      this.message = {
        text: `Comment #${comment.id} ${decision === 'approve' ? 'approved: it shows on the site' : 'rejected'}.`,
        bad: false,
      };
      await this.table?.reload({ quiet: true });
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    }
  }

  private async deleteComment(comment: AdminComment) {
    const ok = await this.confirmDialog?.ask({
      title: `Delete comment #${comment.id}?`,
      message: `The comment by ${comment.author.name} and its replies are deleted. This cannot be undone.`,
      confirmLabel: 'Delete comment',
      danger: true,
    });
    if (!ok) return;
    this.message = null;
    try {
      await api.deleteComment(comment.id);
      this.message = { text: `Comment #${comment.id} deleted.`, bad: false };
      await this.table?.reload({ quiet: true });
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    }
  }

  override render() {
    return html`
      <h1 tabindex="-1">Comments</h1>
      <div role="status" aria-live="polite">
        ${this.message ? html`<p class="notice ${this.message.bad ? 'bad' : 'good'}">${this.message.text}</p>` : nothing}
      </div>
      <resource-table
        caption="Comments"
        noun="comment"
        nouns="comments"
        search-label="Search comment text"
        default-sort="created"
        default-order="desc"
        .source=${this.source}
        .columns=${this.columns}
        .filters=${this.filters}
        .bulkActions=${this.admin ? this.bulkActions : []}
      ></resource-table>
      <confirm-dialog></confirm-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'comments-page': CommentsPage;
  }
}
