/** Sliding-window rate limits: at most `limit` events per key in any `windowMs`. Clock injectable for tests. */
export class RateLimiter {
  private readonly events = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the event and returns true when it is within the limit. */
  allow(key: string): boolean {
    const now = this.now();
    const recent = (this.events.get(key) ?? []).filter((t) => now - t < this.windowMs);
    const allowed = recent.length < this.limit;
    if (allowed) recent.push(now);
    this.events.set(key, recent);
    return allowed;
  }
}
