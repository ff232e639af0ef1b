import type { AdminUserDetail } from '@blog/contract';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { api, errorText } from '../api.js';
import { formatDate } from '../format.js';
import { href, navigate } from '../router.js';
import { shared } from '../styles.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import './confirm-dialog.js';

type Role = AdminUserDetail['role'];
const ROLES: Role[] = ['user', 'author', 'admin'];
const isRole = (value: string): value is Role => ROLES.some((role) => role === value);

/** One user: their counts and sign-in details; change role, verify, ban or unban, delete (admins). */
@customElement('user-detail')
export class UserDetail extends LitElement {
  static override styles = [
    shared,
    css`
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr));
        gap: 0.75rem;
        margin: 0 0 1.5rem;
      }
      dl div {
        padding: 0.6rem 0.8rem;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--surface);
      }
      dt {
        color: var(--muted);
        font-size: 0.875rem;
      }
      dd {
        margin: 0;
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      section {
        margin-bottom: 1.5rem;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
      }
    `,
  ];

  @property({ type: Number }) userId = 0;
  /** The signed-in admin: their own account cannot be banned, demoted or deleted. */
  @property({ type: Number }) selfId = 0;

  @state() private user: AdminUserDetail | null = null;
  @state() private error: string | null = null;
  @state() private message: { text: string; bad: boolean } | null = null;
  @state() private busy = false;

  @query('confirm-dialog') private confirmDialog?: ConfirmDialog;

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('userId') && this.userId) void this.load();
  }

  private async load() {
    this.error = null;
    try {
      this.user = await api.user(this.userId);
    } catch (error) {
      this.error = errorText(error);
    }
  }

  private async act(work: () => Promise<AdminUserDetail>, done: string) {
    this.busy = true;
    this.message = null;
    try {
      this.user = await work();
      this.message = { text: done, bad: false };
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  private changeRole(event: SubmitEvent) {
    event.preventDefault();
    const select = event.target instanceof HTMLFormElement ? event.target.elements.namedItem('role') : null;
    const role = select instanceof HTMLSelectElement ? select.value : '';
    if (!isRole(role) || !this.user) return;
    void this.act(() => api.updateUser(this.userId, { role }), `Role changed to ${role}.`);
  }

  private async toggleBan(user: AdminUserDetail) {
    if (!user.banned) {
      const ok = await this.confirmDialog?.ask({
        title: `Ban ${user.name}?`,
        message: 'They are signed out everywhere and cannot sign in, comment or write until unbanned.',
        confirmLabel: 'Ban',
        danger: true,
      });
      if (!ok) return;
    }
    await this.act(() => api.banUser(user.id, !user.banned), user.banned ? 'Ban lifted.' : 'User banned.');
  }

  private async deleteUser(user: AdminUserDetail) {
    const ok = await this.confirmDialog?.ask({
      title: `Delete ${user.name}?`,
      message:
        'This deletes the account with its sessions, sign-in links and comments (and replies to them). It cannot be undone.',
      confirmLabel: 'Delete user',
      danger: true,
    });
    if (!ok) return;
    this.busy = true;
    try {
      await api.deleteUser(user.id);
      navigate(href({ name: 'users' }));
    } catch (error) {
      this.message = { text: errorText(error), bad: true };
    } finally {
      this.busy = false;
    }
  }

  // One heading element in every state: focus put on it by the app stays there.
  override render() {
    return html`<p><a href=${href({ name: 'users' })}>← Users</a></p>
      <h1 tabindex="-1">${this.user?.name ?? 'User'}</h1>
      ${this.renderBody()}`;
  }

  private renderBody() {
    const user = this.user;
    if (this.error) return html`<p class="notice bad" role="alert">${this.error}</p>`;
    if (!user) return html`<p role="status">Loading…</p>`;
    const self = user.id === this.selfId;
    const stat = (name: string, label: string, value: unknown) =>
      html`<div><dt>${label}</dt><dd data-stat=${name}>${value}</dd></div>`;
    return html`
      <dl>
        ${stat('email', 'Email', user.email)} ${stat('role', 'Role', user.role)}
        ${stat('verified', 'Email verified', user.verified ? `yes, ${formatDate(user.emailVerifiedAt)}` : 'no')}
        ${stat('banned', 'Banned', user.banned ? `yes, ${formatDate(user.bannedAt)}` : 'no')}
        ${stat('postsCount', 'Published posts', user.postsCount)} ${stat('draftsCount', 'Drafts', user.draftsCount)}
        ${stat('commentsCount', 'Visible comments', user.commentsCount)}
        ${stat('hiddenCommentsCount', 'Hidden comments', user.hiddenCommentsCount)}
        ${stat('sessionCount', 'Live sessions', user.sessionCount)}
        ${stat('signIn', 'Signs in with', [user.hasPassword ? 'password' : null, ...user.providers].filter(Boolean).join(', ') || 'nothing')}
        ${stat('created', 'Joined', formatDate(user.createdAt))}
      </dl>
      <div role="status" aria-live="polite">
        ${this.message ? html`<p class="notice ${this.message.bad ? 'bad' : 'good'}">${this.message.text}</p>` : nothing}
      </div>
      ${self ? html`<p class="notice">This is your own account: you cannot change its role, ban or delete it here.</p>` : nothing}
      <section aria-labelledby="role-heading">
        <h2 id="role-heading">Role</h2>
        <form @submit=${this.changeRole}>
          <label>
            Role
            <select name="role" ?disabled=${self || this.busy}>
              ${ROLES.map((role) => html`<option value=${role} ?selected=${role === user.role}>${role}</option>`)}
            </select>
          </label>
          <button type="submit" ?disabled=${self || this.busy}>Change role</button>
        </form>
      </section>
      <section aria-labelledby="account-heading">
        <h2 id="account-heading">Account</h2>
        <div class="actions">
          <button
            type="button"
            ?disabled=${this.busy || (self && user.verified)}
            @click=${() =>
              this.act(
                () => api.updateUser(user.id, { verified: !user.verified }),
                user.verified ? 'Marked unverified.' : 'Marked verified.',
              )}
          >
            ${user.verified ? 'Mark unverified' : 'Mark verified'}
          </button>
          <button type="button" class=${user.banned ? '' : 'danger'} ?disabled=${self || this.busy} @click=${() => this.toggleBan(user)}>
            ${user.banned ? 'Unban' : 'Ban'}
          </button>
          <button type="button" class="danger" ?disabled=${self || this.busy} @click=${() => this.deleteUser(user)}>Delete user</button>
        </div>
      </section>
      <confirm-dialog></confirm-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'user-detail': UserDetail;
  }
}
