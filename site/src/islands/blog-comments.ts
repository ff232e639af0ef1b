import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/**
 * A post's comments: the live thread and the comment form.
 *
 * For now it upgrades and keeps its build-time fallback (the count and a note that
 * comments need JavaScript); the thread, replies and the form come in the islands' work.
 *
 * @slot - The build-time fallback.
 */
@customElement('blog-comments')
export class BlogComments extends LitElement {
  /** The post's id, for /api/posts/{id}/comments. */
  @property({ type: Number, attribute: 'post-id' })
  postId = 0;

  /** The post's slug, for links back to the post. */
  @property({ attribute: 'post-slug' })
  postSlug = '';

  override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'blog-comments': BlogComments;
  }
}
