import type { SubscriptionKind, SubscriptionOut } from '@blog/contract/subscriptions';
import { html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { api, errorText } from './api';
import { currentUser, type User } from './session';

// The post's path as lib/routes.ts's postPath() writes it, spelled out here: importing routes.ts
// from this entry too would split it into a chunk of its own that the comments island, at its
// byte budget, would then load separately.
const postPath = (slug: string) => `/posts/${encodeURIComponent(slug)}/`;

const LABELS: Record<SubscriptionKind, string> = {
  post: 'New comments on',
  site: 'New posts (the newsletter)',
  replies: 'Replies to your comments',
  moderation: 'Comments waiting for approval',
};

/**
 * A signed-in reader's mail subscriptions on the account page: each one with a button to stop it,
 * and the newsletter toggle. Nothing for a signed-out reader (it follows `blog-auth-changed`).
 * Light DOM: the site's stylesheet styles it.
 */
@customElement('account-subscriptions')
export class AccountSubscriptions extends LitElement {
  @state() private user: User | null = null;
  @state() private items: SubscriptionOut[] | null = null;
  @state() private problem = '';
  @state() private busy = false;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  readonly #onAuth = (event: CustomEvent<{ user: User | null }>) => {
    this.user = event.detail.user;
    void this.#load();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('blog-auth-changed', this.#onAuth);
    void currentUser().then((user) => {
      this.user = user;
      return this.#load();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('blog-auth-changed', this.#onAuth);
  }

  async #load(): Promise<void> {
    if (!this.user) {
      this.items = null;
      return;
    }
    try {
      this.items = (await api.call('GET /subscriptions')).items;
      this.problem = '';
    } catch (error) {
      this.problem = errorText(error);
    }
  }

  async #run(work: () => Promise<unknown>): Promise<void> {
    this.busy = true;
    try {
      await work();
      await this.#load();
    } catch (error) {
      this.problem = errorText(error);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (!this.user || !this.items) return this.problem ? html`<p role="alert">${this.problem}</p>` : nothing;
    const active = this.items.filter((item) => item.active);
    const newsletter = active.some((item) => item.kind === 'site');
    return html`<section class="account-subscriptions" aria-labelledby="subscriptions-h">
      <h2 id="subscriptions-h">Mails you get</h2>
      ${
        active.length === 0
          ? html`<p>None at the moment.</p>`
          : html`<ul>
              ${active.map(
                (item) => html`<li>
                  ${LABELS[item.kind]}
                  ${item.post ? html`<a href=${postPath(item.post.slug)}>${item.post.title}</a>` : nothing}
                  <button
                    type="button"
                    ?disabled=${this.busy}
                    @click=${() => this.#run(() => api.call('DELETE /subscriptions/:id', { params: { id: item.id } }))}
                  >
                    Stop
                  </button>
                </li>`,
              )}
            </ul>`
      }
      ${
        this.user.emailVerified
          ? html`<p>
              <button
                type="button"
                ?disabled=${this.busy}
                @click=${() =>
                  this.#run(() =>
                    api.call(newsletter ? 'DELETE /newsletter/subscription' : 'PUT /newsletter/subscription'),
                  )}
              >
                ${newsletter ? 'Stop the newsletter' : 'Get new posts by email'}
              </button>
            </p>`
          : nothing
      }
      ${this.problem ? html`<p role="alert">${this.problem}</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'account-subscriptions': AccountSubscriptions;
  }
}
