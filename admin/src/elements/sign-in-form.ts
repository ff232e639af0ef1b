import type { Me } from '@blog/contract';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { shared } from '../styles.js';

/**
 * The admin's own sign-in form (the same session cookie as the site).
 *
 * @event signed-in - After a successful sign-in; `detail` is the account.
 */
@customElement('sign-in-form')
export class SignInForm extends LitElement {
  static override styles = [
    shared,
    css`
      :host {
        max-width: 24rem;
        margin: 3rem auto;
        padding: 0 1rem;
      }
      form {
        display: grid;
        gap: 1rem;
      }
      input {
        width: 100%;
      }
    `,
  ];

  @state() private error: string | null = null;
  @state() private busy = false;

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target instanceof HTMLFormElement ? event.target : null;
    if (!form) return;
    const data = new FormData(form);
    this.busy = true;
    this.error = null;
    try {
      const { user } = await api.login(String(data.get('email') ?? ''), String(data.get('password') ?? ''));
      this.dispatchEvent(new CustomEvent('signed-in', { detail: user, bubbles: true, composed: true }));
    } catch (error) {
      this.error = errorText(error);
      this.busy = false;
    }
  }

  override render() {
    return html`
      <h1 tabindex="-1">Sign in to the admin</h1>
      <p>For authors and admins of this blog.</p>
      <form @submit=${this.submit}>
        <label>Email <input type="email" name="email" autocomplete="username" required /></label>
        <label>Password <input type="password" name="password" autocomplete="current-password" required /></label>
        <div role="alert">${this.error ? html`<p class="error">${this.error}</p>` : nothing}</div>
        <button type="submit" class="primary" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      <p><a href="/">Back to the blog</a></p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sign-in-form': SignInForm;
  }
  interface HTMLElementEventMap {
    'signed-in': CustomEvent<Me>;
  }
}
