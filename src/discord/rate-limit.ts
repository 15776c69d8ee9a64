/**
 * Sliding-window rate limits: at most `limit` events per key in any `windowMs`.
 * Bounded for a bot that runs for months: keys are kept in order of their
 * last event, so those idle for a whole window are dropped from the front as
 * time passes, and past `maxKeys` the longest idle goes first (it loses only
 * its history, so at worst it gets one question more). Clock injectable for tests.
 */
export class RateLimiter {
  private readonly events = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** How many keys are remembered. */
  get size(): number {
    return this.events.size;
  }

  /** Records the event and returns true when it is within the limit. */
  allow(key: string): boolean {
    const now = this.now();
    this.forgetIdle(now);
    const recent = (this.events.get(key) ?? []).filter((t) => now - t < this.windowMs);
    const allowed = recent.length < this.limit;
    if (allowed) recent.push(now);
    // Re-inserted so the map stays ordered by last event.
    this.events.delete(key);
    if (recent.length > 0) this.events.set(key, recent);
    while (this.events.size > this.maxKeys) this.events.delete(this.events.keys().next().value!);
    return allowed;
  }

  private forgetIdle(now: number): void {
    for (const [key, times] of this.events) {
      if (now - times.at(-1)! < this.windowMs) break;
      this.events.delete(key);
    }
  }
}
