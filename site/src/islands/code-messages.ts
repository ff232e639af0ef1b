// What the account forms say about a mailed one-time code the API refused: how many tries are
// left, or that the code is used up or expired and a new one must be sent. Kept out of ./api so
// the comments island does not carry it.
import { ApiRequestError, errorText } from './api';

/** A refusal of the code itself (not the cooldown of sending one). */
export const isCodeError = (error: unknown): error is ApiRequestError =>
  error instanceof ApiRequestError && error.code.startsWith('otp_') && error.code !== 'otp_cooldown';

/** The code cannot work any more: only a new one helps. */
export const isSpentCode = (error: unknown): boolean =>
  error instanceof ApiRequestError &&
  (error.code === 'otp_exhausted' || error.code === 'otp_expired' || error.code === 'otp_missing');

/** How many tries the code has left, when the API said. */
function attemptsLeft(error: ApiRequestError): number | null {
  for (const detail of error.details) {
    if (typeof detail.attemptsLeft === 'number') return detail.attemptsLeft;
  }
  return null;
}

const tries = (n: number) => `${n} attempt${n === 1 ? '' : 's'} left`;

/** The sentence for the live region. */
export function codeErrorText(error: unknown): string {
  if (!(error instanceof ApiRequestError)) return errorText(error);
  if (error.code === 'otp_invalid') {
    const left = attemptsLeft(error);
    return left === null ? 'Wrong code.' : `Wrong code: ${tries(left)}.`;
  }
  if (error.code === 'otp_exhausted') return 'This code is used up — send a new one.';
  if (error.code === 'otp_expired') return 'This code has expired — send a new one.';
  if (error.code === 'otp_missing') return 'There is no code to check — send a new one.';
  return errorText(error);
}

/** The note under the code field ("Code …"). */
export function codeFieldError(error: ApiRequestError): string {
  if (error.code === 'otp_invalid') {
    const left = attemptsLeft(error);
    return left === null ? 'is wrong' : `is wrong: ${tries(left)}`;
  }
  return 'cannot be used any more: send a new one';
}
