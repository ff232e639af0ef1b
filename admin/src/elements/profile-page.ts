import type { AuthorProfile } from '@blog/contract';
import { html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { formPanel, shared } from '../styles.js';

/** Your author page (authors and admins): its address and bio, as /authors/<slug>/ shows them. */
@customElement('profile-page')
export class ProfilePage extends LitElement {
  static override styles = [shared, formPanel];

  @state() private profile: AuthorProfile | null = null;
  @state() private slug = '';
  @state() private bio = '';
  @state() private loadError: string | null = null;
  @state() private message: { text: string; bad: boolean } | null = null;
  @state() private busy = false;

  override connectedCallback() {
    super.connectedCallback();
    api
      .ownAuthorPage()
      .then((profile) => this.show(profile))
      .catch((error: unknown) => {
        this.loadError = errorText(error);
      });
  }

  private show(profile: AuthorProfile) {
    this.profile = profile;
    this.slug = profile.slug;
    this.bio = profile.bio;
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const profile = this.profile;
    if (!profile) return;
    this.busy = true;
    this.message = null;
    try {
      const slug = this.slug.trim();
      const saved = await api.updateOwnAuthorPage({
        bio: this.bio,
        ...(slug && slug !== profile.slug ? { slug } : {}),
      });
      this.show(saved);
      this.message = {
        text:
          saved.postsCount > 0
            ? `Saved. Your page, /authors/${saved.slug}/, is rebuilt in the background.`
            : `Saved. Your page, /authors/${saved.slug}/, appears with your first published post.`,
        bad: false,
      };
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const profile = this.profile;
    return html`
      <h1 tabindex="-1">Your author page</h1>
      ${this.loadError ? html`<p class="notice bad" role="alert">${this.loadError}</p>` : nothing}
      ${
        profile
          ? html`<p class="hint">
                Every byline on the site links to your page: your name, avatar, this bio and your posts
                (${profile.postsCount} published).
                ${profile.postsCount > 0 ? html`<a href="/authors/${profile.slug}/">View it on the site</a>` : nothing}
              </p>
              <form @submit=${this.save} aria-label="Your author page">
                <label>
                  Address
                  <input
                    name="slug"
                    required
                    maxlength="100"
                    pattern="[a-z0-9]+(-[a-z0-9]+)*"
                    aria-describedby="author-slug-hint"
                    .value=${this.slug}
                    @input=${(e: Event) => (this.slug = (e.target as HTMLInputElement).value)}
                  />
                  <span class="hint" id="author-slug-hint">/authors/<em>address</em>/ — lower-case letters, digits and hyphens.</span>
                </label>
                <label class="wide">
                  Bio
                  <textarea
                    name="bio"
                    maxlength="500"
                    rows="4"
                    .value=${this.bio}
                    @input=${(e: Event) => (this.bio = (e.target as HTMLTextAreaElement).value)}
                  ></textarea>
                </label>
                <div class="actions wide">
                  <button type="submit" class="primary" ?disabled=${this.busy}>Save author page</button>
                </div>
              </form>`
          : this.loadError
            ? nothing
            : html`<p role="status">Loading…</p>`
      }
      <div role="status" aria-live="polite">
        ${this.message ? html`<p class="notice ${this.message.bad ? 'bad' : 'good'}">${this.message.text}</p>` : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'profile-page': ProfilePage;
  }
}
