import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { commentsLabel } from '../lib/format';
import { ACCOUNT_PATH } from '../lib/routes';
import { ApiRequestError, api, errorText } from './api';
import { type AuthChangedDetail, currentUser, requestAccount, type User } from './session';
import type { Comment, CommentThread } from './types';

/** Top-level comments per page (the API allows up to 100). */
const PAGE_SIZE = 20;

/**
 * Where a composer or a message belongs: `n` the new-comment form, `r<threadId>` a reply form,
 * `e<commentId>` an edit form, `c<commentId>` a comment's own actions (delete).
 */
type Key = string;

interface Problem {
  text: string;
  code: string;
}
const isProblem = (value: unknown): value is Problem =>
  typeof value === 'object' && value !== null && !(value instanceof Error) && 'text' in value && 'code' in value;

/** A comment with the list it sits in (the threads, or one thread's replies). */
interface Found {
  comment: Comment;
  list: Comment[];
}

const when = (iso: string) => new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A post's comments: the live thread with replies and "Load more", and for a verified reader
 * the forms to comment, reply, edit (own comments, within the edit window) and delete.
 * Comment bodies are the API's sanitised HTML; everything the reader types is shown as text.
 * Writes show at once and roll back when the API refuses them.
 *
 * @slot - The build-time fallback (the count and a note), shown until the first page arrives.
 */
