// The reader's session as every island on the page sees it: one GET /api/auth/session per page,
// and typed window events when it changes or when an island asks for the account dialog.
import { api } from './api';
import type { User } from './types';

export type { User };

/** What the account dialog should show when another island opens it. */
export type AccountStep = 'signin' | 'signup' | 'forgot' | 'reset';

/** Detail of `blog-auth-changed`: the signed-in user after the change, or null when signed out. */
export interface AuthChangedDetail {
  user: User | null;
}

/** Detail of `blog-account-requested`: which form to show to a signed-out reader. */
export interface AccountRequestedDetail {
  step: AccountStep;
}

declare global {
  interface WindowEventMap {
    /** Fired on window by <blog-account> after sign-in, sign-up, verification or sign-out. */
    'blog-auth-changed': CustomEvent<AuthChangedDetail>;
    /** Fired on window by an island that wants the account dialog opened; cancelled by the <blog-account> that opens it. */
    'blog-account-requested': CustomEvent<AccountRequestedDetail>;
  }
}

let session: Promise<User | null> | undefined;

/** The signed-in user (null when signed out or when the API cannot be reached), asked once per page. */
export function currentUser(): Promise<User | null> {
  session ??= api.call('GET /auth/session').then(
    (body) => body.user,
    () => null,
  );
  return session;
}

/** Records the new session state and tells every island on the page. */
export function announceUser(user: User | null): void {
  session = Promise.resolve(user);
  window.dispatchEvent(new CustomEvent('blog-auth-changed', { detail: { user } }));
}

/**
 * Asks the page's <blog-account> to open its dialog at `step` (at verification for an unverified
 * user). True when one did (it cancels the event), so a link's default can be kept otherwise.
 */
export function requestAccount(step: AccountStep): boolean {
  return !window.dispatchEvent(new CustomEvent('blog-account-requested', { detail: { step }, cancelable: true }));
}
