import type { Build } from '@blog/contract';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { formatDate, formatDuration } from '../format.js';
import { href } from '../router.js';
import { shared } from '../styles.js';
import type { Column, ResourceTable, TableSource } from './resource-table.js';
import './resource-table.js';

/** How often the list refreshes while the page is visible. */
export const REBUILDS_POLL_MS = 3000;

const tone = (status: Build['status']) => (status === 'done' ? 'good' : status === 'failed' ? 'bad' : 'warn');

/** Site builds (status, duration, pages, error), refreshed live while visible; request a full rebuild. */
@customElement('rebuilds-page')
export class RebuildsPage extends LitElement {
  static override styles = [
    shared,
    css`
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
        margin-bottom: 1rem;
      }
      form input {
        width: 18rem;
      }
      .error-text {
        color: var(--danger);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        max-width: 30rem;
      }
    `,
  ];

  @state() private message: { text: string; bad: boolean } | null = null;
  @state() private busy = false;
  @state() private updatedAt: Date | null = null;
  @query('resource-table') private table?: ResourceTable;

  private timer: number | undefined;

  private readonly source: TableSource<Build> = {
    load: async (query) => {
      const page = await api.rebuilds({ page: query.page, limit: query.limit });
      this.updatedAt = new Date();
      return page;
    },
    label: (build) => `build #${build.id}`,
  };

  private readonly columns: Column<Build>[] = [
    { key: 'id', label: 'Build', primary: true, render: (b) => `#${b.id}` },
    { key: 'status', label: 'Status', render: (b) => html`<span class="badge ${tone(b.status)}">${b.status}</span>` },
    { key: 'reason', label: 'Reason', render: (b) => b.reason },
    {
      key: 'post',
      label: 'Post',
      render: (b) => (b.postId ? html`<a href=${href({ name: 'post', id: b.postId })}>#${b.postId}</a>` : '–'),
    },
    { key: 'created', label: 'Requested', render: (b) => formatDate(b.createdAt) },
    { key: 'duration', label: 'Duration', numeric: true, render: (b) => formatDuration(b.durationMs) },
    { key: 'pages', label: 'Pages', numeric: true, render: (b) => b.pages ?? '–' },
    {
      key: 'error',
      label: 'Error',
      render: (b) => (b.error ? html`<div class="error-text">${b.error}</div>` : '–'),
    },
  ];

  private readonly onVisibility = () => this.schedule();

  override connectedCallback() {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibility);
    this.schedule();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.clearTimeout(this.timer);
  }

  /** Polls while the tab is visible; a hidden tab costs the API nothing and refreshes on return. */
  private schedule() {
    window.clearTimeout(this.timer);
    if (document.visibilityState !== 'visible' || !this.isConnected) return;
    this.timer = window.setTimeout(async () => {
      await this.table?.reload({ quiet: true });
      this.schedule();
    }, REBUILDS_POLL_MS);
  }

  private async request(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target instanceof HTMLFormElement ? event.target : null;
    const input = form?.elements.namedItem('reason');
    const reason = input instanceof HTMLInputElement ? input.value.trim() : '';
    this.busy = true;
    this.message = null;
    try {
      const queued = await api.requestRebuild(reason || undefined);
      this.message = {
        text: `Full rebuild queued (job #${queued.jobId}); it appears below once the builder starts it.`,
        bad: false,
      };
      form?.reset();
      await this.table?.reload({ quiet: true });
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`
      <h1 tabindex="-1">Site builds</h1>
      <form @submit=${this.request}>
        <label>
          Reason <span class="hint">(optional)</span>
          <input name="reason" maxlength="200" placeholder="e.g. template change" />
        </label>
        <button type="submit" class="primary" ?disabled=${this.busy}>Rebuild the whole site</button>
      </form>
      <div role="status" aria-live="polite">
        ${this.message ? html`<p class="notice ${this.message.bad ? 'bad' : 'good'}">${this.message.text}</p>` : nothing}
      </div>
      <p class="hint">
        Refreshes every ${REBUILDS_POLL_MS / 1000} seconds while this tab is visible${
          this.updatedAt
            ? html`; last checked <time datetime=${this.updatedAt.toISOString()}>${this.updatedAt.toLocaleTimeString()}</time>`
            : nothing
        }.
      </p>
      <resource-table caption="Site builds, newest first" noun="build" nouns="builds" .source=${this.source} .columns=${this.columns}></resource-table>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rebuilds-page': RebuildsPage;
  }
}
