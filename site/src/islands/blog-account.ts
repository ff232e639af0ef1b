import type { ResponseOf } from '@blog/contract/client';
import type { OidcLoginError } from '@blog/contract/errors';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { accountField } from './account-field';
import { accountStyles } from './account-styles';
import { ApiRequestError, api, errorText } from './api';
import { codeErrorText, codeFieldError, isCodeError, isSpentCode } from './code-messages';
import {
  type AccountRequestedDetail,
  type AccountStep,
  type AuthChangedDetail,
  announceUser,
  currentUser,
  type User,
} from './session';

type Provider = ResponseOf<'GET /auth/providers'>['providers'][number];

/** What the OIDC callback's `?auth_error=` codes mean to a reader. */
const AUTH_ERRORS: Record<OidcLoginError, string> = {
  access_denied: 'Signing in was cancelled.',
  banned: 'This account is banned.',
  email_unverified_conflict:
    'An account already uses this email address. Sign in with its password, then link the provider.',
  invalid_state: 'That sign-in took too long or was opened twice. Please try again.',
  invalid_token: 'The provider’s answer could not be verified. Please try again.',
  provider_error: 'The provider refused the sign-in. Please try again.',
  provider_unavailable: 'The provider cannot be reached right now. Please try again in a moment.',
  unknown_provider: 'That sign-in provider is not set up on this blog.',
  login_failed: 'Signing in with the provider failed. Please try again.',
};
const isAuthError = (code: string): code is OidcLoginError => Object.hasOwn(AUTH_ERRORS, code);

/**
 * The reader's account. In the header (`view="menu"`) a "Sign in" button, or the signed-in
 * reader's name, opens a modal dialog; on the account page (`view="page"`) the same forms
 * show inline: sign in, sign up, the emailed code with "resend" and its countdown, forgotten
 * password (a mailed code and a new password), provider buttons, sign out. Wrong codes say how
 * many tries are left; a used-up or expired code says to send a new one. The account's settings
 * live on the account page, in <blog-account-settings>.
 *
 * After every sign-in change it fires `blog-auth-changed` on window (see ./session.ts); in the
 * header it opens its dialog when another island fires `blog-account-requested`.
 *
 * @slot - The build-time fallback (a link to the account page), shown until the session is known.
 */
@customElement('blog-account')
export class BlogAccount extends LitElement {
  static override styles = accountStyles;

  /** `menu` in the header (a button and a dialog), `page` on the account page (inline forms). */
  @property({ reflect: true })
  view: 'menu' | 'page' = 'menu';

  /** The signed-in reader, null when signed out, undefined until known. */
  @state() private user: User | null | undefined;
  @state() private step: AccountStep = 'signin';
  @state() private busy = false;
  /** The last error, read out by the assertive live region. */
  @state() private message = '';
  /** The last success, read out by the polite live region. */
  @state() private notice = '';
  @state() private fieldErrors: Record<string, string> = {};
  @state() private providers: Provider[] = [];
  /** Seconds until a new code may be asked for. */
  @state() private resendIn = 0;
  @state() private sentTo = '';
  /** What the verification step says about the code: what the API said it did, never more. */
  @state() private codeNote = '';
  /** The address a password reset code went to (the reset form sends it back). */
  @state() private resetEmail = '';

  @query('dialog') private dialog!: HTMLDialogElement | null;
  @query('.trigger') private trigger!: HTMLButtonElement | null;

  #timer: ReturnType<typeof setInterval> | undefined;
  #providersAsked = false;

