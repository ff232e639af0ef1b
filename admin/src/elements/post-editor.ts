import type { Build, CategoryOut, Me, PostDetail, PreviewLink } from '@blog/contract';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { formatDate, formatDuration } from '../format.js';
import { href, navigate } from '../router.js';
import { shared } from '../styles.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import './confirm-dialog.js';
import './markdown-preview.js';

interface Draft {
  title: string;
  subtitle: string;
  slug: string;
  categoryId: string;
  body: string;
  /** '' (the site's COMMENT_MODERATION), open, first or all. */
  moderation: string;
  /** 'closed' or ''. */
  comments: string;
  /** Tag names, comma-separated as typed. */
  tags: string;
  metaDescription: string;
  customExcerpt: string;
  /** '' → the post's own address. */
  canonicalUrl: string;
  /** '' → none. */
  ogImageUrl: string;
}

const EMPTY: Draft = {
  title: '',
  subtitle: '',
  slug: '',
  categoryId: '',
  body: '',
  moderation: '',
  comments: '',
  tags: '',
  metaDescription: '',
  customExcerpt: '',
  canonicalUrl: '',
  ogImageUrl: '',
};
/** The tag names of the comma-separated field (the API trims and deduplicates them too). */
const tagNamesOf = (value: string) =>
  value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
const MODERATION = ['open', 'first', 'all'] as const;
const moderationOf = (value: string) => MODERATION.find((mode) => mode === value) ?? null;
const POLL_MS = 2000;
const POLL_FOR_MS = 3 * 60_000;

const draftOf = (post: PostDetail): Draft => ({
  title: post.title,
  subtitle: post.subtitle,
  slug: post.slug,
  categoryId: post.category ? String(post.category.id) : '',
  body: post.bodyMarkdown ?? '',
  moderation: post.commentModeration ?? '',
  comments: post.commentsClosed ? 'closed' : '',
  tags: post.tags.map((tag) => tag.name).join(', '),
  metaDescription: post.metaDescription,
  customExcerpt: post.customExcerpt,
  canonicalUrl: post.canonicalUrl ?? '',
  ogImageUrl: post.ogImageUrl ?? '',
});

/** The SEO and sharing fields as the API takes them (an empty URL field: none). */
const seoOf = (draft: Draft) => ({
  metaDescription: draft.metaDescription,
  customExcerpt: draft.customExcerpt,
  canonicalUrl: draft.canonicalUrl.trim() || null,
  ogImageUrl: draft.ogImageUrl.trim() || null,
});

const statusBadge = (status: Build['status']) => {
  const tone = status === 'done' ? 'good' : status === 'failed' ? 'bad' : 'warn';
  return html`<span class="badge ${tone}">${status}</span>`;
};

/**
 * The post editor: title, subtitle, category, slug and a Markdown body with a live preview;
 * save, publish/unpublish (then the site builds that follow, polled from the rebuild list, for
 * admins) and delete.
 */
@customElement('post-editor')
export class PostEditor extends LitElement {
  static override styles = [
    shared,
    css`
      form {
        display: grid;
        gap: 1rem;
      }
      .fields {
        display: grid;
        gap: 1rem;
        grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
      }
      label.check {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        font-weight: 400;
      }
      label.check input {
        width: auto;
      }
      .columns {
        display: grid;
        gap: 1rem;
      }
      @media (min-width: 60rem) {
        .columns {
          grid-template-columns: 1fr 1fr;
        }
      }
      textarea {
        width: 100%;
        min-height: 22rem;
        font-family: var(--mono);
        font-size: 0.9375rem;
        resize: vertical;
      }
      .preview {
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 0.75rem 1rem;
        min-height: 22rem;
        max-height: 70vh;
        overflow: auto;
      }
      details.seo {
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 0.5rem 1rem;
      }
      details.seo summary {
        cursor: pointer;
        font-weight: 600;
      }
      details.seo .fields {
        margin-top: 0.75rem;
      }
      .preview h2 {
        font-size: 1rem;
        color: var(--muted);
      }
      .meta {
        color: var(--muted);
      }
      .share input {
        width: 100%;
        font-family: var(--mono);
      }
      .builds ul {
        padding-left: 1.25rem;
        margin: 0.5rem 0 0;
      }
    `,
  ];

  /** A post id, or 'new'. */
  @property({ attribute: false }) postId: number | 'new' = 'new';
  @property({ attribute: false }) me: Me | null = null;

