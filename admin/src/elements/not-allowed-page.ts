import type { Me } from '@blog/contract';
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { shared } from '../styles.js';

/**
 * What a signed-in reader sees: the admin area is for authors and admins only.
 *
 * @event sign-out - The user asked to sign out (to sign in with another account).
 */
@customElement('not-allowed-page')
export class NotAllowedPage extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        max-width: 32rem;
        margin: 3rem auto;
        padding: 0 1rem;
      }
    `,
  ];

  @property({ attribute: false }) user: Me | null = null;

  override render() {
    return html`
      <h1 tabindex="-1">Not allowed</h1>
      <p class="notice bad">
        You are signed in as <strong>${this.user?.email ?? 'someone'}</strong>, a reader account. The admin area is only for
        authors and admins.
      </p>
      <div class="actions">
        <button type="button" @click=${() => this.dispatchEvent(new Event('sign-out', { bubbles: true, composed: true }))}>
          Sign out and use another account
        </button>
        <a href="/">Back to the blog</a>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'not-allowed-page': NotAllowedPage;
  }
  interface HTMLElementEventMap {
    'sign-out': Event;
  }
}