  readonly #onAuthChanged = (event: CustomEvent<AuthChangedDetail>) => {
    this.user = event.detail.user;
  };

  readonly #onRequested = (event: CustomEvent<AccountRequestedDetail>) => {
    // Until the session is known there is no dialog: the asking island's link goes to /account/.
    if (this.view !== 'menu' || this.user === undefined || event.defaultPrevented) return;
    event.preventDefault();
    this.#go(event.detail.step);
    void this.#open();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('blog-auth-changed', this.#onAuthChanged);
    window.addEventListener('blog-account-requested', this.#onRequested);
    void currentUser().then((user) => {
      this.user = user;
      if (this.view === 'page') this.#loadProviders();
      this.#showProviderError();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('blog-auth-changed', this.#onAuthChanged);
    window.removeEventListener('blog-account-requested', this.#onRequested);
    clearInterval(this.#timer);
  }

  /** A failed provider sign-in comes back as `?auth_error=<code>`: say so, once, and tidy the address. */
  #showProviderError(): void {
    const url = new URL(location.href);
    const code = url.searchParams.get('auth_error');
    if (!code || this.view !== 'menu') return;
    url.searchParams.delete('auth_error');
    history.replaceState(history.state, '', url);
    this.message = isAuthError(code) ? AUTH_ERRORS[code] : AUTH_ERRORS.login_failed;
    void this.#open();
  }

  #loadProviders(): void {
    if (this.#providersAsked) return;
    this.#providersAsked = true;
    api.call('GET /auth/providers').then(
      (list) => {
        this.providers = list.providers;
      },
      () => {
        // No provider buttons: the password forms still work.
        this.#providersAsked = false;
      },
    );
  }

  async #open(): Promise<void> {
    this.#loadProviders();
    await this.updateComplete;
    const dialog = this.dialog;
    if (!dialog || dialog.open) return;
    dialog.showModal();
    void this.#focusFirst();
  }

  #close(): void {
    this.dialog?.close();
  }

  async #focusFirst(selector = 'input, button[type="submit"], button'): Promise<void> {
    await this.updateComplete;
    const root = this.dialog ?? this.renderRoot;
    root.querySelector<HTMLElement>(selector)?.focus();
  }

  #go(step: AccountStep): void {
    this.step = step;
    this.message = '';
    this.notice = '';
    this.fieldErrors = {};
  }

  #countdown(seconds: number): void {
    clearInterval(this.#timer);
    this.resendIn = seconds;
    this.#timer = setInterval(() => {
      if (--this.resendIn <= 0) clearInterval(this.#timer);
    }, 1000);
  }

  /** Runs one request of the forms: busy while it runs, its error in the live region and by its fields. */
  async #run(action: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.message = '';
    this.notice = '';
    this.fieldErrors = {};
    try {
      await action();
    } catch (error) {
      if (isCodeError(error)) {
        this.message = codeErrorText(error);
        this.fieldErrors = { code: codeFieldError(error) };
        // Only a new code helps: straight to the button that sends one.
        if (isSpentCode(error)) void this.#focusFirst('button.resend');
        return;
      }
      const details = error instanceof ApiRequestError ? error.details.filter((d) => d.path) : [];
      this.message = details.length > 0 ? 'Please correct the marked fields.' : errorText(error);
      this.fieldErrors = Object.fromEntries(details.map((d) => [d.path, d.message]));
      if (error instanceof ApiRequestError && error.status === 429 && error.code === 'otp_cooldown') {
        this.#countdown(error.retryAfter);
      }
      if (details.length > 0) void this.#focusFirst('[aria-invalid="true"]');
    } finally {
      this.busy = false;
    }
  }

  #submit(event: SubmitEvent, action: (form: FormData) => Promise<void>): void {
    event.preventDefault();
    const form = event.target;
    if (form instanceof HTMLFormElement) void this.#run(() => action(new FormData(form)));
  }

  #signedIn(user: User): void {
    announceUser(user);
    if (user.emailVerified) {
      this.notice = `Signed in as ${user.name}.`;
      if (this.view === 'menu') this.#close();
    } else {
      void this.#focusFirst();
    }
  }

  readonly #signIn = (event: SubmitEvent) =>
    this.#submit(event, async (form) => {
      const { user, verification } = await api.call('POST /auth/login', {
        body: {
          email: String(form.get('email')),
          password: String(form.get('password')),
        },
      });
      if (verification?.sent) {
        this.sentTo = verification.sentTo;
        this.codeNote = `We mailed a new 6-digit code to ${verification.sentTo}.`;
      } else if (verification?.reason === 'cooldown') {
        this.codeNote = `No new code was sent: one went to ${user.email} less than a minute ago. Use it, or ask for a new one when the button allows.`;
      } else if (verification) {
        const minutes = Math.ceil(verification.resendAfterSeconds / 60);
        this.codeNote = `No new code was sent: too many were asked for. Use the last code we mailed to ${user.email}, or ask again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
      }
      if (verification) this.#countdown(verification.resendAfterSeconds);
      this.#signedIn(user);
    });

  readonly #signUp = (event: SubmitEvent) =>
    this.#submit(event, async (form) => {
      const { user, verification } = await api.call('POST /auth/signup', {
        body: {
          name: String(form.get('name')),
          email: String(form.get('email')),
          password: String(form.get('password')),
        },
      });
      this.sentTo = verification.sentTo;
      this.codeNote = `We mailed a 6-digit code to ${verification.sentTo}.`;
      this.#countdown(verification.resendAfterSeconds);
      this.#signedIn(user);
    });

  readonly #verify = (event: SubmitEvent) =>
    this.#submit(event, async (form) => {
      const { user } = await api.call('POST /auth/otp/verify', { body: { code: String(form.get('code')) } });
      announceUser(user);
      this.notice = 'Your email address is verified: you can comment now.';
      void this.#focusFirst('button');
    });

  readonly #resend = () =>
    this.#run(async () => {
      const sent = await api.call('POST /auth/otp/send');
      this.sentTo = sent.sentTo;
      this.codeNote = `We mailed a new 6-digit code to ${sent.sentTo}.`;
      this.#countdown(sent.resendAfterSeconds);
      this.notice = `A new code is on its way to ${sent.sentTo}.`;
    });

  /** Asks for a password reset code (the API answers the same whether or not the account exists). */
  #sendReset(email: string): Promise<void> {
    return this.#run(async () => {
      const accepted = await api.call('POST /auth/password/forgot', { body: { email } });
      this.#go('reset');
      this.resetEmail = email;
      this.#countdown(60);
      this.notice = accepted.message;
      void this.#focusFirst();
    });
  }

  readonly #forgot = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target;
    if (form instanceof HTMLFormElement) void this.#sendReset(String(new FormData(form).get('email')));
  };

  readonly #reset = (event: SubmitEvent) =>
    this.#submit(event, async (form) => {
      await api.call('POST /auth/password/reset', {
        body: { email: this.resetEmail, code: String(form.get('code')), password: String(form.get('password')) },
      });
      this.#go('signin');
      this.notice = 'Your password is changed. Sign in with the new one.';
      void this.#focusFirst('input[name="password"]');
    });

  readonly #signOut = () =>
    this.#run(async () => {
      await api.call('POST /auth/logout');
      announceUser(null);
      this.#go('signin');
      this.notice = 'You are signed out.';
      if (this.view === 'menu') this.#close();
    });

  #field(name: string, label: string, type: string, autocomplete: string, note = '', value = ''): TemplateResult {
    return accountField({ id: name, name, label, type, autocomplete, note, value, error: this.fieldErrors[name] });
  }

  #providerLinks(): TemplateResult | typeof nothing {
    const here = new URL(location.href);
    here.searchParams.delete('auth_error');
    const links = this.providers.flatMap((provider) => {
      const url = new URL(provider.startUrl, location.href);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return [];
      url.searchParams.set('returnTo', here.pathname + here.search + here.hash);
      return [html`<li><a class="provider" href=${url.href}>Continue with ${provider.name}</a></li>`];
    });
    return links.length > 0 ? html`<ul aria-label="Other ways to sign in">${links}</ul>` : nothing;
  }

  #panel(): TemplateResult {
    const user = this.user;
    if (user && !user.emailVerified) {
      return html`<h2 id="title">Verify your email</h2>
        <p>
          ${this.codeNote || html`Enter the 6-digit code we mailed to <strong>${this.sentTo || user.email}</strong>.`}
          Verifying lets you comment.
        </p>
        <form @submit=${this.#verify}>
          ${this.#field('code', 'Code', 'text', 'one-time-code', 'The code is valid for 10 minutes.')}
          <div class="row">
            <button type="submit" ?disabled=${this.busy}>Verify</button>
            <button type="button" class="resend" ?disabled=${this.busy || this.resendIn > 0} @click=${this.#resend}>
              ${this.resendIn > 0 ? `Resend code in ${this.resendIn} s` : 'Resend code'}
            </button>
            <button type="button" class="link" @click=${this.#signOut}>Sign out</button>
          </div>
        </form>`;
    }
    if (user) {
      return html`<h2 id="title">Your account</h2>
        <p>Signed in as <strong>${user.name}</strong> (${user.email}).</p>
        <div class="row">
          <button type="button" ?disabled=${this.busy} @click=${this.#signOut}>Sign out</button>
          ${this.view === 'menu' ? html`<a class="provider" href="/account/">Account settings</a>` : nothing}
        </div>`;
    }
    if (this.step === 'forgot') {
      return html`<h2 id="title">Reset your password</h2>
        <form @submit=${this.#forgot}>
          ${this.#field('email', 'Email', 'email', 'email', 'We mail a code to this address if it has an account.')}
          <div class="row">
            <button type="submit" ?disabled=${this.busy}>Send code</button>
            <button type="button" class="link" @click=${() => this.#go('signin')}>Back to sign in</button>
          </div>
        </form>`;
    }
    if (this.step === 'reset') {
      return html`<h2 id="title">Choose a new password</h2>
        <p>If <strong>${this.resetEmail}</strong> has an account, a 6-digit code is on its way there.</p>
        <form @submit=${this.#reset}>
          ${this.#field('code', 'Code', 'text', 'one-time-code', 'The code is valid for 10 minutes.')}
          ${this.#field('password', 'New password', 'password', 'new-password', 'At least 10 characters, not a common one.')}
          <div class="row">
            <button type="submit" ?disabled=${this.busy}>Change password</button>
            <button
              type="button"
              class="resend"
              ?disabled=${this.busy || this.resendIn > 0}
              @click=${() => this.#sendReset(this.resetEmail)}
            >
              ${this.resendIn > 0 ? `Send a new code in ${this.resendIn} s` : 'Send a new code'}
            </button>
            <button type="button" class="link" @click=${() => this.#go('signin')}>Back to sign in</button>
          </div>
        </form>`;
    }
    if (this.step === 'signup') {
      return html`<h2 id="title">Create an account</h2>
        <form @submit=${this.#signUp}>
          ${this.#field('name', 'Name', 'text', 'name', 'Shown with your comments.')}
          ${this.#field('email', 'Email', 'email', 'email', 'We mail you a code to verify it.')}
          ${this.#field('password', 'Password', 'password', 'new-password', 'At least 10 characters, not a common one.')}
          <div class="row">
            <button type="submit" ?disabled=${this.busy}>Create account</button>
            <button type="button" class="link" @click=${() => this.#go('signin')}>I have an account</button>
          </div>
        </form>
        ${this.#providerLinks()}`;
    }
    return html`<h2 id="title">Sign in</h2>
      <form @submit=${this.#signIn}>
        ${this.#field('email', 'Email', 'email', 'email', '', this.resetEmail)}
        ${this.#field('password', 'Password', 'password', 'current-password')}
        <div class="row">
          <button type="submit" ?disabled=${this.busy}>Sign in</button>
          <button type="button" class="link" @click=${() => this.#go('signup')}>Create an account</button>
          <button type="button" class="link" @click=${() => this.#go('forgot')}>Forgot your password?</button>
        </div>
      </form>
      ${this.#providerLinks()}`;
  }

  #content(): TemplateResult {
    return html`${this.#panel()}
      <p class="error" aria-live="assertive">${this.message}</p>
      <p role="status">${this.notice}</p>`;
  }

  override render() {
    if (this.user === undefined) return html`<slot></slot>`;
    if (this.view === 'page') return this.#content();
    return html`<button class="trigger" type="button" aria-haspopup="dialog" @click=${() => this.#open()}>
        ${this.user ? this.user.name : 'Sign in'}
      </button>
      <dialog aria-labelledby="title" @close=${() => this.trigger?.focus()}>
        ${this.#content()}
        <div class="row"><button type="button" @click=${this.#close}>Close</button></div>
      </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'blog-account': BlogAccount;
  }
}
