import type { TagOut } from '@blog/contract';
import { html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { formPanel, shared } from '../styles.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import type { Column, Page, ResourceTable, TableQuery, TableSource } from './resource-table.js';
import './confirm-dialog.js';
import './resource-table.js';

/** Every tag (a few hundred at most), searched, sorted and paged in the browser. */
function pageOf(all: TagOut[], query: TableQuery): Page<TagOut> {
  const q = query.q.toLowerCase();
  const rows = all.filter((t) => !q || t.name.toLowerCase().includes(q) || t.slug.includes(q));
  const sign = query.order === 'asc' ? 1 : -1;
  rows.sort((a, b) =>
    query.sort === 'postsCount'
      ? sign * (a.postsCount - b.postsCount) || a.name.localeCompare(b.name)
      : sign * a.name.localeCompare(b.name),
  );
  const start = (query.page - 1) * query.limit;
  return {
    items: rows.slice(start, start + query.limit),
    page: query.page,
    limit: query.limit,
    total: rows.length,
    totalPages: Math.max(1, Math.ceil(rows.length / query.limit)),
  };
}

/**
 * Tags (admins): rename (and re-slug), merge one into another, delete. Tags are made by
 * writing them on a post, so there is no "new tag" form.
 */
@customElement('tags-page')
export class TagsPage extends LitElement {
  static override styles = [shared, formPanel];

  @state() private editing: TagOut | null = null;
  @state() private name = '';
  @state() private slug = '';
  @state() private mergeInto = '';
  /** Every tag as last loaded: the merge choices. */
  @state() private all: TagOut[] = [];
  @state() private message: { text: string; bad: boolean } | null = null;
  @state() private busy = false;
  @query('resource-table') private table?: ResourceTable;
  @query('confirm-dialog') private confirmDialog?: ConfirmDialog;
  @query('input[name="name"]') private nameInput?: HTMLInputElement;

  private readonly source: TableSource<TagOut> = {
    load: async (query) => {
      this.all = (await api.tags()).items;
      return pageOf(this.all, query);
    },
    label: (tag) => tag.name,
  };

  private readonly columns: Column<TagOut>[] = [
    { key: 'name', label: 'Name', sortable: true, primary: true, render: (t) => t.name },
    { key: 'slug', label: 'Slug', render: (t) => t.slug },
    {
      key: 'postsCount',
      label: 'Published posts',
      sortable: true,
      firstOrder: 'desc',
      numeric: true,
      render: (t) => t.postsCount,
    },
    {
      key: 'actions',
      label: 'Actions',
      render: (t) => html`<div class="row-actions">
        <button type="button" @click=${() => this.edit(t)}>Edit<span class="visually-hidden"> ${t.name}</span></button>
        <button type="button" class="danger" @click=${() => this.deleteTag(t)}>
          Delete<span class="visually-hidden"> ${t.name}</span>
        </button>
      </div>`,
    },
  ];

  private edit(tag: TagOut | null) {
    this.editing = tag;
    this.name = tag?.name ?? '';
    this.slug = tag?.slug ?? '';
    this.mergeInto = '';
    this.message = null;
    if (tag) void this.updateComplete.then(() => this.nameInput?.focus());
  }

  private async run(work: () => Promise<string>) {
    this.busy = true;
    this.message = null;
    try {
      this.message = { text: await work(), bad: false };
      await this.table?.reload({ quiet: true });
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  private save(event: SubmitEvent) {
    event.preventDefault();
    const editing = this.editing;
    if (!editing) return;
    const slug = this.slug.trim();
    return this.run(async () => {
      const saved = await api.updateTag(editing.id, {
        name: this.name,
        ...(slug && slug !== editing.slug ? { slug } : {}),
      });
      this.edit(null);
      return `Saved “${saved.name}” (${saved.slug}).`;
    });
  }

  private async merge() {
    const editing = this.editing;
    const into = this.all.find((t) => String(t.id) === this.mergeInto);
    if (!editing || !into) return;
    const ok = await this.confirmDialog?.ask({
      title: `Merge “${editing.name}” into “${into.name}”?`,
      message: `Every post tagged “${editing.name}” gets “${into.name}” instead, and “${editing.name}” is deleted. Its page goes from the site.`,
      confirmLabel: 'Merge tags',
      danger: true,
    });
    if (!ok) return;
    await this.run(async () => {
      const merged = await api.mergeTag(editing.id, into.id);
      this.edit(null);
      return `Merged “${editing.name}” into “${merged.name}”: ${merged.postsCount} published posts carry it now.`;
    });
  }

  private async deleteTag(tag: TagOut) {
    const ok = await this.confirmDialog?.ask({
      title: `Delete “${tag.name}”?`,
      message:
        tag.postsCount > 0
          ? `Its ${tag.postsCount} published posts (and any drafts) stay, without this tag.`
          : 'No published post carries it.',
      confirmLabel: 'Delete tag',
      danger: true,
    });
    if (!ok) return;
    await this.run(async () => {
      await api.deleteTag(tag.id);
      if (this.editing?.id === tag.id) this.edit(null);
      return `Deleted “${tag.name}”.`;
    });
  }

  private renderForm(editing: TagOut) {
    const others = this.all.filter((t) => t.id !== editing.id);
    return html`<form @submit=${this.save} aria-labelledby="tag-form-heading">
      <h2 id="tag-form-heading">Edit “${editing.name}”</h2>
      <label>
        Name
        <input
          name="name"
          required
          maxlength="60"
          .value=${this.name}
          @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        Slug
        <input
          name="slug"
          maxlength="100"
          pattern="[a-z0-9]+(-[a-z0-9]+)*"
          .value=${this.slug}
          @input=${(e: Event) => (this.slug = (e.target as HTMLInputElement).value)}
        />
      </label>
      <div class="actions wide">
        <button type="submit" class="primary" ?disabled=${this.busy}>Save tag</button>
        <button type="button" @click=${() => this.edit(null)}>Cancel</button>
      </div>
      <label>
        Merge into
        <select
          name="into"
          .value=${this.mergeInto}
          @change=${(e: Event) => (this.mergeInto = (e.target as HTMLSelectElement).value)}
        >
          <option value="">Choose a tag…</option>
          ${others.map((t) => html`<option value=${String(t.id)}>${t.name} (${t.postsCount})</option>`)}
        </select>
      </label>
      <div class="actions">
        <button type="button" ?disabled=${this.busy || !this.mergeInto} @click=${() => this.merge()}>Merge</button>
      </div>
    </form>`;
  }

  override render() {
    return html`
      <h1 tabindex="-1">Tags</h1>
      <p class="hint">Tags are made by writing them on a post. Rename, merge or delete them here; the site is rebuilt after each change.</p>
      ${this.editing ? this.renderForm(this.editing) : nothing}
      <div role="status" aria-live="polite">
        ${this.message ? html`<p class="notice ${this.message.bad ? 'bad' : 'good'}">${this.message.text}</p>` : nothing}
      </div>
      <resource-table
        caption="Tags"
        noun="tag"
        nouns="tags"
        search-label="Search tags"
        default-sort="name"
        default-order="asc"
        .source=${this.source}
        .columns=${this.columns}
      ></resource-table>
      <confirm-dialog></confirm-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'tags-page': TagsPage;
  }
}
