/** deliver(): which failures are retried, after which waits, and when a repeat counts as sent. No network, no clock. */
import { DiscordAPIError, HTTPError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { alreadyAcknowledged, deliver, RETRY_DELAYS_MS } from '../src/discord/deliver.js';

const url = 'https://discord.com/api/v10/webhooks/1/interaction-token/messages/@original';
const serverError = (status = 500) => new HTTPError(status, 'Internal Server Error', 'PATCH', url, { body: {} });
const apiError = (code: number, status: number) => new DiscordAPIError({ code, message: 'no' }, code, status, 'POST', url, { body: {} });

/** A send that fails with each error in turn, then succeeds; and the waits deliver() asked for. */
function scripted(errors: unknown[]) {
  const waits: number[] = [];
  let calls = 0;
  const send = async () => {
    calls++;
    if (errors.length > 0) throw errors.shift();
  };
  const sleep = async (ms: number) => void waits.push(ms);
  return { send, sleep, waits, calls: () => calls };
}

describe('deliver', () => {
  it('retries a 5xx after 1 s, 2 s and 4 s, then gives up with the last error', async () => {
    const last = serverError(503);
    const s = scripted([serverError(), serverError(502), serverError(), last]);
    const retried: string[] = [];
    await expect(deliver(s.send, { delays: RETRY_DELAYS_MS, sleep: s.sleep, onRetry: (why) => retried.push(why) })).rejects.toBe(last);
    expect(s.waits).toEqual([1000, 2000, 4000]);
    expect(s.calls()).toBe(4);
    // What the log gets: the status, never the URL with its interaction token.
    expect(retried).toEqual(['HTTP 500', 'HTTP 502', 'HTTP 500']);
  });

  it('sends once the failure passes, and retries a reset connection or a timeout like a 5xx', async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const timeout = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    const s = scripted([serverError(), reset, timeout]);
    await expect(deliver(s.send, { delays: RETRY_DELAYS_MS, sleep: s.sleep })).resolves.toBe('sent');
    expect(s.calls()).toBe(4);
  });

  it('fails at once on a 4xx or anything unknown: retrying them cannot help', async () => {
    for (const error of [apiError(50013, 403), apiError(10062, 404), new TypeError('bad payload')]) {
      const s = scripted([error]);
      await expect(deliver(s.send, { delays: RETRY_DELAYS_MS, sleep: s.sleep })).rejects.toBe(error);
      expect(s.waits).toEqual([]);
    }
  });

  it("counts 'already acknowledged' on a retry as the lost attempt having landed, but not on the first attempt", async () => {
    const retriedInto = scripted([serverError(), apiError(40060, 400)]);
    await expect(deliver(retriedInto.send, { delays: RETRY_DELAYS_MS, sleep: retriedInto.sleep }, alreadyAcknowledged)).resolves.toBe('landed');
    // First time round it means someone else acknowledged the interaction (another process on the same shard).
    const first = apiError(40060, 400);
    const someoneElse = scripted([first]);
    await expect(deliver(someoneElse.send, { delays: RETRY_DELAYS_MS, sleep: someoneElse.sleep }, alreadyAcknowledged)).rejects.toBe(first);
  });
});
