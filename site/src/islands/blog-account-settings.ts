import type { ResponseOf } from '@blog/contract/client';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { accountField } from './account-field';
import { accountStyles } from './account-styles';
import { ApiRequestError, api, errorText } from './api';
import { codeErrorText, codeFieldError, isCodeError, isSpentCode } from './code-messages';
import { type AuthChangedDetail, announceUser, currentUser, type User } from './session';

type SessionInfo = ResponseOf<'GET /auth/sessions'>['sessions'][number];

/** The parts of the settings; each has its own messages, read out where the reader is. */
type Part = 'name' | 'password' | 'email' | 'sessions' | 'delete';

interface Messages {
  error: string;
  notice: string;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The signed-in reader's settings on the account page (`/account/`), below <blog-account>:
 * display name, password, email address (a code mailed to the new address), where the account
 * is signed in ("sign out everywhere else"), "download my data", and account deletion with a
 * plain statement of what goes with it. Loaded only by the account page.
 *
 * Shows nothing while signed out or unverified (<blog-account> handles those).
 */
@customElement('blog-account-settings')
export class BlogAccountSettings extends LitElement {
  static override styles = accountStyles;

  @state() private user: User | null | undefined;
  @state() private busy: Part | null = null;
  @state() private messages: Partial<Record<Part, Messages>> = {};
  @state() private fieldErrors: Record<string, string> = {};
  @state() private sessions: SessionInfo[] | null = null;
  /** The new address waiting for its code; empty when no change is under way. */
  @state() private pendingEmail = '';
  @state() private resendIn = 0;
  /** The first step's input, kept only to send a new code for the same change. */
  #emailChange: { email: string; password?: string } | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;

  readonly #onAuthChanged = (event: CustomEvent<AuthChangedDetail>) => {
    const before = this.user?.id;
    this.user = event.detail.user;
    if (this.user && this.user.id !== before) void this.#loadSessions();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('blog-auth-changed', this.#onAuthChanged);
    void currentUser().then((user) => {
      this.user = user;
      if (user) void this.#loadSessions();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('blog-auth-changed', this.#onAuthChanged);
    clearInterval(this.#timer);
  }

  #say(part: Part, messages: Partial<Messages>): void {
    this.messages = { ...this.messages, [part]: { error: '', notice: '', ...messages } };
  }

  #countdown(seconds: number): void {
    clearInterval(this.#timer);
    this.resendIn = seconds;
    this.#timer = setInterval(() => {
      if (--this.resendIn <= 0) clearInterval(this.#timer);
    }, 1000);
  }

  /** One request of one part: busy while it runs, its error by its fields and in its live region. */
  async #run(part: Part, action: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = part;
    this.#say(part, {});
    this.fieldErrors = {};
    try {
      await action();
    } catch (error) {
      if (isCodeError(error)) {
        this.fieldErrors = { 'email-code': codeFieldError(error) };
        this.#say(part, { error: codeErrorText(error) });
        if (isSpentCode(error)) void this.#focus('button.resend');
        return;
      }
      const details = error instanceof ApiRequestError ? error.details.filter((d) => d.path) : [];
      this.fieldErrors = Object.fromEntries(details.map((d) => [`${part}-${d.path}`, d.message]));
      this.#say(part, { error: details.length > 0 ? 'Please correct the marked fields.' : errorText(error) });
      if (error instanceof ApiRequestError && error.code === 'otp_cooldown') this.#countdown(error.retryAfter);
      if (details.length > 0) void this.#focus('[aria-invalid="true"]');
    } finally {
      this.busy = null;
    }
  }