@customElement('blog-comments')
export class BlogComments extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: var(--sans);
      font-size: 1rem;
    }
    /* The fallback's "needs JavaScript" note is wrong once this runs (it shows while loading). */
    ::slotted(.note) {
      display: none;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .threads > li {
      padding: 1rem 0;
      border-bottom: 1px solid var(--rule);
    }
    .replies {
      margin: 0.75rem 0 0 1.5rem;
      padding-left: 1rem;
      border-left: 3px solid var(--rule);
    }
    .replies > li + li {
      margin-top: 0.75rem;
    }
    .by {
      margin: 0;
      color: var(--muted);
      font-size: 0.9rem;
    }
    .by strong {
      color: var(--fg);
    }
    .body {
      font-family: var(--serif);
      font-size: 1.05rem;
      overflow-wrap: anywhere;
    }
    .body p {
      margin: 0.4rem 0;
    }
    .body pre,
    .body code {
      font-family: var(--mono);
      background: var(--code-bg);
      font-size: 0.9em;
    }
    .body pre {
      padding: 0.6rem;
      overflow-x: auto;
    }
    .plain {
      white-space: pre-wrap;
      margin: 0.4rem 0;
    }
    a {
      color: var(--accent);
    }
    button {
      font: inherit;
      font-size: 0.9rem;
      padding: 0.3rem 0.8rem;
      border: 1px solid var(--rule);
      border-radius: 4px;
      background: var(--bg);
      color: var(--fg);
      cursor: pointer;
    }
    button:disabled {
      opacity: 0.6;
      cursor: default;
    }
    button[type='submit'] {
      background: var(--accent);
      border-color: var(--accent);
      color: var(--bg);
      font-weight: 600;
    }
    :focus-visible {
      outline: 3px solid var(--focus);
      outline-offset: 2px;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
      margin-top: 0.4rem;
    }
    .actions button:not([type='submit']) {
      border-color: transparent;
      color: var(--accent);
      padding: 0.2rem 0.4rem;
    }
    form {
      margin: 1rem 0;
    }
    label {
      display: block;
      font-weight: 600;
    }
    textarea {
      display: block;
      box-sizing: border-box;
      width: 100%;
      margin-top: 0.3rem;
      padding: 0.5rem;
      font: inherit;
      color: inherit;
      background: var(--bg);
      border: 1px solid var(--muted);
      border-radius: 4px;
      resize: vertical;
    }
    .preview {
      border: 1px dashed var(--muted);
      padding: 0.5rem;
      min-height: 4rem;
    }
    .muted,
    .hint {
      color: var(--muted);
    }
    .hint {
      font-size: 0.85rem;
    }
    .error {
      color: var(--focus);
      font-weight: 600;
    }
    .count {
      font-weight: 700;
    }
    .more {
      margin-top: 1rem;
    }
  `;

  /** The post's id, for /api/posts/{id}/comments. */
  @property({ type: Number, attribute: 'post-id' })
  postId = 0;

  /** The post's slug (kept for links back to the post). */
  @property({ attribute: 'post-slug' })
  postSlug = '';

  @state() private user: User | null = null;
  @state() private threads: CommentThread[] = [];
  /** The post's visible comments; undefined until the first page arrives. */
  @state() private total: number | undefined;
  @state() private cursor: string | null = null;
  @state() private loading = false;
  @state() private loadError = '';
  /** The open reply or edit form. */
  @state() private open: Key | null = null;
  @state() private previewing: Key | null = null;
  /** The comment whose deletion awaits confirmation. */
  @state() private confirming: number | null = null;

  readonly #problems = new Map<Key, Problem>();
  readonly #drafts = new Map<Key, string>();
  /** Comments the API has not confirmed yet (new ones have negative ids). */
  readonly #pending = new Set<number>();
  #tempId = 0;
  /** Only the latest load may write its answer. */
  #loadSeq = 0;

  readonly #onAuthChanged = (event: CustomEvent<AuthChangedDetail>) => {
    this.user = event.detail.user;
    this.#problems.clear();
    this.open = this.previewing = this.confirming = null;
    // Own comments carry their Markdown for editing: ask again as the new reader.
    void this.#load(false);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('blog-auth-changed', this.#onAuthChanged);
    void currentUser().then((user) => {
      this.user = user;
    });
    void this.#load(false);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('blog-auth-changed', this.#onAuthChanged);
  }

  async #load(more: boolean): Promise<void> {
    if (!(this.postId > 0)) return;
    const seq = ++this.#loadSeq;
    this.loading = true;
    this.loadError = '';
    try {
      const page = await api.call('GET /posts/:idOrSlug/comments', {
        params: { idOrSlug: this.postId },
        query: { limit: PAGE_SIZE, cursor: more && this.cursor ? this.cursor : undefined },
      });
      if (seq !== this.#loadSeq) return;
      // A comment written here may come again in a later page.
      const known = new Set(this.threads.map((thread) => thread.id));
      this.threads = more ? [...this.threads, ...page.items.filter((thread) => !known.has(thread.id))] : page.items;
      this.cursor = page.nextCursor;
      this.total = page.total;
    } catch (error) {
      if (seq === this.#loadSeq) this.loadError = errorText(error);
    } finally {
      if (seq === this.#loadSeq) this.loading = false;
    }
  }

  /** Shows what went wrong with form `key` (an API error, or a problem of the form's own); null clears it. */
  #setProblem(key: Key, error: unknown): void {
    if (error === null) this.#problems.delete(key);
    else if (isProblem(error)) this.#problems.set(key, error);
    else
      this.#problems.set(key, {
        text: errorText(error),
        code: error instanceof ApiRequestError ? error.code : 'error',
      });
    this.requestUpdate();
  }

  #find(id: number): Found | undefined {
    for (const thread of this.threads) {
      if (thread.id === id) return { comment: thread, list: this.threads };
      const reply = thread.replies.find((r) => r.id === id);
      if (reply) return { comment: reply, list: thread.replies };
    }
    return undefined;
  }

  #adjustTotal(by: number): void {
    this.total = Math.max(0, (this.total ?? 0) + by);
  }

  async #openForm(key: Key, draft?: string): Promise<void> {
    if (draft !== undefined && !this.#drafts.has(key)) this.#drafts.set(key, draft);
    this.open = key;
    this.previewing = null;
    await this.updateComplete;
    this.#box(key)?.focus();
  }

  /** A form's text, set in its textarea too: Lit's `.value` binding skips a value it set before. */
  #setDraft(key: Key, text: string): void {
    this.#drafts.set(key, text);
    const box = this.#box(key);
    if (box) box.value = text;
  }

  #box(key: Key): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector<HTMLTextAreaElement>(`form[data-key="${key}"] textarea`);
  }

  #closeForm(): void {
    this.open = null;
    this.previewing = null;
  }

  async #submit(key: Key): Promise<void> {
    const body = (this.#drafts.get(key) ?? '').trim();
    if (!body) return this.#setProblem(key, { text: 'Write something first.', code: 'empty' });
    this.#setProblem(key, null);
    if (key.startsWith('e')) return this.#edit(Number(key.slice(1)), body, key);
    const user = this.user;
    const parentId = key.startsWith('r') ? Number(key.slice(1)) : null;
    const list = parentId === null ? this.threads : this.#thread(parentId)?.replies;
    if (!user || !list) return;
    const temp: CommentThread = {
      id: --this.#tempId,
      postId: this.postId,
      parentId,
      author: { id: user.id, name: user.name },
      status: 'visible',
      bodyHtml: '',
      bodyMarkdown: body,
      createdAt: new Date().toISOString(),
      editedAt: null,
      replies: [],
    };
    list.push(temp);
    this.#pending.add(temp.id);
    this.#setDraft(key, '');
    this.#adjustTotal(1);
    if (parentId === null) this.previewing = null;
    else this.#closeForm();
    try {
      const saved = await api.call('POST /posts/:idOrSlug/comments', {
        params: { idOrSlug: this.postId },
        body: { body, parentId },
      });
      const index = list.indexOf(temp);
      // Threads need their (empty) replies; on a reply the field is unused.
      const fresh: CommentThread = { ...saved, replies: [] };
      if (index >= 0) list[index] = fresh;
    } catch (error) {
      const index = list.indexOf(temp);
      if (index >= 0) list.splice(index, 1);
      this.#adjustTotal(-1);
      this.#setDraft(key, body);
      if (parentId !== null) this.open = key;
      this.#setProblem(key, error);
    } finally {
      this.#pending.delete(temp.id);
      this.requestUpdate();
    }
  }

  #thread(id: number): CommentThread | undefined {
    return this.threads.find((thread) => thread.id === id);
  }

  async #edit(id: number, body: string, key: Key): Promise<void> {
    const comment = this.#find(id)?.comment;
    if (!comment) return;
    const before = { bodyMarkdown: comment.bodyMarkdown, bodyHtml: comment.bodyHtml, editedAt: comment.editedAt };
    Object.assign(comment, { bodyMarkdown: body, bodyHtml: '' });
    this.#pending.add(id);
    this.#drafts.delete(key);
    this.#closeForm();
    try {
      Object.assign(comment, await api.call('PATCH /comments/:id', { params: { id }, body: { body } }));
    } catch (error) {
      Object.assign(comment, before);
      this.#drafts.set(key, body);
      this.open = key;
      this.#setProblem(key, error);
    } finally {
      this.#pending.delete(id);
      this.requestUpdate();
    }
  }

  async #delete(id: number): Promise<void> {
    this.confirming = null;
    const found = this.#find(id);
    if (!found) return;
    const { comment, list } = found;
    const index = list.indexOf(comment);
    // Its replies go with it; hidden comments were not counted.
    const replies = comment.parentId === null ? (this.#thread(id)?.replies.length ?? 0) : 0;
    const removed = (comment.status === 'visible' ? 1 : 0) + replies;
    list.splice(index, 1);
    this.#adjustTotal(-removed);
    this.#setProblem(`c${id}`, null);
    try {
      await api.call('DELETE /comments/:id', { params: { id } });
    } catch (error) {
      list.splice(index, 0, comment);
      this.#adjustTotal(removed);
      this.#setProblem(`c${id}`, error);
    }
  }

  #ask(event: Event): void {
    if (requestAccount('signin')) event.preventDefault();
  }

  #problem(key: Key): TemplateResult | typeof nothing {
    const problem = this.#problems.get(key);
    if (!problem) return nothing;
    const link = (label: string) => html` <a href=${ACCOUNT_PATH} @click=${this.#ask}>${label}</a>`;
    const text =
      problem.code === 'email_not_verified'
        ? 'Verify your email address before commenting.'
        : problem.code === 'banned'
          ? 'This account is banned: it can read comments but not write them.'
          : problem.text;
    return html`<p class="error" role="alert">
      ${text}${problem.code === 'unauthorized' ? link('Sign in') : nothing}${
        problem.code === 'email_not_verified' ? link('Enter the code we mailed you') : nothing
      }
    </p>`;
  }

  #composer(key: Key, label: string, submit: string, cancel: boolean): TemplateResult {
    const text = this.#drafts.get(key) ?? '';
    const previewing = this.previewing === key;
    return html`<form
      data-key=${key}
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        void this.#submit(key);
      }}
    >
      <label
        >${label}
        <textarea
          name="body"
          rows="4"
          maxlength="10000"
          .value=${text}
          ?hidden=${previewing}
          @input=${(event: InputEvent) => {
            if (event.target instanceof HTMLTextAreaElement) this.#drafts.set(key, event.target.value);
          }}
        ></textarea>
      </label>
      ${previewing ? html`<div class="plain preview">${text || 'Nothing to preview yet.'}</div>` : nothing}
      ${this.#problem(key)}
      <div class="actions">
        <button type="submit">${submit}</button>
        <button type="button" aria-pressed=${previewing} @click=${() => (this.previewing = previewing ? null : key)}>
          Preview
        </button>
        ${cancel ? html`<button type="button" @click=${this.#closeForm}>Cancel</button>` : nothing}
        <span class="hint">Markdown works. The preview shows your text as typed.</span>
      </div>
    </form>`;
  }

  #gate(): TemplateResult {
    const user = this.user;
    if (user?.emailVerified) return this.#composer('n', 'Add a comment', 'Post comment', false);
    const ask = (label: string) => html`<a href=${ACCOUNT_PATH} @click=${this.#ask}>${label}</a>`;
    return html`<p class="gate">
        ${
          user
            ? html`Verify your email address to comment: we mailed a code to ${user.email}.
            ${ask('Enter the code or get a new one')}.`
            : html`${ask('Sign in')} to comment.`
        }
      </p>
      ${this.#problem('n')}`;
  }

  #comment(comment: Comment, thread: CommentThread): TemplateResult {
    const user = this.user;
    const id = comment.id;
    const pending = this.#pending.has(id) || id < 0;
    const own = user?.id === comment.author.id;
    const key = `e${id}`;
    const editable =
      own &&
      comment.bodyMarkdown !== undefined &&
      comment.editableUntil !== undefined &&
      Date.now() < Date.parse(comment.editableUntil) &&
      !pending;
    return html`<article class="comment">
      <p class="by">
        <strong>${comment.author.name}</strong> · <time datetime=${comment.createdAt}>${when(comment.createdAt)}</time
        >${comment.editedAt ? ' · edited' : ''}${pending ? ' · saving…' : ''}
      </p>
      ${
        this.open === key
          ? this.#composer(key, 'Edit your comment', 'Save', true)
          : pending
            ? html`<div class="plain body">${comment.bodyMarkdown}</div>`
            : comment.status === 'visible'
              ? html`<div class="body">${unsafeHTML(comment.bodyHtml)}</div>`
              : html`<p class="muted">This comment was hidden by a moderator.</p>`
      }
      ${
        pending || this.open === key
          ? nothing
          : html`<div class="actions">
            ${
              user?.emailVerified && thread.status === 'visible' && thread.id > 0
                ? html`<button type="button" @click=${() => this.#openForm(`r${thread.id}`)}>Reply</button>`
                : nothing
            }
            ${editable ? html`<button type="button" @click=${() => this.#openForm(key, comment.bodyMarkdown)}>Edit</button>` : nothing}
            ${
              own || user?.role === 'admin'
                ? this.confirming === id
                  ? html`<span>Delete this comment${comment.parentId === null ? ' and its replies' : ''}?</span>
                    <button type="button" @click=${() => this.#delete(id)}>Yes, delete</button>
                    <button type="button" @click=${() => (this.confirming = null)}>Keep it</button>`
                  : html`<button type="button" @click=${() => (this.confirming = id)}>Delete</button>`
                : nothing
            }
          </div>`
      }
      ${this.#problem(`c${id}`)}
    </article>`;
  }

  override render() {
    if (this.total === undefined) {
      return html`<slot></slot>
        <p class=${this.loadError ? 'error' : 'muted'} role="status">
          ${this.loadError || (this.loading ? 'Loading comments…' : '')}
          ${this.loadError ? html`<button type="button" @click=${() => this.#load(false)}>Try again</button>` : nothing}
        </p>`;
    }
    return html`<p class="count" role="status">${commentsLabel(this.total)}</p>
      ${this.#gate()}
      <ol class="threads">
        ${this.threads.map(
          (thread) => html`<li>
            ${this.#comment(thread, thread)}
            ${
              thread.replies.length > 0
                ? html`<ol class="replies">
                  ${thread.replies.map((reply) => html`<li>${this.#comment(reply, thread)}</li>`)}
                </ol>`
                : nothing
            }
            ${this.open === `r${thread.id}` ? this.#composer(`r${thread.id}`, 'Your reply', 'Post reply', true) : nothing}
          </li>`,
        )}
      </ol>
      ${
        this.cursor
          ? html`<button class="more" type="button" ?disabled=${this.loading} @click=${() => this.#load(true)}>
            ${this.loading ? 'Loading…' : 'Load more comments'}
          </button>`
          : nothing
      }
      ${this.loadError ? html`<p class="error" role="alert">${this.loadError}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'blog-comments': BlogComments;
  }
}
