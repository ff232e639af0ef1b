import type { CategoryOut } from '@blog/contract';
import { html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { formPanel, shared } from '../styles.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import type { Column, Page, ResourceTable, TableQuery, TableSource } from './resource-table.js';
import './confirm-dialog.js';
import './resource-table.js';

interface CategoryDraft {
  name: string;
  slug: string;
  description: string;
}

const EMPTY: CategoryDraft = { name: '', slug: '', description: '' };

/** The whole (short) category list, searched, sorted and paged in the browser. */
function pageOf(all: CategoryOut[], query: TableQuery): Page<CategoryOut> {
  const q = query.q.toLowerCase();
  const rows = all.filter((c) => !q || c.name.toLowerCase().includes(q) || c.slug.includes(q));
  const sign = query.order === 'asc' ? 1 : -1;
  rows.sort((a, b) =>
    query.sort === 'postsCount' ? sign * (a.postsCount - b.postsCount) : sign * a.name.localeCompare(b.name),
  );
  const totalPages = Math.max(1, Math.ceil(rows.length / query.limit));
  const start = (query.page - 1) * query.limit;
  return {
    items: rows.slice(start, start + query.limit),
    page: query.page,
    limit: query.limit,
    total: rows.length,
    totalPages,
  };
}

/** Categories: list, create, edit and delete (admins). */
@customElement('categories-page')
export class CategoriesPage extends LitElement {
  static override styles = [shared, formPanel];

  /** The category being edited, or null for a new one. */
  @state() private editing: CategoryOut | null = null;
  @state() private draft: CategoryDraft = EMPTY;
  @state() private message: { text: string; bad: boolean } | null = null;
  @state() private busy = false;
  @query('resource-table') private table?: ResourceTable;
  @query('confirm-dialog') private confirmDialog?: ConfirmDialog;
  @query('input[name="name"]') private nameInput?: HTMLInputElement;

  private readonly source: TableSource<CategoryOut> = {
    load: async (query) => pageOf((await api.categories()).items, query),
    label: (category) => category.name,
  };

  private readonly columns: Column<CategoryOut>[] = [
    { key: 'name', label: 'Name', sortable: true, primary: true, render: (c) => c.name },
    { key: 'slug', label: 'Slug', render: (c) => c.slug },
    { key: 'description', label: 'Description', render: (c) => c.description || '–' },
    {
      key: 'postsCount',
      label: 'Posts',
      sortable: true,
      firstOrder: 'desc',
      numeric: true,
      render: (c) => c.postsCount,
    },
    {
      key: 'actions',
      label: 'Actions',
      render: (c) => html`<div class="row-actions">
        <button type="button" @click=${() => this.edit(c)}>Edit<span class="visually-hidden"> ${c.name}</span></button>
        <button type="button" class="danger" @click=${() => this.deleteCategory(c)}>
          Delete<span class="visually-hidden"> ${c.name}</span>
        </button>
      </div>`,
    },
  ];

  private edit(category: CategoryOut | null) {
    this.editing = category;
    this.draft = category ? { name: category.name, slug: category.slug, description: category.description } : EMPTY;
    this.message = null;
    void this.updateComplete.then(() => this.nameInput?.focus());
  }

  private field(name: keyof CategoryDraft) {
    return (event: Event) => {
      const target = event.target;
      if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
        this.draft = { ...this.draft, [name]: target.value };
      }
    };
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const { name, slug, description } = this.draft;
    const editing = this.editing;
    this.busy = true;
    this.message = null;
    try {
      const saved = editing
        ? await api.updateCategory(editing.id, {
            name,
            description,
            ...(slug.trim() && slug.trim() !== editing.slug ? { slug: slug.trim() } : {}),
          })
        : await api.createCategory({ name, description, ...(slug.trim() ? { slug: slug.trim() } : {}) });
      this.message = { text: `${editing ? 'Saved' : 'Created'} “${saved.name}” (${saved.slug}).`, bad: false };
      this.editing = null;
      this.draft = EMPTY;
      await this.table?.reload({ quiet: true });
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  private async deleteCategory(category: CategoryOut) {
    const ok = await this.confirmDialog?.ask({
      title: `Delete “${category.name}”?`,
      message:
        category.postsCount > 0
          ? `Its ${category.postsCount} published posts (and any drafts) stay, without a category.`
          : 'No published post uses it.',
      confirmLabel: 'Delete category',
      danger: true,
    });
    if (!ok) return;
    this.message = null;
    try {
      await api.deleteCategory(category.id);
      this.message = { text: `Deleted “${category.name}”.`, bad: false };
      if (this.editing?.id === category.id) this.edit(null);
      await this.table?.reload({ quiet: true });
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    }
  }

  override render() {
    const editing = this.editing;
    return html`
      <h1 tabindex="-1">Categories</h1>
      <form @submit=${this.save} aria-labelledby="category-form-heading">
        <h2 id="category-form-heading">${editing ? `Edit “${editing.name}”` : 'New category'}</h2>
        <label>Name <input name="name" required maxlength="80" .value=${this.draft.name} @input=${this.field('name')} /></label>
        <label>
          Slug
          <input
            name="slug"
            maxlength="100"
            pattern="[a-z0-9]+(-[a-z0-9]+)*"
            placeholder="made from the name"
            .value=${this.draft.slug}
            @input=${this.field('slug')}
          />
        </label>
        <label class="wide">
          Description
          <textarea name="description" maxlength="2000" .value=${this.draft.description} @input=${this.field('description')}></textarea>
        </label>
        <div class="actions wide">
          <button type="submit" class="primary" ?disabled=${this.busy}>${editing ? 'Save category' : 'Create category'}</button>
          ${editing ? html`<button type="button" @click=${() => this.edit(null)}>Cancel</button>` : nothing}
        </div>
      </form>
      <div role="status" aria-live="polite">
        ${this.message ? html`<p class="notice ${this.message.bad ? 'bad' : 'good'}">${this.message.text}</p>` : nothing}
      </div>
      <resource-table
        caption="Categories"
        noun="category"
        nouns="categories"
        search-label="Search categories"
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
    'categories-page': CategoriesPage;
  }
}