  @state() private post: PostDetail | null = null;
  @state() private draft: Draft = EMPTY;
  @state() private categories: CategoryOut[] = [];
  @state() private loadError: string | null = null;
  @state() private message: { text: string; bad: boolean } | null = null;
  @state() private busy = false;
  /** The builds since the last publish or unpublish (admins), polled until they finish. */
  @state() private builds: { since: number; items: Build[]; watching: boolean; note?: string } | null = null;
  /** The last secret preview link made for this draft (to share before publishing). */
  @state() private shareLink: PreviewLink | null = null;

  @query('confirm-dialog') private confirmDialog?: ConfirmDialog;

  private pollTimer: number | undefined;

  override connectedCallback() {
    super.connectedCallback();
    api
      .categories()
      .then((list) => {
        this.categories = list.items;
      })
      .catch(() => {
        this.categories = [];
      });
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.clearTimeout(this.pollTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('postId')) return;
    this.shareLink = null;
    if (this.postId === 'new') {
      this.post = null;
      this.draft = EMPTY;
    } else if (this.post?.id !== this.postId) {
      void this.load(this.postId);
    }
  }

  private async load(id: number) {
    this.loadError = null;
    try {
      const post = await api.post(id);
      this.post = post;
      this.draft = draftOf(post);
    } catch (error) {
      this.loadError = errorText(error);
    }
  }

  private get dirty(): boolean {
    return !this.post || JSON.stringify(draftOf(this.post)) !== JSON.stringify(this.draft);
  }

  private field(name: keyof Draft) {
    return (event: Event) => {
      const target = event.target;
      if (
        target instanceof HTMLInputElement ||
        target instanceof HTMLTextAreaElement ||
        target instanceof HTMLSelectElement
      ) {
        const value =
          target instanceof HTMLInputElement && target.type === 'checkbox'
            ? target.checked
              ? 'closed'
              : ''
            : target.value;
        this.draft = { ...this.draft, [name]: value };
      }
    };
  }

  /** Saves the draft; resolves with the saved post, or null after showing why not. */
  private async save(): Promise<PostDetail | null> {
    const { title, subtitle, slug, categoryId, body, moderation, comments, tags } = this.draft;
    const category = categoryId ? Number(categoryId) : null;
    const commentRules = { commentModeration: moderationOf(moderation), commentsClosed: comments === 'closed' };
    try {
      const post = this.post
        ? await api.updatePost(this.post.id, {
            title,
            subtitle,
            bodyMarkdown: body,
            categoryId: category,
            tags: tagNamesOf(tags),
            ...seoOf(this.draft),
            ...commentRules,
            ...(slug.trim() && slug.trim() !== this.post.slug ? { slug: slug.trim() } : {}),
          })
        : await api.createPost({
            title,
            subtitle,
            bodyMarkdown: body,
            categoryId: category,
            tags: tagNamesOf(tags),
            ...seoOf(this.draft),
            ...commentRules,
            status: 'draft',
            ...(slug.trim() ? { slug: slug.trim() } : {}),
          });
      const created = !this.post;
      this.post = post;
      this.draft = draftOf(post);
      if (created) navigate(href({ name: 'post', id: post.id }), { replace: true });
      return post;
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
      return null;
    }
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    this.busy = true;
    this.message = null;
    const post = await this.save();
    if (post) this.message = { text: `Saved ${formatDate(post.updatedAt)}.`, bad: false };
    this.busy = false;
  }