  async #focus(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  #submit(event: SubmitEvent, part: Part, action: (form: FormData, element: HTMLFormElement) => Promise<void>): void {
    event.preventDefault();
    const form = event.target;
    if (form instanceof HTMLFormElement) void this.#run(part, () => action(new FormData(form), form));
  }

  async #loadSessions(): Promise<void> {
    try {
      this.sessions = (await api.call('GET /auth/sessions')).sessions;
    } catch (error) {
      this.#say('sessions', { error: errorText(error) });
    }
  }

  readonly #rename = (event: SubmitEvent) =>
    this.#submit(event, 'name', async (form) => {
      const { user } = await api.call('PATCH /auth/me', { body: { name: String(form.get('name')) } });
      announceUser(user);
      this.#say('name', { notice: `Your name is now ${user.name}.` });
    });

  readonly #changePassword = (event: SubmitEvent) =>
    this.#submit(event, 'password', async (form, element) => {
      const current = form.get('currentPassword');
      const { revoked } = await api.call('POST /auth/password/change', {
        body: {
          ...(current === null ? {} : { currentPassword: String(current) }),
          newPassword: String(form.get('newPassword')),
        },
      });
      element.reset();
      const elsewhere =
        revoked === 0 ? '' : ` You were signed out on ${revoked} other device${revoked === 1 ? '' : 's'}.`;
      this.#say('password', { notice: `Your password is changed.${elsewhere}` });
      void this.#loadSessions();
    });

  #sendEmailCode(input: { email: string; password?: string }): Promise<void> {
    return this.#run('email', async () => {
      const sent = await api.call('POST /auth/email/change', { body: input });
      this.#emailChange = input;
      this.pendingEmail = sent.pendingEmail;
      this.#countdown(sent.resendAfterSeconds);
      this.#say('email', {
        notice: `We mailed a 6-digit code to ${sent.pendingEmail}. Your address changes when you enter it.`,
      });
      void this.#focus('#email-code');
    });
  }

  readonly #changeEmail = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const data = new FormData(form);
    const password = data.get('password');
    void this.#sendEmailCode({
      email: String(data.get('email')),
      ...(password === null ? {} : { password: String(password) }),
    });
  };

  readonly #confirmEmail = (event: SubmitEvent) =>
    this.#submit(event, 'email', async (form) => {
      const { user } = await api.call('POST /auth/email/confirm', { body: { code: String(form.get('code')) } });
      this.#cancelEmail();
      announceUser(user);
      this.#say('email', { notice: `Your email address is now ${user.email}.` });
    });

  #cancelEmail(): void {
    this.#emailChange = null;
    this.pendingEmail = '';
  }

  readonly #signOutOthers = () =>
    this.#run('sessions', async () => {
      const { revoked } = await api.call('DELETE /auth/sessions/others');
      await this.#loadSessions();
      this.#say('sessions', {
        notice:
          revoked === 0
            ? 'No other device was signed in.'
            : `Signed out on ${revoked} other device${revoked === 1 ? '' : 's'}.`,
      });
    });

  #signOutOne(session: SessionInfo): Promise<void> {
    return this.#run('sessions', async () => {
      await api.call('DELETE /auth/sessions/:id', { params: { id: session.id } });
      await this.#loadSessions();
      this.#say('sessions', { notice: `Signed out ${session.device}.` });
    });
  }

  readonly #deleteAccount = (event: SubmitEvent) =>
    this.#submit(event, 'delete', async (form) => {
      const password = form.get('password');
      await api.call('DELETE /auth/me', { body: password === null ? {} : { password: String(password) } });
      announceUser(null);
      this.#say('delete', { notice: 'Your account is deleted.' });
    });

  #field(
    part: Part,
    name: string,
    label: string,
    type: string,
    autocomplete: string,
    note = '',
    value = '',
  ): TemplateResult {
    const id = `${part}-${name}`;
    return accountField({ id, name, label, type, autocomplete, note, value, error: this.fieldErrors[id] });
  }

  #messages(part: Part): TemplateResult {
    const said = this.messages[part];
    return html`<p class="error" aria-live="assertive">${said?.error ?? ''}</p>
      <p role="status">${said?.notice ?? ''}</p>`;
  }

  #reauthField(part: Part, user: User): TemplateResult | typeof nothing {
    return user.hasPassword
      ? this.#field(part, 'password', 'Current password', 'password', 'current-password')
      : html`<p class="note">Your account has no password: this works within 10 minutes of signing in.</p>`;
  }

  #emailPart(user: User): TemplateResult {
    if (this.pendingEmail) {
      return html`<form @submit=${this.#confirmEmail}>
        ${this.#field('email', 'code', 'Code', 'text', 'one-time-code', `Sent to ${this.pendingEmail}; valid for 10 minutes.`)}
        <div class="row">
          <button type="submit" ?disabled=${this.busy !== null}>Confirm new address</button>
          <button
            type="button"
            class="resend"
            ?disabled=${this.busy !== null || this.resendIn > 0}
            @click=${() => this.#emailChange && this.#sendEmailCode(this.#emailChange)}
          >
            ${this.resendIn > 0 ? `Send a new code in ${this.resendIn} s` : 'Send a new code'}
          </button>
          <button type="button" class="link" @click=${() => this.#cancelEmail()}>Cancel</button>
        </div>
      </form>`;
    }
    return html`<form @submit=${this.#changeEmail}>
      ${this.#field('email', 'email', 'New email address', 'email', 'email', 'We mail a code there; your address changes once you enter it.')}
      ${this.#reauthField('email', user)}
      <div class="row"><button type="submit" ?disabled=${this.busy !== null}>Send code</button></div>
    </form>`;
  }

  #sessionsPart(): TemplateResult {
    const list = this.sessions;
    if (!list) return html`<p>Loading…</p>`;
    return html`<ul class="sessions">
        ${list.map(
          (session) =>
            html`<li>
              <span>
                <strong>${session.device}</strong>${session.current ? ' (this browser)' : ''}<br />
                <span class="note">
                  ${session.ip ? `${session.ip} · ` : ''}last used ${dateFormat.format(new Date(session.lastSeenAt))} ·
                  signed in ${dateFormat.format(new Date(session.createdAt))}
                </span>
              </span>
              ${
                session.current
                  ? nothing
                  : html`<button
                    type="button"
                    ?disabled=${this.busy !== null}
                    aria-label=${`Sign out ${session.device}, signed in ${dateFormat.format(new Date(session.createdAt))}`}
                    @click=${() => this.#signOutOne(session)}
                  >
                    Sign out
                  </button>`
              }
            </li>`,
        )}
      </ul>
      <div class="row">
        <button type="button" ?disabled=${this.busy !== null || list.length < 2} @click=${this.#signOutOthers}>
          Sign out everywhere else
        </button>
      </div>`;
  }

  override render() {
    const user = this.user;
    if (!user) {
      const deleted = this.messages.delete?.notice;
      return deleted ? html`<p role="status">${deleted}</p>` : nothing;
    }
    if (!user.emailVerified) return nothing;
    return html`<section aria-labelledby="name-title">
        <h3 id="name-title">Display name</h3>
        <form @submit=${this.#rename}>
          ${this.#field('name', 'name', 'Name', 'text', 'name', 'Shown with your comments.', user.name)}
          <div class="row"><button type="submit" ?disabled=${this.busy !== null}>Save name</button></div>
        </form>
        ${this.#messages('name')}
      </section>

      <section aria-labelledby="password-title">
        <h3 id="password-title">${user.hasPassword ? 'Change password' : 'Set a password'}</h3>
        <form @submit=${this.#changePassword}>
          ${
            user.hasPassword
              ? this.#field('password', 'currentPassword', 'Current password', 'password', 'current-password')
              : html`<p class="note">Your account has no password yet: this works within 10 minutes of signing in.</p>`
          }
          ${this.#field('password', 'newPassword', 'New password', 'password', 'new-password', 'At least 10 characters, not a common one. Other devices are signed out.')}
          <div class="row"><button type="submit" ?disabled=${this.busy !== null}>Change password</button></div>
        </form>
        ${this.#messages('password')}
      </section>

      <section aria-labelledby="email-title">
        <h3 id="email-title">Email address</h3>
        <p>Now: <strong>${user.email}</strong></p>
        ${this.#emailPart(user)} ${this.#messages('email')}
      </section>

      <section aria-labelledby="sessions-title">
        <h3 id="sessions-title">Where you are signed in</h3>
        ${this.#sessionsPart()} ${this.#messages('sessions')}
      </section>

      <section aria-labelledby="data-title">
        <h3 id="data-title">Your data</h3>
        <p>A JSON file with your profile, every comment you wrote (with its post) and your subscriptions.</p>
        <div class="row"><a class="provider" href="/api/auth/me/export" download>Download my data</a></div>
      </section>

      <section aria-labelledby="delete-title">
        <h3 id="delete-title">Delete your account</h3>
        <p class="warning">
          This deletes your account at once and for good. Every comment you wrote is deleted, and so are the
          replies other people wrote to your comments. Your likes go too, and you are signed out everywhere. This
          cannot be undone; download your data first if you want a copy.
          ${
            user.postsCount > 0
              ? html`<br /><strong>You still own ${user.postsCount} post${user.postsCount === 1 ? '' : 's'}:</strong> an
                  admin must reassign or delete them first.`
              : nothing
          }
        </p>
        <form @submit=${this.#deleteAccount}>
          ${this.#reauthField('delete', user)}
          <div class="row"><button type="submit" ?disabled=${this.busy !== null}>Delete my account</button></div>
        </form>
        ${this.#messages('delete')}
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'blog-account-settings': BlogAccountSettings;
  }
}
