/**
 * Sending one reply through Discord's transient failures. The bot's REST
 * client is built with `retries: 0`, so this is the one place a reply is
 * tried again: after a 5xx, a reset connection or a request timeout (what
 * @discordjs/rest itself would retry, but within milliseconds, while Discord
 * is still failing), it waits 1 s, 2 s, 4 s — about 7 s in all — before
 * giving up. Anything else (a 4xx) fails at once; a 429 never gets here,
 * discord.js waits out Retry-After itself.
 *
 * A retry may repeat a request that did take effect: a 5xx or a timeout can
 * come after Discord acted. Each caller makes that harmless: a message post
 * carries a nonce Discord enforces (a repeat returns the first message), an
 * edit of @original is idempotent, and an interaction callback that meets
 * 40060 "already acknowledged" on a retry counts as sent (`landedBefore`).
 */
import { DiscordAPIError, HTTPError, RESTJSONErrorCodes } from 'discord.js';

export const RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000];

export interface RetryPolicy {
  /** The wait before each retry; its length is how many retries. */
  delays: readonly number[];
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (why: string, delayMs: number) => void;
}

/** 'sent', or 'landed' when a retry found an earlier attempt had taken effect. */
export type Delivery = 'sent' | 'landed';

export async function deliver(send: () => Promise<unknown>, policy: RetryPolicy, landedBefore: (error: unknown) => boolean = () => false): Promise<Delivery> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      await send();
      return 'sent';
    } catch (error) {
      // On the first attempt the same error means someone else acted (another process on this shard): not ours to count.
      if (attempt > 0 && landedBefore(error)) return 'landed';
      const why = transient(error);
      const delay = policy.delays[attempt];
      if (why === undefined || delay === undefined) throw error;
      policy.onRetry?.(why, delay);
      await sleep(delay);
    }
  }
}

/** 40060: the interaction was already acknowledged — by the attempt whose answer was lost, when it comes on a retry. */
export const alreadyAcknowledged = (error: unknown): boolean =>
  error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged;

/** Why a failure is worth a retry (a status or error code, never a URL: an interaction's URL holds its token), or undefined. */
function transient(error: unknown): string | undefined {
  if (error instanceof HTTPError || error instanceof DiscordAPIError) return error.status >= 500 ? `HTTP ${error.status}` : undefined;
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'AbortError') return 'timeout';
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    // A connection closed under the request, as Node (ECONNRESET) or undici (UND_ERR_SOCKET) reports it.
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return code;
  }
  return undefined;
}
