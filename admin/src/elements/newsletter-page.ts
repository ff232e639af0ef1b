import type { AdminNewsletter } from '@blog/contract';
import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { formatDate } from '../format.js';
import { href } from '../router.js';
import { shared } from '../styles.js';

/** The newsletter: subscriber counts and the latest sends with their recipients' delivery states. */
@customElement('newsletter-page')
export class NewsletterPage extends LitElement {
  static override styles = [
    shared,
    css`
      dl {
        display: grid;
        grid-template-columns: auto auto;
        justify-content: start;
        gap: 0.25rem 1.5rem;
        margin: 0 0 1.5rem;
      }
      dt {
        color: var(--muted);
      }
      dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
      }
      table {
        border-collapse: collapse;
        width: 100%;
      }
      th,
      td {
        text-align: left;
        padding: 0.4rem 0.6rem;
        border-bottom: 1px solid var(--border);
      }
      td.n,
      th.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @state() private data: AdminNewsletter | null = null;
  @state() private error: string | null = null;

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.data = await api.newsletter();
      this.error = null;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  // One heading element in every state: focus put on it by the app stays there.
  override render() {
    return html`<h1 tabindex="-1">Newsletter</h1>
      ${this.renderBody()}`;
  }

  private renderBody() {
    if (this.error) {
      return html`<p class="notice bad" role="alert">${this.error}</p>
        <button type="button" @click=${() => this.load()}>Try again</button>`;
    }
    const data = this.data;
    if (!data) return html`<p role="status">Loading…</p>`;
    const { subscribers, sends } = data;
    return html`
      <h2>Subscribers</h2>
      <dl>
        <dt>Confirmed</dt><dd data-stat="confirmed">${subscribers.confirmed}</dd>
        <dt>Waiting for confirmation</dt><dd data-stat="pending">${subscribers.pending}</dd>
        <dt>Unsubscribed</dt><dd data-stat="unsubscribed">${subscribers.unsubscribed}</dd>
      </dl>
      <h2>Sends</h2>
      ${
        sends.length === 0
          ? html`<p>No post has been mailed yet: publishing a post mails it to the confirmed subscribers.</p>`
          : html`<table>
              <caption class="hint">The latest posts mailed, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Post</th>
                  <th scope="col">Published</th>
                  <th scope="col" class="n">Recipients</th>
                  <th scope="col" class="n">Sent</th>
                  <th scope="col" class="n">Queued</th>
                  <th scope="col" class="n">Retrying</th>
                  <th scope="col" class="n">Failed</th>
                </tr>
              </thead>
              <tbody>
                ${sends.map(
                  (send) => html`<tr>
                    <th scope="row">
                      ${send.postId ? html`<a href=${href({ name: 'post', id: send.postId })}>${send.title}</a>` : send.title}
                    </th>
                    <td>${formatDate(send.createdAt)}</td>
                    <td class="n">${send.recipients}</td>
                    <td class="n">${send.sent}</td>
                    <td class="n">${send.queued}</td>
                    <td class="n">${send.retried}</td>
                    <td class="n">${send.failed}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
      }
      <p><button type="button" @click=${() => this.load()}>Refresh</button></p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'newsletter-page': NewsletterPage;
  }
}
