import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, errorText } from './api';

/**
 * "Notify me of new comments": a signed-in, verified reader's subscription to a post's new
 * comments (mails, as digests, each with a one-click unsubscribe). Part of the writing half of
 * <blog-comments> (comment-actions.ts draws it under the new-comment form), so a reader who only
 * reads never downloads it. Asks the API for the state once, then PUT/DELETE on change. Light
 * DOM: the site's stylesheet styles it.
 */
@customElement('comment-notify')
export class CommentNotify extends LitElement {
  @property({ type: Number, attribute: 'post-id' }) postId = 0;

  /** null until the API answered. */
  @state() private subscribed: boolean | null = null;
  @state() private busy = false;
  @state() private problem = '';
  @state() private unavailable = false;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.postId > 0) void this.#load();
  }

  async #load(): Promise<void> {
    try {
      const state = await api.call('GET /posts/:idOrSlug/subscription', { params: { idOrSlug: this.postId } });
      this.subscribed = state.subscribed;
    } catch {
      // Nothing to offer (a banned account, the API unreachable): the comment form says the rest.
      this.unavailable = true;
    }
  }

  async #toggle(event: Event): Promise<void> {
    const box = event.target instanceof HTMLInputElement ? event.target : null;
    if (!box) return;
    const want = box.checked;
    this.busy = true;
    this.problem = '';
    try {
      const route = want ? 'PUT /posts/:idOrSlug/subscription' : 'DELETE /posts/:idOrSlug/subscription';
      this.subscribed = (await api.call(route, { params: { idOrSlug: this.postId } })).subscribed;
    } catch (error) {
      box.checked = !want;
      this.problem = errorText(error);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (this.unavailable) return nothing;
    return html`<p class="comment-notify">
        <label>
          <input
            type="checkbox"
            .checked=${this.subscribed === true}
            ?disabled=${this.subscribed === null || this.busy}
            @change=${(event: Event) => this.#toggle(event)}
          />
          Notify me of new comments by email
        </label>
      </p>
      ${this.problem ? html`<p class="problem" role="alert">${this.problem}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'comment-notify': CommentNotify;
  }
}
