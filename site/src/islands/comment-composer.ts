import { MAX_COMMENT_LENGTH } from '@blog/contract/comment-order';
import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { api, errorText } from './api';

/** The character counter shows from this length on. */
const COUNTER_FROM = Math.floor(MAX_COMMENT_LENGTH * 0.9);

/** sessionStorage, where the forms keep their drafts (null where it is refused). */
export function drafts(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** Detail of `compose-submit`: the text to post (trimmed), and what the spam rules look at. */
export interface ComposeSubmitDetail {
  text: string;
  /** The honeypot's content: empty unless a bot filled in every field. */
  website: string;
  /** How long the form was open before this submission. */
  elapsedMs: number;
}

/**
 * The form to write a comment, a reply or an edit, loaded by <blog-comments> only for a reader
 * who can write (anonymous readers never download it): the text (kept in sessionStorage under
 * `draft-key` until posted), Ctrl/Cmd+Enter to post, a counter near the limit, and a preview
 * rendered by the API's own Markdown pipeline. Fires `compose-submit` and `compose-cancel`; the
 * host posts and calls `clear()` or `restore()`. Light DOM: the site's stylesheet styles it.
 */
@customElement('comment-composer')
export class CommentComposer extends LitElement {
  @property() label = '';
  /** Who a reply answers: "Replying to @name", linked to the comment's anchor. */
  @property({ attribute: false }) replyTo: { anchor: string; name: string } | null = null;
  @property({ attribute: 'submit-label' }) submitLabel = 'Post';
  @property({ type: Boolean }) cancel = false;
  /** The sessionStorage key of the draft ('' keeps none: an edit starts from the comment). */
  @property({ attribute: 'draft-key' }) draftKey = '';
  /** The starting text (an edit's Markdown). */
  @property() value = '';

  @state() private text = '';
  @state() private previewing = false;
  @state() private previewHtml = '';
  @state() private previewError = '';

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** When the form opened (or was last emptied): the API refuses a comment sent within seconds. */
  #openedAt = Date.now();

  override connectedCallback(): void {
    super.connectedCallback();
    this.#openedAt = Date.now();
    this.text = (this.draftKey && drafts()?.getItem(this.draftKey)) || this.value;
  }

  /** After a post: empty, the draft forgotten. */
  clear(): void {
    this.#set('');
    this.previewing = false;
    this.#openedAt = Date.now();
  }

  /** After a refusal: the text back, to fix and post again. */
  restore(text: string): void {
    this.#set(text);
  }

  override async focus(): Promise<void> {
    await this.updateComplete;
    this.querySelector('textarea')?.focus();
  }

  #set(text: string): void {
    this.text = text;
    const box = this.querySelector('textarea');
    if (box) box.value = text;
    const store = drafts();
    if (store && this.draftKey) {
      if (text) store.setItem(this.draftKey, text);
      else store.removeItem(this.draftKey);
    }
  }

  #submit(): void {
    const website = this.querySelector<HTMLInputElement>('input[name="website"]')?.value ?? '';
    const detail = { text: this.text.trim(), website, elapsedMs: Date.now() - this.#openedAt };
    this.dispatchEvent(new CustomEvent<ComposeSubmitDetail>('compose-submit', { detail }));
    this.previewing = false;
  }

  async #preview(): Promise<void> {
    this.previewing = !this.previewing;
    this.previewHtml = this.previewError = '';
    if (!this.previewing || !this.text.trim()) return;
    const text = this.text;
    try {
      const { bodyHtml } = await api.call('POST /comments/preview', { body: { body: text } });
      if (this.previewing && this.text === text) this.previewHtml = bodyHtml;
    } catch (error) {
      this.previewError = errorText(error);
    }
  }

  override render() {
    const left = MAX_COMMENT_LENGTH - this.text.length;
    return html`<form
      class="composer"
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        this.#submit();
      }}
    >
      <label
        >${this.replyTo ? html`Replying to <a href=${`#${this.replyTo.anchor}`}>@${this.replyTo.name}</a>` : this.label}
        <textarea
          name="body"
          rows="4"
          maxlength=${MAX_COMMENT_LENGTH}
          .value=${this.text}
          ?hidden=${this.previewing}
          @input=${(event: InputEvent) => {
            if (event.target instanceof HTMLTextAreaElement) this.#set(event.target.value);
          }}
          @keydown=${(event: KeyboardEvent) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              this.#submit();
            }
          }}
        ></textarea>
      </label>
      ${
        this.previewing
          ? html`<div class="body preview" aria-live="polite">
            ${
              this.previewError
                ? html`<p class="error">${this.previewError}</p>`
                : this.text.trim()
                  ? this.previewHtml
                    ? unsafeHTML(this.previewHtml)
                    : 'Rendering the preview…'
                  : 'Nothing to preview yet.'
            }
          </div>`
          : nothing
      }
      <p class="hp" aria-hidden="true">
        <label>Leave this empty <input name="website" tabindex="-1" autocomplete="off" /></label>
      </p>
      <div class="actions">
        <button type="submit">${this.submitLabel}</button>
        <button type="button" aria-pressed=${this.previewing} @click=${() => this.#preview()}>Preview</button>
        ${
          this.cancel
            ? html`<button type="button" @click=${() => this.dispatchEvent(new Event('compose-cancel'))}>Cancel</button>`
            : nothing
        }
        <span class="hint" aria-live="polite"
          >${this.text.length >= COUNTER_FROM ? `${left.toLocaleString('en')} characters left. ` : ''}Markdown works;
          Ctrl+Enter posts.</span
        >
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'comment-composer': CommentComposer;
  }
  interface HTMLElementEventMap {
    'compose-submit': CustomEvent<ComposeSubmitDetail>;
  }
}
