import type { BanOut, BulkResult, ModerationEventOut, ModerationSettings } from '@blog/contract';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { formatDate } from '../format.js';
import { href } from '../router.js';
import { formPanel, shared } from '../styles.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import type { Column, Filter, ResourceTable, TableSource } from './resource-table.js';
import './confirm-dialog.js';
import './resource-table.js';

const MODES: Record<ModerationSettings['mode'], string> = {
  open: 'open: comments show at once',
  first: "first: a reader's comments wait until one of theirs is approved",
  all: 'all: every comment waits for approval',
};

const DECISIONS: Record<ModerationEventOut['decision'], string> = {
  refused: 'bad',
  queued: 'warn',
  approved: 'good',
  rejected: 'bad',
  purged: 'bad',
};

/**
 * Moderation (admins): the site's mode and spam limits, the forbidden words, bans by address,
 * prefix or email domain, "delete everything from this user / this address", and the log of
 * every spam and moderation decision with its reason.
 */
@customElement('moderation-page')
export class ModerationPage extends LitElement {
  static override styles = [
    shared,
    formPanel,
    css`
      textarea {
        min-height: 6rem;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.25rem 1rem;
        margin: 0;
      }
      dt {
        font-weight: 600;
      }
      dd {
        margin: 0;
      }
    `,
  ];

