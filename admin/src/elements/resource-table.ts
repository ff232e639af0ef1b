import type { BulkRequest, BulkResult } from '@blog/contract';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { errorText } from '../api.js';
import { plural } from '../format.js';
import { shared } from '../styles.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import './confirm-dialog.js';

/** Every resource row has a numeric id (what selection and bulk actions use). */
export interface Row {
  id: number;
}

/** A page of rows as every admin list answers it. */
export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
  totalPages: number;
}

export type SortOrder = 'asc' | 'desc';

/** What the table asks its source for. */
export interface TableQuery {
  q: string;
  /** Filter name → chosen value ('' = any). */
  filters: Record<string, string>;
  sort: string;
  order: SortOrder;
  page: number;
  limit: number;
}

export interface Column<T> {
  /** The sort key sent to the source when `sortable`. */
  key: string;
  label: string;
  /** The cell's content (Lit escapes strings). Method syntax: a Column<AdminUser> is a Column<Row>. */
  render(row: T): unknown;
  sortable?: boolean;
  /** The order of a first click: ascending for text (the default), descending for dates and counts. */
  firstOrder?: SortOrder;
  /** This cell names the row (a row header). */
  primary?: boolean;
  /** Right-aligned numbers. */
  numeric?: boolean;
}

export interface FilterOption {
  value: string;
  label: string;
}

export interface Filter {
  name: string;
  label: string;
  /** The choices besides "Any". */
  options: FilterOption[];
}

/** One of the API's bulk actions (`POST /api/admin/bulk`). */
export type BulkActionName = BulkRequest['action'];

export interface BulkAction {
  action: BulkActionName;
  /** The button's verb, e.g. "Delete". */
  label: string;
  danger?: boolean;
}

/** Where the rows come from and how bulk actions run (method syntax, like Column). */
export interface TableSource<T> {
  load(query: TableQuery): Promise<Page<T>>;
  /** A short, human name of a row: checkbox labels and bulk results. */
  label(row: T): string;
  bulk?(action: BulkActionName, ids: number[]): Promise<BulkResult>;
}