  private async setPublished(publish: boolean) {
    this.busy = true;
    this.message = null;
    try {
      const saved = this.dirty ? await this.save() : this.post;
      if (!saved) return;
      const post = await api.publishPost(saved.id, publish);
      this.post = post;
      this.draft = draftOf(post);
      this.message = { text: publish ? 'Published.' : 'Unpublished: the post is a draft again.', bad: false };
      this.watchBuilds(Date.parse(post.updatedAt));
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  /** Saves pending changes, then makes a secret link to the draft's page as the site will show it. */
  private async makePreviewLink() {
    this.busy = true;
    this.message = null;
    try {
      const saved = this.dirty ? await this.save() : this.post;
      if (!saved) return;
      this.shareLink = await api.previewLink(saved.id);
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  private renderShareLink() {
    const link = this.shareLink;
    if (!link || this.post?.status !== 'draft') return nothing;
    return html`<div class="notice share">
      <label>
        Preview link
        <input readonly .value=${link.url} @focus=${(event: FocusEvent) => (event.target as HTMLInputElement).select()} />
      </label>
      <p class="hint">
        Anyone with this link can read the draft, as it is when they open it, until ${formatDate(link.expiresAt)}.
        <a href=${link.url} target="_blank" rel="noopener">Open the preview</a>
      </p>
    </div>`;
  }

  /** Polls the rebuild list for the builds that follow a change at `since` (server time). */
  private watchBuilds(since: number) {
    window.clearTimeout(this.pollTimer);
    if (this.me?.role !== 'admin') {
      this.builds = { since, items: [], watching: false, note: 'The site is rebuilt in the background.' };
      return;
    }
    this.builds = { since, items: [], watching: true };
    const started = Date.now();
    const poll = async () => {
      const current = this.builds;
      if (!current || current.since !== since || !this.isConnected) return;
      try {
        const list = await api.rebuilds({ limit: 20 });
        // Builds recorded from one second before the change (the builder's clock is the API's).
        const items = list.items.filter((build) => Date.parse(build.createdAt) >= since - 1000).reverse();
        const settled = items.length > 0 && items.every((b) => b.status === 'done' || b.status === 'failed');
        const expired = Date.now() - started > POLL_FOR_MS;
        const note = expired && items.length === 0 ? 'No build was recorded yet: is the builder running?' : undefined;
        this.builds = { since, items, watching: !settled && !expired, note };
        if (!settled && !expired) this.pollTimer = window.setTimeout(poll, POLL_MS);
      } catch (error) {
        this.builds = { since, items: current.items, watching: false, note: errorText(error) };
      }
    };
    void poll();
  }

  private async deletePost() {
    const post = this.post;
    if (!post) return;
    const ok = await this.confirmDialog?.ask({
      title: `Delete “${post.title}”?`,
      message: 'The post and all its comments are deleted. This cannot be undone.',
      confirmLabel: 'Delete post',
      danger: true,
    });
    if (!ok) return;
    this.busy = true;
    try {
      await api.deletePost(post.id);
      navigate(href({ name: 'posts' }));
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  private renderBuilds() {
    const builds = this.builds;
    if (!builds) return nothing;
    return html`
      <div class="notice builds">
        <strong>Site build:</strong>
        ${builds.watching && builds.items.length === 0 ? html` waiting for the builder…` : nothing}
        ${
          builds.items.length
            ? html`<ul>
              ${builds.items.map(
                (build) => html`<li data-build=${build.id}>
                  #${build.id} ${statusBadge(build.status)} ${build.reason}
                  ${build.durationMs !== null ? html` · ${formatDuration(build.durationMs)}` : nothing}
                  ${build.pages !== null ? html` · ${build.pages} pages` : nothing}
                  ${build.error ? html`<div class="error">${build.error}</div>` : nothing}
                </li>`,
              )}
            </ul>`
            : nothing
        }
        ${builds.note ? html`<p>${builds.note}</p>` : nothing}
        ${this.me?.role === 'admin' ? html`<p><a href=${href({ name: 'rebuilds' })}>All builds</a></p>` : nothing}
      </div>
    `;
  }

  // One heading element in every state: focus put on it by the app stays there.
  override render() {
    return html`<p><a href=${href({ name: 'posts' })}>← Posts</a></p>
      <h1 tabindex="-1">${this.postId === 'new' ? 'New post' : 'Edit post'}</h1>
      ${this.renderBody()}`;
  }

  private renderBody() {
    if (this.loadError) return html`<p class="notice bad" role="alert">${this.loadError}</p>`;
    const post = this.post;
    if (this.postId !== 'new' && !post) return html`<p role="status">Loading…</p>`;
    const draft = this.draft;
    const published = post?.status === 'published';
    return html`
      ${
        post
          ? html`<p class="meta">
            <span class="badge ${published ? 'good' : 'warn'}" data-status>${post.status}</span>
            by ${post.author.name} · updated ${formatDate(post.updatedAt)}
            ${published ? html` · <a href="/posts/${post.slug}/">View on the site</a>` : nothing}
          </p>`
          : nothing
      }
      <form @submit=${this.onSubmit}>
        <div class="fields">
          <label>
            Title
            <input name="title" required maxlength="200" .value=${draft.title} @input=${this.field('title')} />
          </label>
          <label>
            Subtitle
            <input name="subtitle" maxlength="300" .value=${draft.subtitle} @input=${this.field('subtitle')} />
          </label>
          <label>
            Category
            <select name="category" @change=${this.field('categoryId')}>
              <option value="" ?selected=${draft.categoryId === ''}>No category</option>
              ${this.categories.map(
                (c) =>
                  html`<option value=${String(c.id)} ?selected=${draft.categoryId === String(c.id)}>${c.name}</option>`,
              )}
            </select>
          </label>
          <label>
            Tags
            <input
              name="tags"
              maxlength="1300"
              aria-describedby="tags-hint"
              autocomplete="off"
              .value=${draft.tags}
              @input=${this.field('tags')}
            />
            <span class="hint" id="tags-hint">Separated by commas, at most 20; new ones are created.</span>
          </label>
          <label>
            Slug
            <input
              name="slug"
              maxlength="100"
              pattern="[a-z0-9]+(-[a-z0-9]+)*"
              aria-describedby="slug-hint"
              .value=${draft.slug}
              @input=${this.field('slug')}
            />
            <span class="hint" id="slug-hint">Lower-case letters, digits and hyphens. Empty: made from the title.</span>
          </label>
          <label>
            Comment moderation
            <select name="moderation" @change=${this.field('moderation')}>
              <option value="" ?selected=${draft.moderation === ''}>The site's setting</option>
              <option value="open" ?selected=${draft.moderation === 'open'}>Open: visible at once</option>
              <option value="first" ?selected=${draft.moderation === 'first'}>
                First comment waits: until one of a reader's is approved
              </option>
              <option value="all" ?selected=${draft.moderation === 'all'}>Every comment waits for approval</option>
            </select>
          </label>
          <label class="check">
            <input
              type="checkbox"
              name="comments-closed"
              .checked=${draft.comments === 'closed'}
              @change=${this.field('comments')}
            />
            Comments closed (no new comments; the existing ones stay)
          </label>
        </div>
        <details class="seo" ?open=${!!(draft.metaDescription || draft.customExcerpt || draft.canonicalUrl || draft.ogImageUrl)}>
          <summary>SEO and sharing</summary>
          <div class="fields">
            <label>
              Meta description
              <textarea
                name="meta-description"
                maxlength="300"
                rows="3"
                aria-describedby="meta-hint"
                .value=${draft.metaDescription}
                @input=${this.field('metaDescription')}
              ></textarea>
              <span class="hint" id="meta-hint">What search engines show. Empty: the summary line or the excerpt.</span>
            </label>
            <label>
              Custom excerpt
              <textarea
                name="custom-excerpt"
                maxlength="300"
                rows="3"
                aria-describedby="excerpt-hint"
                .value=${draft.customExcerpt}
                @input=${this.field('customExcerpt')}
              ></textarea>
              <span class="hint" id="excerpt-hint">Shown in previews and the feed. Empty: the start of the body.</span>
            </label>
            <label>
              Canonical URL
              <input
                name="canonical-url"
                type="url"
                maxlength="2000"
                placeholder="https://…"
                aria-describedby="canonical-hint"
                .value=${draft.canonicalUrl}
                @input=${this.field('canonicalUrl')}
              />
              <span class="hint" id="canonical-hint">Only for a post first published elsewhere. Empty: this post's address.</span>
            </label>
            <label>
              Sharing image URL (og:image)
              <input
                name="og-image-url"
                maxlength="2000"
                placeholder="https://… or /media/…"
                aria-describedby="og-hint"
                .value=${draft.ogImageUrl}
                @input=${this.field('ogImageUrl')}
              />
              <span class="hint" id="og-hint">The picture link previews show. Empty: none.</span>
            </label>
          </div>
        </details>
        <div class="columns">
          <label>
            Body (Markdown)
            <textarea name="body" required .value=${draft.body} @input=${this.field('body')}></textarea>
          </label>
          <section class="preview" aria-labelledby="preview-heading" tabindex="0">
            <h2 id="preview-heading">Preview</h2>
            <markdown-preview .source=${draft.body}></markdown-preview>
          </section>
        </div>
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${this.busy}>${post ? 'Save' : 'Save draft'}</button>
          ${
            published
              ? html`<button type="button" ?disabled=${this.busy} @click=${() => this.setPublished(false)}>Unpublish</button>`
              : html`<button type="button" ?disabled=${this.busy} @click=${() => this.setPublished(true)}>Publish</button>`
          }
          ${
            post && !published
              ? html`<button type="button" ?disabled=${this.busy} @click=${this.makePreviewLink}>Share preview link</button>`
              : nothing
          }
          ${post ? html`<button type="button" class="danger" ?disabled=${this.busy} @click=${this.deletePost}>Delete</button>` : nothing}
          ${this.dirty && post ? html`<span class="hint">Unsaved changes</span>` : nothing}
        </div>
      </form>
      ${this.renderShareLink()}
      <div role="status" aria-live="polite">
        ${this.message ? html`<p class="notice ${this.message.bad ? 'bad' : 'good'}">${this.message.text}</p>` : nothing}
        ${this.renderBuilds()}
      </div>
      <confirm-dialog></confirm-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'post-editor': PostEditor;
  }
}