  @state() private settings: ModerationSettings | null = null;
  @state() private words = '';
  @state() private message: { text: string; bad: boolean } | null = null;
  @state() private banKind: BanOut['kind'] = 'ip';
  @state() private purgeResult: BulkResult | null = null;
  @query('resource-table#bans') private bansTable?: ResourceTable;
  @query('resource-table#log') private logTable?: ResourceTable;
  @query('confirm-dialog') private confirmDialog?: ConfirmDialog;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.settings = await api.moderationSettings();
      this.words = this.settings.forbiddenWords.join('\n');
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    }
  }

  private readonly bansSource: TableSource<BanOut> = {
    load: (q) => api.bans({ kind: q.filters.kind, page: q.page, limit: q.limit }),
    label: (ban) => `ban of ${ban.value}`,
  };

  private readonly banColumns: Column<BanOut>[] = [
    { key: 'value', label: 'Banned', primary: true, render: (b) => html`<code>${b.value}</code>` },
    { key: 'kind', label: 'Kind', render: (b) => (b.kind === 'ip' ? 'address or prefix' : 'email domain') },
    { key: 'reason', label: 'Reason', render: (b) => b.reason || '–' },
    { key: 'by', label: 'By', render: (b) => b.createdBy?.name ?? '–' },
    { key: 'until', label: 'Until', render: (b) => (b.expiresAt ? formatDate(b.expiresAt) : 'no end') },
    {
      key: 'actions',
      label: 'Actions',
      render: (b) => html`<button type="button" @click=${() => this.lift(b)}>
        Lift<span class="visually-hidden"> the ban of ${b.value}</span>
      </button>`,
    },
  ];

  private readonly banFilters: Filter[] = [
    {
      name: 'kind',
      label: 'Kind',
      options: [
        { value: 'ip', label: 'Addresses and prefixes' },
        { value: 'email_domain', label: 'Email domains' },
      ],
    },
  ];

  private readonly logSource: TableSource<ModerationEventOut> = {
    load: (q) => api.moderationLog({ decision: q.filters.decision, page: q.page, limit: q.limit }),
    label: (event) => `decision #${event.id}`,
  };

  private readonly logColumns: Column<ModerationEventOut>[] = [
    { key: 'created', label: 'When', primary: true, render: (e) => formatDate(e.createdAt) },
    {
      key: 'decision',
      label: 'Decision',
      render: (e) => html`<span class="badge ${DECISIONS[e.decision]}">${e.decision}</span>`,
    },
    {
      key: 'reason',
      label: 'Reason',
      render: (e) => html`<code>${e.reason}</code>${e.detail ? html` <span class="hint">${e.detail}</span>` : nothing}`,
    },
    {
      key: 'user',
      label: 'Commenter',
      render: (e) => (e.user ? html`<a href=${href({ name: 'user', id: e.user.id })}>${e.user.name}</a>` : '–'),
    },
    {
      key: 'post',
      label: 'Post',
      render: (e) => (e.postId ? html`<a href=${href({ name: 'post', id: e.postId })}>post #${e.postId}</a>` : '–'),
    },
    { key: 'actor', label: 'Moderator', render: (e) => e.actor?.name ?? '–' },
  ];

  private readonly logFilters: Filter[] = [
    {
      name: 'decision',
      label: 'Decision',
      options: (['refused', 'queued', 'approved', 'rejected', 'purged'] as const).map((value) => ({
        value,
        label: value,
      })),
    },
  ];

  private async saveWords(event: SubmitEvent) {
    event.preventDefault();
    this.message = null;
    const forbiddenWords = this.words
      .split('\n')
      .map((word) => word.trim())
      .filter(Boolean);
    try {
      this.settings = await api.updateModerationSettings({ forbiddenWords });
      this.words = this.settings.forbiddenWords.join('\n');
      this.message = { text: `Saved ${this.settings.forbiddenWords.length} forbidden words.`, bad: false };
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    }
  }

  private async addBan(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const until = String(data.get('until') ?? '');
    this.message = null;
    try {
      const ban = await api.createBan({
        kind: this.banKind,
        value: String(data.get('value') ?? ''),
        reason: String(data.get('reason') ?? ''),
        expiresAt: until ? new Date(`${until}T23:59:59`).toISOString() : null,
      });
      this.message = { text: `Banned ${ban.value}.`, bad: false };
      form.reset();
      await this.bansTable?.reload({ quiet: true });
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    }
  }

  private async lift(ban: BanOut) {
    this.message = null;
    try {
      await api.deleteBan(ban.id);
      this.message = { text: `The ban of ${ban.value} is lifted.`, bad: false };
      await this.bansTable?.reload({ quiet: true });
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    }
  }

  private async purge(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const who = String(data.get('who') ?? '').trim();
    const byUser = /^\d+$/.test(who);
    const ok = await this.confirmDialog?.ask({
      title: byUser ? `Delete every comment of user #${who}?` : `Delete every comment sent from ${who}?`,
      message: 'Their comments and the replies under them are deleted. This cannot be undone.',
      confirmLabel: 'Delete them all',
      danger: true,
    });
    if (!ok) return;
    this.message = null;
    this.purgeResult = null;
    try {
      this.purgeResult = await api.purgeComments(byUser ? { userId: Number(who) } : { ip: who });
      this.message = {
        text: `Deleted ${this.purgeResult.applied} comments${this.purgeResult.failed ? `; ${this.purgeResult.failed} failed` : ''}.`,
        bad: this.purgeResult.failed > 0,
      };
      await this.logTable?.reload({ quiet: true });
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    }
  }

  override render() {
    const settings = this.settings;
    return html`
      <h1 tabindex="-1">Moderation</h1>
      <div role="status" aria-live="polite">
        ${this.message ? html`<p class="notice ${this.message.bad ? 'bad' : 'good'}">${this.message.text}</p>` : nothing}
      </div>
      ${
        settings
          ? html`<section aria-labelledby="rules-heading">
            <h2 id="rules-heading">The site's rules</h2>
            <dl>
              <dt>Mode (COMMENT_MODERATION)</dt>
              <dd>${MODES[settings.mode]}; each post can override it in its editor.</dd>
              <dt>Time to write</dt>
              <dd>Comments sent within ${settings.minSubmitSeconds} s of opening the form are refused.</dd>
              <dt>New accounts</dt>
              <dd>At most ${settings.newAccountMaxLinks} links per comment during an account's first day.</dd>
              <dt>Duplicates</dt>
              <dd>The same comment again within ${Math.round(settings.duplicateWindowSeconds / 60)} minutes is refused.</dd>
            </dl>
          </section>`
          : nothing
      }
      <form @submit=${this.saveWords} aria-labelledby="words-heading">
        <h2 id="words-heading">Forbidden words</h2>
        <label class="wide"
          >Comments containing one of these (a whole word, any case) wait for approval. One per line.
          <textarea
            name="words"
            .value=${this.words}
            @input=${(event: InputEvent) => {
              if (event.target instanceof HTMLTextAreaElement) this.words = event.target.value;
            }}
          ></textarea>
        </label>
        <div><button type="submit">Save words</button></div>
      </form>
      <form @submit=${this.addBan} aria-labelledby="ban-heading">
        <h2 id="ban-heading">Ban an address or an email domain</h2>
        <label
          >Kind
          <select
            name="kind"
            @change=${(event: Event) => {
              const value = (event.target as HTMLSelectElement).value;
              this.banKind = value === 'email_domain' ? 'email_domain' : 'ip';
            }}
          >
            <option value="ip" ?selected=${this.banKind === 'ip'}>Address or prefix</option>
            <option value="email_domain" ?selected=${this.banKind === 'email_domain'}>Email domain</option>
          </select>
        </label>
        <label
          >${this.banKind === 'ip' ? 'Address or prefix (203.0.113.7, 203.0.113.0/24)' : 'Domain (example.com)'}
          <input name="value" required maxlength="253" />
        </label>
        <label>Reason <input name="reason" maxlength="500" /></label>
        <label>Until (empty: no end) <input name="until" type="date" /></label>
        <div><button type="submit">Ban</button></div>
      </form>
      <resource-table
        id="bans"
        caption="Bans"
        noun="ban"
        nouns="bans"
        .source=${this.bansSource}
        .columns=${this.banColumns}
        .filters=${this.banFilters}
      ></resource-table>
      <form @submit=${this.purge} aria-labelledby="purge-heading">
        <h2 id="purge-heading">Delete everything from a user or an address</h2>
        <label class="wide"
          >A user's id (on their page) or the address their comments came from
          <input name="who" required maxlength="64" />
        </label>
        <div><button type="submit" class="danger">Delete their comments</button></div>
        ${
          this.purgeResult && this.purgeResult.failed > 0
            ? html`<ul class="wide">
              ${this.purgeResult.results
                .filter((r) => !r.ok)
                .map((r) => html`<li>Comment #${r.id}: ${r.message ?? r.error}</li>`)}
            </ul>`
            : nothing
        }
      </form>
      <resource-table
        id="log"
        caption="Spam and moderation decisions, newest first"
        noun="decision"
        nouns="decisions"
        .source=${this.logSource}
        .columns=${this.logColumns}
        .filters=${this.logFilters}
      ></resource-table>
      <confirm-dialog></confirm-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'moderation-page': ModerationPage;
  }
}
