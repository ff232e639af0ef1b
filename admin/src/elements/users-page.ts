import type { AdminUser } from '@blog/contract';
import { html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { api } from '../api.js';
import { formatDate } from '../format.js';
import { href } from '../router.js';
import { shared } from '../styles.js';
import type { BulkAction, Column, Filter, TableSource } from './resource-table.js';
import './resource-table.js';

const yesNo = [
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

/** The user list: search by email or name, filter by role, verified and banned, bulk actions (admins). */
@customElement('users-page')
export class UsersPage extends LitElement {
  static override styles = shared;

  private readonly source: TableSource<AdminUser> = {
    load: (query) =>
      api.users({
        q: query.q,
        role: query.filters.role,
        verified: query.filters.verified,
        banned: query.filters.banned,
        sort: query.sort,
        order: query.order,
        page: query.page,
        limit: query.limit,
      }),
    label: (user) => user.name,
    bulk: (action, ids) => api.bulk({ resource: 'users', action, ids }),
  };

  private readonly columns: Column<AdminUser>[] = [
    {
      key: 'name',
      label: 'Name',
      sortable: true,
      primary: true,
      render: (user) => html`<a href=${href({ name: 'user', id: user.id })}>${user.name}</a>`,
    },
    { key: 'email', label: 'Email', sortable: true, render: (user) => user.email },
    { key: 'role', label: 'Role', render: (user) => user.role },
    {
      key: 'verified',
      label: 'Verified',
      render: (user) =>
        user.verified
          ? html`<span class="badge good">verified</span>`
          : html`<span class="badge warn">unverified</span>`,
    },
    {
      key: 'banned',
      label: 'Banned',
      render: (user) => (user.banned ? html`<span class="badge bad">banned</span>` : 'no'),
    },
    {
      key: 'postsCount',
      label: 'Posts',
      sortable: true,
      firstOrder: 'desc',
      numeric: true,
      render: (u) => u.postsCount,
    },
    {
      key: 'commentsCount',
      label: 'Comments',
      sortable: true,
      firstOrder: 'desc',
      numeric: true,
      render: (u) => u.commentsCount,
    },
    { key: 'created', label: 'Joined', sortable: true, firstOrder: 'desc', render: (u) => formatDate(u.createdAt) },
  ];

  private readonly filters: Filter[] = [
    {
      name: 'role',
      label: 'Role',
      options: [
        { value: 'user', label: 'User' },
        { value: 'author', label: 'Author' },
        { value: 'admin', label: 'Admin' },
      ],
    },
    { name: 'verified', label: 'Verified', options: yesNo },
    { name: 'banned', label: 'Banned', options: yesNo },
  ];

  private readonly bulkActions: BulkAction[] = [
    { action: 'verify', label: 'Verify' },
    { action: 'ban', label: 'Ban', danger: true },
    { action: 'unban', label: 'Unban' },
    { action: 'delete', label: 'Delete', danger: true },
  ];

  override render() {
    return html`
      <h1 tabindex="-1">Users</h1>
      <resource-table
        caption="Users"
        noun="user"
        nouns="users"
        search-label="Search by email or name"
        default-sort="created"
        default-order="desc"
        .source=${this.source}
        .columns=${this.columns}
        .filters=${this.filters}
        .bulkActions=${this.bulkActions}
      ></resource-table>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'users-page': UsersPage;
  }
}
