import { COMMENT_PAGE_SIZE, COMMENT_SORTS, type CommentSort, DEFAULT_COMMENT_SORT } from '@blog/contract/comment-order';
import { html, LitElement, nothing, svg, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { AVATAR_SIZE, avatarColour, initialsOf } from '../lib/avatar';
import { commentAnchor, commentPagePath, SORT_LABELS } from '../lib/comments';
import { commentDate, commentsLabel, likeButtonLabel } from '../lib/format';
import { ACCOUNT_PATH } from '../lib/routes';
import { api, errorText } from './api';
import type { CommentsHost, Key, Problem } from './comments-host';
import { type AuthChangedDetail, currentUser, requestAccount, type User } from './session';
import type { Comment, CommentThread, CommentViewer, StaticCommentPage } from './types';

const SORT_KEY = 'blog-comments-sort';

const isSort = (value: unknown): value is CommentSort => COMMENT_SORTS.some((sort) => sort === value);

/** localStorage, or null where it is refused (private modes, blocked cookies). */
function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const noViewer: CommentViewer = { liked: [], own: [], pending: [], canPin: false, canModerate: false, total: 0 };

/**
 * A post's comments. On a post page the first page of threads is already in the HTML (the build
 * rendered it, with its JSON beside it): this element takes that markup over without fetching it
 * again, reads further pages and other orders from the static JSON files next to the page, and
 * asks the API only for what depends on the reader (their likes, their comments still open to
 * editing) and for writes. Where no static page exists (a page rendered on demand) it reads the
 * API's pages instead. Renders into the light DOM, with the site's stylesheet, so the markup it
 * draws is the markup the page had. Comment bodies are sanitised HTML from the API; everything the
 * reader types is shown as text (or as the API's own preview of it).
 */
@customElement('blog-comments')
export class BlogComments extends LitElement implements CommentsHost {
  /** The post's id, for /api/posts/{id}/comments. */
  @property({ type: Number, attribute: 'post-id' })
  postId = 0;

  /** The post's slug: where its static comment pages are. */
  @property({ attribute: 'post-slug' })
  postSlug = '';

  /** No new comments (the post's author closed them). */
  @property({ type: Boolean })
  closed = false;

  @state() user: User | null = null;
  @state() viewer: CommentViewer = noViewer;
  @state() sort: CommentSort = DEFAULT_COMMENT_SORT;
  @state() threads: CommentThread[] = [];
  /** The reader's new threads while later pages are unread (they belong after those). */
  @state() fresh: CommentThread[] = [];
  /** The post's visible comments; undefined until the first page arrives. */
  @state() total: number | undefined;
  /** The next page: a static page's path, or the API's cursor (`api:<cursor>`). */
  @state() next: string | null = null;
  @state() private loading = false;
  @state() private loadError = '';
  /** The open reply or edit form. */
  @state() open: Key | null = null;
  /** The comment whose deletion awaits confirmation. */
  @state() confirming: number | null = null;

  readonly problems = new Map<Key, Problem>();
  readonly retry = new Map<Key, string>();
  readonly replyTo = new Map<Key, Comment>();
  readonly pending = new Set<number>();
  tempId = 0;
  /** Only the latest load may write its answer. */
  #loadSeq = 0;
  /** Static pages are missing (a page rendered on demand): read the API's pages. */
  #apiOnly = false;
  #tookOver = false;

  readonly #onAuthChanged = (event: CustomEvent<AuthChangedDetail>) => {
    this.user = event.detail.user;
    this.problems.clear();
    this.open = this.confirming = null;
    void this.#loadViewer();
  };

  /** Light DOM: the page's stylesheet styles the static markup and this element's alike. */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('blog-auth-changed', this.#onAuthChanged);
    const wanted = storage()?.getItem(SORT_KEY);
    const embedded = this.#embeddedPage();
    if (embedded) this.#show(embedded, false, embedded.next);
    else this.#apiOnly = true;
    if (isSort(wanted) && wanted !== this.sort) {
      this.sort = wanted;
      void this.#load(false);
    } else if (!embedded) void this.#load(false);
    void currentUser().then((user) => {
      this.user = user;
      void this.#loadViewer();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('blog-auth-changed', this.#onAuthChanged);
  }

  /** The static markup goes in the same task as the first render: nothing is painted in between. */
  protected override update(changed: Map<PropertyKey, unknown>): void {
    if (!this.#tookOver) {
      this.#tookOver = true;
      for (const node of this.querySelectorAll(':scope > [data-static], :scope > script[data-comments]')) node.remove();
    }
    super.update(changed);
  }

  /** The first page the build put into the HTML, when there is one. */
  #embeddedPage(): StaticCommentPage | null {
    const script = this.querySelector(':scope > script[data-comments]');
    if (!script?.textContent) return null;
    try {
      return JSON.parse(script.textContent) as StaticCommentPage;
    } catch {
      return null;
    }
  }

  /** What depends on the reader (signed in: the writing half asks the API once). */
  #loadViewer(): void {
    this.viewer = noViewer;
    if (this.user && this.postId > 0) void this.#act().then((a) => a.loadViewer(this));
  }

  /** The static pages are behind or missing: read the API's pages from now on. */
  readFromApi(): void {
    if (this.#apiOnly) return;
    this.#apiOnly = true;
    void this.#load(false);
  }

  /** Puts a page on screen: the first replaces what is shown, a later one adds its new threads. */
  #show(page: { items: CommentThread[]; total: number }, more: boolean, next: string | null): void {
    const items = page.items;
    if (more) {
      const known = new Set(this.threads.map((thread) => thread.id));
      this.threads = [...this.threads, ...items.filter((thread) => !known.has(thread.id))];
    } else {
      this.threads = items;
    }
    // The reader's new threads take their place once a page brings them.
    const shown = new Set(this.threads.map((thread) => thread.id));
    this.fresh = this.fresh.filter((thread) => !shown.has(thread.id));
    this.total = page.total;
    this.next = next;
  }

  async #load(more: boolean): Promise<void> {
    if (!(this.postId > 0)) return;
    const seq = ++this.#loadSeq;
    this.loading = true;
    this.loadError = '';
    const sort = this.sort;
    try {
      const target = more ? this.next : commentPagePath(this.postSlug, sort, 1);
      if (target === null) return;
      if (!this.#apiOnly && !target.startsWith('api:')) {
        const res = await fetch(target, { headers: { accept: 'application/json' } });
        if (res.ok) {
          const page = (await res.json()) as StaticCommentPage;
          if (seq === this.#loadSeq) this.#show(page, more, page.next);
          return;
        }
        // No static page (rendered on demand, or not written yet): the API has the same pages.
        if (res.status !== 404) throw new Error(`static comments answered ${res.status}`);
        this.#apiOnly = true;
        if (more) {
          // The static pages went (their comments were deleted): read from the start again.
          return void (await this.#load(false));
        }
      }
      const cursor = more && target.startsWith('api:') ? target.slice(4) : undefined;
      const page = await api.call('GET /posts/:idOrSlug/comments', {
        params: { idOrSlug: this.postId },
        query: { limit: COMMENT_PAGE_SIZE, sort, cursor },
      });
      if (seq === this.#loadSeq) this.#show(page, more, page.nextCursor === null ? null : `api:${page.nextCursor}`);
    } catch (error) {
      if (seq === this.#loadSeq) this.loadError = errorText(error);
    } finally {
      if (seq === this.#loadSeq) this.loading = false;
    }
  }

  #changeSort(sort: CommentSort): void {
    if (sort === this.sort) return;
    this.sort = sort;
    storage()?.setItem(SORT_KEY, sort);
    this.fresh = [];
    void this.#load(false);
  }

  #own(id: number) {
    return this.viewer.own.find((entry) => entry.id === id);
  }

  /** The writing half (forms, comments, edits, deletions, likes, pins), loaded on first use. */
  #actions: Promise<typeof import('./comment-actions')> | null = null;
  #mod: typeof import('./comment-actions') | null = null;
  #act(): Promise<typeof import('./comment-actions')> {
    this.#actions ??= import('./comment-actions').then((mod) => {
      this.#mod = mod;
      this.requestUpdate();
      return mod;
    });
    return this.#actions;
  }

  #like(comment: Comment, event: Event): void {
    if (this.user) {
      void this.#act().then((a) => a.toggleLike(this, comment));
      return;
    }
    this.ask(event);
  }

  /** Opens the account dialog at sign-in (a link's own navigation is the fallback without one). */
  ask(event: Event): void {
    if (requestAccount('signin')) event.preventDefault();
  }

  /** What went wrong with form `key` (problems come from the writing half only). */
  #problem(key: Key) {
    return this.#mod ? this.#mod.problem(this, key) : nothing;
  }

  /** A form and what went wrong with it (the writing half draws the form). */
  #composer(key: Key, label: string, submit: string, opts: { value?: string; replyTo?: Comment } = {}) {
    return html`${this.#mod ? this.#mod.composer(this, key, label, submit, opts) : nothing}${this.#problem(key)}`;
  }

  #gate(): TemplateResult {
    const user = this.user;
    if (this.closed) return html`<p class="gate">Comments are closed.</p>`;
    if (user?.emailVerified) return this.#composer('n', 'Add a comment', 'Post comment');
    return html`<p class="gate">
        <a href=${ACCOUNT_PATH} @click=${(event: Event) => this.ask(event)}>${user ? 'Verify your email address' : 'Sign in'}</a>
        to comment.
      </p>
      ${this.#problem('n')}`;
  }

  #avatar(author: Comment['author']): TemplateResult {
    if (author.avatarUrl) {
      return html`<img class="avatar" src=${author.avatarUrl} width=${AVATAR_SIZE} height=${AVATAR_SIZE} alt="" loading="lazy" />`;
    }
    return html`<svg class="avatar" width=${AVATAR_SIZE} height=${AVATAR_SIZE} viewBox="0 0 40 40" aria-hidden="true">
      ${svg`<rect width="40" height="40" rx="20" fill=${avatarColour(author.id)} /><text x="20" y="20" dy="0.35em" text-anchor="middle">${initialsOf(author.name)}</text>`}
    </svg>`;
  }

  /** One comment: the same markup as the static page's CommentItem.astro, plus the reader's actions. */
  #comment(comment: Comment, thread: CommentThread): TemplateResult {
    const user = this.user;
    const id = comment.id;
    const pending = this.pending.has(id) || id < 0;
    const own = user?.id === comment.author.id;
    const key = `e${id}`;
    const mine = this.#own(id);
    const editable = own && mine !== undefined && Date.now() < Date.parse(mine.editableUntil) && !pending;
    const hidden = comment.status === 'hidden';
    const liked = this.viewer.liked.includes(id);
    return html`<article class="comment">
      ${this.#avatar(comment.author)}
      <div class="comment-main">
        <p class="by">
          <strong>${comment.author.name}</strong> ·
          <a class="when" href=${`#${commentAnchor(id)}`}
            ><time datetime=${comment.createdAt}
              >${commentDate(comment.createdAt)}</time
            ></a
          >${comment.editedAt ? ' · edited' : ''}${comment.pinnedAt ? html` · <span class="pin">Pinned</span>` : nothing}${
            pending ? ' · saving…' : comment.status === 'pending' ? ' · waiting for approval' : ''
          }
        </p>
        ${
          this.open === key
            ? this.#composer(key, 'Edit your comment', 'Save', { value: mine?.bodyMarkdown ?? '' })
            : pending
              ? html`<div class="plain body">${comment.bodyMarkdown}</div>`
              : hidden
                ? html`<p class="muted">This comment was hidden by a moderator.</p>`
                : html`<div class="body">${unsafeHTML(comment.bodyHtml)}</div>`
        }
        ${
          hidden || this.open === key
            ? nothing
            : html`<div class="actions">
              <button
                class="like"
                type="button"
                aria-pressed=${liked ? 'true' : 'false'}
                aria-label=${likeButtonLabel(comment.likesCount)}
                ?disabled=${pending || own}
                title=${own ? 'Your own comment' : liked ? 'Unlike' : 'Like'}
                @click=${(event: Event) => this.#like(comment, event)}
              >
                <span aria-hidden="true">♥</span> <span class="n">${comment.likesCount}</span>
              </button>
              ${pending || !this.#mod ? nothing : this.#mod.buttons(this, comment, thread, { own, editable, key })}
            </div>`
        }
        ${this.#problem(`c${id}`)}
      </div>
    </article>`;
  }

  #threadItem(thread: CommentThread): TemplateResult {
    const key = `r${thread.id}`;
    const to = this.replyTo.get(key) ?? thread;
    return html`<li class=${thread.pinnedAt ? 'thread pinned' : 'thread'} id=${commentAnchor(thread.id)}>
      ${this.#comment(thread, thread)}
      ${
        thread.replies.length > 0
          ? html`<ol class="replies">
            ${thread.replies.map((reply) => html`<li id=${commentAnchor(reply.id)}>${this.#comment(reply, thread)}</li>`)}
          </ol>`
          : nothing
      }
      ${this.open === key ? this.#composer(key, 'Your reply', 'Post reply', { replyTo: to }) : nothing}
    </li>`;
  }

  override render() {
    const total = this.total;
    if (total === undefined) {
      return html`<div class="cmts">
        <p class=${this.loadError ? 'error' : 'muted'} role="status">
          ${this.loadError || (this.loading ? 'Loading comments…' : '')}
          ${this.loadError ? html`<button type="button" @click=${() => this.#load(false)}>Try again</button>` : nothing}
        </p>
      </div>`;
    }
    return html`<div class="cmts">
      <div class="cmts-bar">
        <p class="count" role="status">${commentsLabel(total)}</p>
        <label class="sort"
          >Sort by
          <select
            @change=${(event: Event) => {
              const value = event.target instanceof HTMLSelectElement ? event.target.value : '';
              if (isSort(value)) this.#changeSort(value);
            }}
          >
            ${COMMENT_SORTS.map((sort) => html`<option value=${sort} ?selected=${sort === this.sort}>${SORT_LABELS[sort]}</option>`)}
          </select>
        </label>
      </div>
      ${this.#gate()}
      <ol class="threads">
        ${this.threads.map((thread) => this.#threadItem(thread))} ${this.fresh.map((thread) => this.#threadItem(thread))}
      </ol>
      ${
        this.next
          ? html`<button class="more" type="button" ?disabled=${this.loading} @click=${() => this.#load(true)}>
            ${this.loading ? 'Loading…' : 'Load more comments'}
          </button>`
          : nothing
      }
      ${this.loadError ? html`<p class="error" role="alert">${this.loadError}</p>` : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'blog-comments': BlogComments;
  }
}
