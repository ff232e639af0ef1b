import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { commentsLabel } from '../lib/format';
import { CountBatcher, countsFromApi } from './comment-counts';

/** Every <comment-count> on the page shares this batcher, so a listing page sends one request. */
const pageBatcher = new CountBatcher(countsFromApi());

/**
 * A post's live comment count. Its children are the build-time text ("3 comments"), shown
 * until the live count arrives and kept if the API cannot be reached.
 *
 * @slot - The build-time count.
 */
@customElement('comment-count')
export class CommentCount extends LitElement {
  static override styles = css`
    :host {
      display: inline;
    }
  `;

  /** The post whose visible comments are counted. */
  @property({ type: Number, attribute: 'post-id' })
  postId = 0;

  @state()
  private count: number | undefined;

  /** Where counts come from; the page's shared batcher unless a test gives another. */
  batcher: CountBatcher = pageBatcher;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#load();
  }

  override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('postId') && changed.get('postId') !== undefined) this.#load();
  }

  #load(): void {
    const postId = this.postId;
    if (!Number.isInteger(postId) || postId <= 0) return;
    void this.batcher.count(postId).then((count) => {
      if (count !== undefined && postId === this.postId) this.count = count;
    });
  }

  override render() {
    return this.count === undefined ? html`<slot></slot>` : html`${commentsLabel(this.count)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'comment-count': CommentCount;
  }
}
