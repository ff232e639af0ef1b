import type { AuditEntry } from '@blog/contract';
import { html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { api } from '../api.js';
import { formatDate } from '../format.js';
import { href } from '../router.js';
import { shared } from '../styles.js';
import type { Column, Filter, TableSource } from './resource-table.js';
import './resource-table.js';

const GROUPS = ['user', 'post', 'comment', 'category', 'tag', 'media', 'bulk', 'rebuild', 'recount'];

/** Where an entry's target lives in the app, when it has a page. */
function target(entry: AuditEntry) {
  const id = Number(entry.targetId);
  const label = entry.targetId ? `${entry.targetType} #${entry.targetId}` : entry.targetType;
  if (!Number.isInteger(id) || id < 1) return label;
  if (entry.targetType === 'user') return html`<a href=${href({ name: 'user', id })}>${label}</a>`;
  if (entry.targetType === 'post') return html`<a href=${href({ name: 'post', id })}>${label}</a>`;
  return label;
}

/** The audit log: every admin action, newest first, filtered by kind. */
@customElement('audit-page')
export class AuditPage extends LitElement {
  static override styles = shared;

  private readonly source: TableSource<AuditEntry> = {
    load: (query) => api.audit({ action: query.filters.action, page: query.page, limit: query.limit }),
    label: (entry) => `${entry.action} #${entry.id}`,
  };

  private readonly columns: Column<AuditEntry>[] = [
    { key: 'created', label: 'When', primary: true, render: (e) => formatDate(e.createdAt) },
    {
      key: 'actor',
      label: 'Who',
      render: (e) =>
        e.actor ? html`<a href=${href({ name: 'user', id: e.actor.id })}>${e.actor.name}</a>` : 'deleted account',
    },
    { key: 'action', label: 'Action', render: (e) => html`<code>${e.action}</code>` },
    { key: 'target', label: 'Target', render: target },
    {
      key: 'details',
      label: 'Details',
      render: (e) =>
        Object.keys(e.details).length ? html`<div class="text"><code>${JSON.stringify(e.details)}</code></div>` : '–',
    },
  ];

  private readonly filters: Filter[] = [
    { name: 'action', label: 'Kind', options: GROUPS.map((group) => ({ value: group, label: group })) },
  ];

  override render() {
    return html`
      <h1 tabindex="-1">Audit log</h1>
      <resource-table
        caption="Admin actions, newest first"
        noun="entry"
        nouns="entries"
        .source=${this.source}
        .columns=${this.columns}
        .filters=${this.filters}
      ></resource-table>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'audit-page': AuditPage;
  }
}
