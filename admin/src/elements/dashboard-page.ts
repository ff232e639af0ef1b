import type { AdminStats, RecountResult } from '@blog/contract';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { formatDate, formatDuration } from '../format.js';
import { href } from '../router.js';
import { shared } from '../styles.js';

/** The admin's overview: counts of users, posts and comments, the last site build, and the recount. */
@customElement('dashboard-page')
export class DashboardPage extends LitElement {
  static override styles = [
    shared,
    css`
      .cards {
        display: grid;
        gap: 1rem;
        grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
        margin-bottom: 1.5rem;
      }
      section.card {
        padding: 1rem;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--surface);
      }
      dl {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.25rem 1rem;
        margin: 0;
      }
      dt {
        color: var(--muted);
      }
      dd {
        margin: 0;
        text-align: right;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      dd.big {
        font-size: 1.5rem;
      }
    `,
  ];

  @state() private stats: AdminStats | null = null;
  @state() private error: string | null = null;
  @state() private recount: { busy: boolean; result?: RecountResult; error?: string } = { busy: false };

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.stats = await api.stats();
      this.error = null;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private async runRecount() {
    this.recount = { busy: true };
    try {
      this.recount = { busy: false, result: await api.recount() };
      await this.load();
    } catch (error) {
      this.recount = { busy: false, error: errorText(error) };
    }
  }

  private renderRecount() {
    const { result, error } = this.recount;
    if (error) return html`<p class="notice bad">${error}</p>`;
    if (!result) return nothing;
    if (result.fixed.length === 0) return html`<p class="notice good">All counters were exact; nothing to repair.</p>`;
    return html`<div class="notice">
      <p>Repaired ${result.fixed.length} counters:</p>
      <ul>
        ${result.fixed.map((d) => html`<li>${d.table} #${d.id} ${d.field}: ${d.stored} → ${d.actual}</li>`)}
      </ul>
    </div>`;
  }

  // One heading element in every state: focus put on it by the app stays there.
  override render() {
    return html`<h1 tabindex="-1">Dashboard</h1>
      ${this.renderBody()}`;
  }

  private renderBody() {
    const s = this.stats;
    if (this.error) {
      return html`<p class="notice bad" role="alert">${this.error}</p>
        <button type="button" @click=${() => this.load()}>Try again</button>`;
    }
    if (!s) return html`<p role="status">Loading…</p>`;
    const row = (name: string, label: string, value: number, big = false) =>
      html`<dt>${label}</dt><dd class=${big ? 'big' : ''} data-stat=${name}>${value}</dd>`;
    const build = s.lastBuild;
    return html`
      <div class="cards">
        <section class="card" aria-labelledby="users-h">
          <h2 id="users-h"><a href=${href({ name: 'users' })}>Users</a></h2>
          <dl>
            ${row('users.total', 'All users', s.users.total, true)} ${row('users.verified', 'Verified', s.users.verified)}
            ${row('users.banned', 'Banned', s.users.banned)} ${row('users.admin', 'Admins', s.users.byRole.admin)}
            ${row('users.author', 'Authors', s.users.byRole.author)} ${row('users.user', 'Readers', s.users.byRole.user)}
          </dl>
        </section>
        <section class="card" aria-labelledby="posts-h">
          <h2 id="posts-h"><a href=${href({ name: 'posts' })}>Posts</a></h2>
          <dl>
            ${row('posts.total', 'All posts', s.posts.total, true)} ${row('posts.published', 'Published', s.posts.published)}
            ${row('posts.draft', 'Drafts', s.posts.draft)}
          </dl>
        </section>
        <section class="card" aria-labelledby="comments-h">
          <h2 id="comments-h"><a href=${href({ name: 'comments' })}>Comments</a></h2>
          <dl>
            ${row('comments.total', 'All comments', s.comments.total, true)}
            ${row('comments.visible', 'Visible', s.comments.visible)} ${row('comments.hidden', 'Hidden', s.comments.hidden)}
            ${row('comments.pending', 'Waiting for approval', s.comments.pending)}
          </dl>
        </section>
        <section class="card" aria-labelledby="build-h">
          <h2 id="build-h"><a href=${href({ name: 'rebuilds' })}>Last site build</a></h2>
          ${
            build
              ? html`<dl>
                <dt>Status</dt>
                <dd data-stat="build.status">${build.status}</dd>
                <dt>When</dt>
                <dd>${formatDate(build.finishedAt ?? build.startedAt ?? build.createdAt)}</dd>
                <dt>Duration</dt>
                <dd>${formatDuration(build.durationMs)}</dd>
                <dt>Pages</dt>
                <dd>${build.pages ?? '–'}</dd>
              </dl>
              ${build.error ? html`<p class="error">${build.error}</p>` : nothing}`
              : html`<p>No build recorded yet.</p>`
          }
        </section>
      </div>
      <section aria-labelledby="recount-h">
        <h2 id="recount-h">Counters</h2>
        <p>Post and comment counts are kept exact as things change. A recount checks every one and repairs any drift.</p>
        <button type="button" ?disabled=${this.recount.busy} @click=${this.runRecount}>
          ${this.recount.busy ? 'Recounting…' : 'Recount now'}
        </button>
        <div role="status" aria-live="polite">${this.renderRecount()}</div>
      </section>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dashboard-page': DashboardPage;
  }
}