/** The same query, for telling whether a response is still the one wanted. */
const sameQuery = (a: TableQuery, b: TableQuery) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The generic list view every resource uses (flask-admin's base view): columns, search,
 * filters, sortable headers, pagination, row selection with select-all, bulk actions behind a
 * confirmation dialog with a result per id, and loading, empty and error states. On narrow
 * screens the rows stack into labelled cards.
 *
 * @event bulk-complete - After a bulk action ran; `detail` is the API's BulkResult.
 * @event rows-loaded - After a page of rows arrived; `detail` is the Page.
 * @slot actions - Buttons shown beside the search box (e.g. "New post").
 */
@customElement('resource-table')
export class ResourceTable extends LitElement {
  static override styles = [
    shared,
    css`
      .toolbar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: end;
        margin-bottom: 0.75rem;
      }
      .toolbar form {
        display: flex;
        gap: 0.5rem;
        align-items: end;
      }
      .toolbar input[type='search'] {
        width: 16rem;
      }
      ::slotted([slot='actions']) {
        margin-left: auto;
      }
      .bulk {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
        padding: 0.5rem 0.75rem;
        margin-bottom: 0.75rem;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--surface);
      }
      .bulk .count {
        margin-right: auto;
        font-weight: 600;
      }
      .frame {
        overflow-x: auto;
        border: 1px solid var(--border);
        border-radius: var(--radius);
      }
      table {
        width: 100%;
        border-collapse: collapse;
      }
      caption {
        text-align: left;
        padding: 0.5rem 0.75rem;
        color: var(--muted);
        caption-side: bottom;
      }
      th,
      td {
        text-align: left;
        padding: 0.5rem 0.75rem;
        border-bottom: 1px solid var(--border);
        vertical-align: top;
      }
      thead th {
        background: var(--surface);
        white-space: nowrap;
        font-size: 0.875rem;
        vertical-align: middle;
      }
      tbody th {
        font-weight: 600;
      }
      tr.selected {
        background: color-mix(in srgb, var(--accent) 10%, transparent);
      }
      .numeric {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .check {
        width: 2.75rem;
      }
      .check label {
        display: flex;
        align-items: center;
        justify-content: center;
        min-width: 1.75rem;
        min-height: 1.75rem;
      }
      .all {
        display: none;
      }
      thead button {
        min-height: 2rem;
        padding: 0.2rem 0.4rem;
        /* The label lines up with the cells below; the padding stays for the focus ring. */
        margin: 0 -0.4rem;
        border: 0;
        background: none;
        font-weight: 700;
        font-size: inherit;
      }
      .arrow {
        display: inline-block;
        width: 1ch;
        color: var(--muted);
      }
      [aria-busy='true'] tbody {
        opacity: 0.55;
      }
      .state {
        padding: 1.5rem 1rem;
        text-align: center;
        color: var(--muted);
      }
      nav.pages {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: center;
        justify-content: space-between;
        margin-top: 0.75rem;
      }
      .results {
        margin-top: 1rem;
      }
      .results ul {
        max-height: 14rem;
        overflow: auto;
        padding-left: 1.25rem;
      }
      @media (max-width: 40rem) {
        .toolbar input[type='search'] {
          width: 100%;
        }
        .toolbar form {
          flex: 1 1 100%;
        }
        .toolbar > label {
          flex: 1 1 6rem;
        }
        .toolbar select {
          width: 100%;
        }
        .frame {
          border: 0;
          overflow: visible;
        }
        table,
        thead,
        tbody,
        tr,
        th,
        td {
          display: block;
        }
        thead tr {
          display: flex;
          flex-wrap: wrap;
          gap: 0.25rem;
          border: 1px solid var(--border);
          border-radius: var(--radius);
          background: var(--surface);
          margin-bottom: 0.75rem;
        }
        thead th {
          border: 0;
          padding: 0.25rem;
        }
        /* On a phone the header row is a bar of sort buttons and select-all. */
        thead th.plain {
          display: none;
        }
        .check .all {
          display: inline;
          margin-left: 0.4rem;
        }
        caption {
          display: block;
          padding: 0 0 0.5rem;
        }
        tbody tr {
          border: 1px solid var(--border);
          border-radius: var(--radius);
          margin-bottom: 0.75rem;
          padding: 0.25rem 0;
        }
        tbody th,
        tbody td,
        tbody .numeric {
          display: grid;
          /* minmax(0, …): a long unbroken value (an email) wraps instead of widening the page. */
          grid-template-columns: minmax(6rem, 35%) minmax(0, 1fr);
          justify-items: start;
          overflow-wrap: anywhere;
          gap: 0.5rem;
          border: 0;
          padding: 0.3rem 0.75rem;
          text-align: left;
        }
        tbody [data-label]::before {
          content: attr(data-label);
          font-weight: 600;
          color: var(--muted);
        }
        .check {
          width: auto;
        }
        .check label {
          justify-content: flex-start;
        }
      }
    `,
  ];

  /** Where rows come from; setting it (again) reloads. */
  @property({ attribute: false }) source: TableSource<Row> | null = null;
  @property({ attribute: false }) columns: Column<Row>[] = [];
  @property({ attribute: false }) filters: Filter[] = [];
  /** Bulk actions; without any, rows have no checkboxes. */
  @property({ attribute: false }) bulkActions: BulkAction[] = [];
  /** The table's accessible name, e.g. "Users". */
  @property() caption = '';
  /** What a row is, singular and plural ("user", "users"): messages and labels. */
  @property() noun = 'row';
  @property() nouns = 'rows';
  /** The search box's label; no search box without it. */
  @property({ attribute: 'search-label' }) searchLabel = '';
  @property({ attribute: 'default-sort' }) defaultSort = '';
  @property({ attribute: 'default-order' }) defaultOrder: SortOrder = 'desc';
  @property({ type: Number }) limit = 20;

  @state() private tableQuery: TableQuery = { q: '', filters: {}, sort: '', order: 'desc', page: 1, limit: 20 };
  @state() private data: Page<Row> | null = null;
  @state() private loading = false;
  @state() private error: string | null = null;
  @state() private selected = new Set<number>();
  @state() private bulkBusy = false;
  @state() private bulkOutcome: { label: string; result: BulkResult; names: Map<number, string> } | null = null;
  @state() private bulkError: string | null = null;

  @query('confirm-dialog') private confirmDialog?: ConfirmDialog;

  private searchTimer: number | undefined;
  private started = false;

  protected override willUpdate(changed: PropertyValues<this>) {
    if (!this.started) {
      this.started = true;
      this.tableQuery = { ...this.tableQuery, sort: this.defaultSort, order: this.defaultOrder, limit: this.limit };
    }
    if (changed.has('source') && this.source) void this.reload();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.clearTimeout(this.searchTimer);
  }

  /** Loads the current page again; `quiet` keeps the rows on screen meanwhile (polling). */
  async reload(options: { quiet?: boolean } = {}): Promise<void> {
    const source = this.source;
    if (!source) return;
    const wanted = this.tableQuery;
    if (!options.quiet) this.loading = true;
    try {
      const data = await source.load(wanted);
      if (!sameQuery(wanted, this.tableQuery) || source !== this.source) return;
      // A page past the end (rows deleted meanwhile): go to the last page that exists.
      if (data.items.length === 0 && wanted.page > 1 && data.totalPages < wanted.page) {
        this.tableQuery = { ...wanted, page: Math.max(1, data.totalPages) };
        return this.reload(options);
      }
      this.data = data;
      this.error = null;
      const ids = new Set(data.items.map((row) => row.id));
      if ([...this.selected].some((id) => !ids.has(id))) {
        this.selected = new Set([...this.selected].filter((id) => ids.has(id)));
      }
      this.dispatchEvent(new CustomEvent('rows-loaded', { detail: data }));
    } catch (error) {
      if (!sameQuery(wanted, this.tableQuery)) return;
      this.error = errorText(error);
    } finally {
      if (sameQuery(wanted, this.tableQuery)) this.loading = false;
    }
  }

  private setQuery(change: Partial<TableQuery>) {
    this.tableQuery = { ...this.tableQuery, page: 1, ...change };
    this.selected = new Set();
    void this.reload();
  }

  private onSearchInput(event: Event) {
    const value = event.target instanceof HTMLInputElement ? event.target.value : '';
    window.clearTimeout(this.searchTimer);
    this.searchTimer = window.setTimeout(() => {
      if (value.trim() !== this.tableQuery.q) this.setQuery({ q: value.trim() });
    }, 300);
  }

  private onSearchSubmit(event: SubmitEvent) {
    event.preventDefault();
    window.clearTimeout(this.searchTimer);
    const input = event.target instanceof HTMLFormElement ? event.target.elements.namedItem('q') : null;
    if (input instanceof HTMLInputElement) this.setQuery({ q: input.value.trim() });
  }

  private onFilter(name: string, event: Event) {
    const value = event.target instanceof HTMLSelectElement ? event.target.value : '';
    this.setQuery({ filters: { ...this.tableQuery.filters, [name]: value } });
  }

  private sortBy(column: Column<Row>) {
    const { sort, order } = this.tableQuery;
    const next: SortOrder = sort === column.key ? (order === 'asc' ? 'desc' : 'asc') : (column.firstOrder ?? 'asc');
    this.setQuery({ sort: column.key, order: next });
  }

  private goTo(page: number) {
    this.tableQuery = { ...this.tableQuery, page };
    this.selected = new Set();
    void this.reload();
  }

  private toggle(id: number, on: boolean) {
    const selected = new Set(this.selected);
    if (on) selected.add(id);
    else selected.delete(id);
    this.selected = selected;
  }

  private toggleAll(on: boolean) {
    this.selected = on ? new Set(this.data?.items.map((row) => row.id)) : new Set();
  }

  private async runBulk(action: BulkAction) {
    const source = this.source;
    if (!source?.bulk || this.selected.size === 0) return;
    const ids = [...this.selected];
    const count = ids.length === 1 ? `1 ${this.noun}` : `${ids.length} ${this.nouns}`;
    const ok = await this.confirmDialog?.ask({
      title: `${action.label} ${count}?`,
      message: `This applies “${action.label.toLowerCase()}” to the ${count} you selected. Each one is reported separately.`,
      confirmLabel: `${action.label} ${count}`,
      danger: action.danger,
    });
    if (!ok) return;
    const names = new Map<number, string>();
    for (const row of this.data?.items ?? []) if (this.selected.has(row.id)) names.set(row.id, source.label(row));
    this.bulkBusy = true;
    this.bulkError = null;
    try {
      const result = await source.bulk(action.action, ids);
      this.bulkOutcome = { label: action.label, result, names };
      this.selected = new Set();
      this.dispatchEvent(new CustomEvent('bulk-complete', { detail: result }));
      await this.reload({ quiet: true });
    } catch (error) {
      this.bulkError = errorText(error);
    } finally {
      this.bulkBusy = false;
    }
  }

  private renderToolbar() {
    if (!this.searchLabel && this.filters.length === 0)
      return html`<div class="toolbar"><slot name="actions"></slot></div>`;
    return html`
      <div class="toolbar">
        ${
          this.searchLabel
            ? html`<form role="search" @submit=${this.onSearchSubmit}>
              <label>
                ${this.searchLabel}
                <input type="search" name="q" .value=${this.tableQuery.q} @input=${this.onSearchInput} autocomplete="off" />
              </label>
              <button type="submit">Search</button>
            </form>`
            : nothing
        }
        ${this.filters.map(
          (filter) => html`
            <label>
              ${filter.label}
              <select @change=${(event: Event) => this.onFilter(filter.name, event)}>
                <option value="" ?selected=${!this.tableQuery.filters[filter.name]}>Any</option>
                ${filter.options.map(
                  (option) =>
                    html`<option value=${option.value} ?selected=${this.tableQuery.filters[filter.name] === option.value}>
                      ${option.label}
                    </option>`,
                )}
              </select>
            </label>
          `,
        )}
        <slot name="actions"></slot>
      </div>
    `;
  }

  private renderBulkBar() {
    if (this.bulkActions.length === 0) return nothing;
    const count = this.selected.size;
    return html`
      <div class="bulk" role="group" aria-label="Bulk actions">
        <span class="count">${count === 0 ? `Select ${this.nouns} for bulk actions` : `${count} selected`}</span>
        ${this.bulkActions.map(
          (action) => html`
            <button
              type="button"
              class=${action.danger ? 'danger' : ''}
              ?disabled=${count === 0 || this.bulkBusy}
              @click=${() => this.runBulk(action)}
            >
              ${action.label} selected
            </button>
          `,
        )}
      </div>
    `;
  }

  private renderResults() {
    const outcome = this.bulkOutcome;
    const content = this.bulkError
      ? html`<p class="notice bad" role="alert">Bulk action failed, nothing was changed: ${this.bulkError}</p>`
      : outcome
        ? html`
          <div class="notice ${outcome.result.failed > 0 ? 'bad' : 'good'}">
            <h2>${outcome.label}: ${outcome.result.applied} applied, ${outcome.result.failed} failed</h2>
            <ul>
              ${outcome.result.results.map((item) => {
                const name = outcome.names.get(item.id) ?? `#${item.id}`;
                return html`<li data-id=${item.id}>
                  ${name} (#${item.id}):
                  ${item.ok ? html`<span class="badge good">done</span>` : html`<span class="badge bad">${item.error ?? 'failed'}</span> ${item.message ?? ''}`}
                </li>`;
              })}
            </ul>
            <button type="button" @click=${() => {
              this.bulkOutcome = null;
            }}>Dismiss</button>
          </div>
        `
        : nothing;
    return html`<section class="results" role="status" aria-live="polite" aria-label="Bulk action results">${content}</section>`;
  }

  private renderTable(data: Page<Row>) {
    const selectable = this.bulkActions.length > 0;
    const { sort, order } = this.tableQuery;
    const allSelected = data.items.length > 0 && data.items.every((row) => this.selected.has(row.id));
    const someSelected = !allSelected && data.items.some((row) => this.selected.has(row.id));
    const source = this.source;
    return html`
      <div class="frame">
        <table aria-busy=${this.loading ? 'true' : 'false'}>
          <caption>${this.caption}: ${plural(data.total, this.noun, this.nouns)}${data.totalPages > 1 ? `, page ${data.page} of ${data.totalPages}` : ''}</caption>
          <thead>
            <tr>
              ${
                selectable
                  ? html`<th class="check" scope="col">
                    <label>
                      <input
                        type="checkbox"
                        .checked=${allSelected}
                        .indeterminate=${someSelected}
                        ?disabled=${data.items.length === 0}
                        @change=${(event: Event) => this.toggleAll(event.target instanceof HTMLInputElement && event.target.checked)}
                      />
                      <span class="visually-hidden">Select all ${this.nouns} on this page</span>
                      <span class="all" aria-hidden="true">All</span>
                    </label>
                  </th>`
                  : nothing
              }
              ${this.columns.map((column) => {
                const sorted = column.sortable && sort === column.key;
                const ariaSort = sorted
                  ? order === 'asc'
                    ? 'ascending'
                    : 'descending'
                  : column.sortable
                    ? 'none'
                    : nothing;
                const classes = [column.numeric ? 'numeric' : '', column.sortable ? '' : 'plain'].join(' ').trim();
                return html`<th scope="col" class=${classes} aria-sort=${ariaSort}>
                  ${
                    column.sortable
                      ? html`<button type="button" @click=${() => this.sortBy(column)}>
                        ${column.label}<span class="arrow" aria-hidden="true">${sorted ? (order === 'asc' ? '▲' : '▼') : ''}</span>
                      </button>`
                      : column.label
                  }
                </th>`;
              })}
            </tr>
          </thead>
          <tbody>
            ${data.items.map((row) => {
              const isSelected = this.selected.has(row.id);
              return html`<tr class=${isSelected ? 'selected' : ''} data-id=${row.id}>
                ${
                  selectable
                    ? html`<td class="check">
                      <label>
                        <input
                          type="checkbox"
                          .checked=${isSelected}
                          @change=${(event: Event) => this.toggle(row.id, event.target instanceof HTMLInputElement && event.target.checked)}
                        />
                        <span class="visually-hidden">Select ${source?.label(row) ?? `#${row.id}`}</span>
                      </label>
                    </td>`
                    : nothing
                }
                ${this.columns.map((column) =>
                  column.primary
                    ? html`<th scope="row" data-label=${column.label} class=${column.numeric ? 'numeric' : ''}>${column.render(row)}</th>`
                    : html`<td data-label=${column.label} class=${column.numeric ? 'numeric' : ''}>${column.render(row)}</td>`,
                )}
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
    `;
  }

  private renderBody() {
    const data = this.data;
    if (this.error && !data) {
      return html`<div class="state" role="alert">
        <p class="error">Could not load ${this.nouns}: ${this.error}</p>
        <button type="button" @click=${() => this.reload()}>Try again</button>
      </div>`;
    }
    if (!data) return html`<p class="state">Loading ${this.nouns}…</p>`;
    return html`
      ${this.error ? html`<p class="notice bad" role="alert">Could not refresh: ${this.error} <button type="button" @click=${() => this.reload()}>Try again</button></p>` : nothing}
      ${
        data.items.length === 0
          ? html`<p class="state">${this.tableQuery.q || Object.values(this.tableQuery.filters).some(Boolean) ? `No ${this.nouns} match.` : `No ${this.nouns} yet.`}</p>`
          : this.renderTable(data)
      }
      ${
        data.totalPages > 1
          ? html`<nav class="pages" aria-label="Pagination">
            <button type="button" ?disabled=${data.page <= 1 || this.loading} @click=${() => this.goTo(data.page - 1)}>
              ← Previous<span class="visually-hidden"> page</span>
            </button>
            <span>Page ${data.page} of ${data.totalPages}</span>
            <button type="button" ?disabled=${data.page >= data.totalPages || this.loading} @click=${() => this.goTo(data.page + 1)}>
              Next<span class="visually-hidden"> page</span> →
            </button>
          </nav>`
          : nothing
      }
    `;
  }

  override render() {
    return html`
      ${this.renderToolbar()} ${this.renderBulkBar()}
      <p class="visually-hidden" role="status" aria-live="polite">
        ${this.loading ? `Loading ${this.nouns}…` : this.data ? plural(this.data.total, this.noun, this.nouns) : ''}
      </p>
      ${this.renderBody()} ${this.renderResults()}
      <confirm-dialog></confirm-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'resource-table': ResourceTable;
  }
  interface HTMLElementEventMap {
    'bulk-complete': CustomEvent<BulkResult>;
    'rows-loaded': CustomEvent<Page<Row>>;
  }
}
