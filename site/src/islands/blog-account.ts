import { html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/**
 * The reader's account: a sign-in button or the signed-in menu in the header, the full
 * sign-in, sign-up and verification forms on the account page.
 *
 * For now it upgrades and keeps its build-time fallback (a link to the account page);
 * the forms come in the islands' work.
 *
 * @slot - The build-time fallback.
 */
@customElement('blog-account')
export class BlogAccount extends LitElement {
  /** `menu` in the header, `page` on the account page. */
  @property({ reflect: true })
  view: 'menu' | 'page' = 'menu';

  override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'blog-account': BlogAccount;
  }
}
