import { signedHeaders } from '@blog/contract/signature';
import type { Clock } from '../../lib/clock.js';
import type { PublishEvent } from './schema.js';

/** Hands one publish event to the builder; throwing makes the outbox retry with backoff. */
export type PublishDelivery = (event: PublishEvent) => Promise<void>;

export interface HttpDeliveryOptions {
  /** The builder's origin, e.g. http://127.0.0.1:4322 (BUILDER_URL). */
  builderUrl: string;
  secret: string;
  clock: Clock;
  /** Per attempt; a builder that hangs counts as down. */
  timeoutMs?: number;
}

/**
 * The webhook of DESIGN §3: POST `${builderUrl}/hooks/publish` with the
 * JSON event, signed with a fresh timestamp on every attempt (so a retry is
 * never mistaken for a replay). Anything but a 2xx answer throws.
 */
export function httpDelivery({ builderUrl, secret, clock, timeoutMs = 10_000 }: HttpDeliveryOptions): PublishDelivery {
  const url = `${builderUrl.replace(/\/+$/, '')}/hooks/publish`;
  return async (event) => {
    const body = JSON.stringify(event);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: signedHeaders(secret, body, clock()),
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new Error(
        `builder unreachable at ${url} (${error instanceof Error ? error.message : String(error)}${cause})`,
      );
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new Error(`builder answered ${response.status} ${text.slice(0, 300)}`.trim());
    }
    await response.body?.cancel();
  };
}

/** No builder configured: jobs stay in the outbox (retried with backoff) until one is. */
export const noBuilder: PublishDelivery = async () => {
  throw new Error('no builder: set BUILDER_URL, or run the API as one process with the builder in-process');
};
