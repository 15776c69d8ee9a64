/**
 * Sliding-window rate limits: at most `limit` events per key in any `windowMs`.
 * Bounded for a bot that runs for months: keys are kept in order of their
 * last event, so those idle for a whole window are dropped from the front as
 * time passes, and past `maxKeys` the longest idle goes first (it loses only
 * its history, so at worst it gets one question more). Clock injectable for tests.
 */
export class RateLimiter {
  /** Each key's allowed events within the window, and the number of its latest touch. */
  private readonly keys = new Map<string, { times: number[]; touch: number }>();
  /**
   * Touches, oldest first from `head`: an entry counts only while it is its
   * key's latest touch. A Map's own insertion order would do the same job,
   * but V8 scans past every entry deleted at a Map's front, so dropping
   * from the front cost O(maxKeys) per call once many users came and went.
   */
  private order: { key: string; touch: number }[] = [];
  private head = 0;
  private touches = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** How many keys are remembered. */
  get size(): number {
    return this.keys.size;
  }

  /** Records the event and returns true when it is within the limit. */
  allow(key: string): boolean {
    const now = this.now();
    for (let oldest = this.oldest(); oldest && now - oldest.times.at(-1)! >= this.windowMs; oldest = this.oldest()) this.drop(oldest.key);
    const recent = (this.keys.get(key)?.times ?? []).filter((t) => now - t < this.windowMs);
    const allowed = recent.length < this.limit;
    if (allowed) recent.push(now);
    // Touched again, so it moves to the back of the order.
    this.keys.set(key, { times: recent, touch: ++this.touches });
    this.order.push({ key, touch: this.touches });
    while (this.keys.size > this.maxKeys) this.drop(this.oldest()!.key);
    // Superseded touches are dropped once they outnumber the keys, so `order` stays within twice the keys (plus slack).
    if (this.order.length - this.head > 2 * this.keys.size + 1024) {
      this.order = this.order.slice(this.head).filter(({ key: k, touch }) => this.keys.get(k)?.touch === touch);
      this.head = 0;
    }
    return allowed;
  }

  /** The key touched longest ago (superseded touches in front of it are passed over for good). */
  private oldest(): { key: string; times: number[] } | undefined {
    for (; this.head < this.order.length; this.head++) {
      const { key, touch } = this.order[this.head]!;
      const entry = this.keys.get(key);
      if (entry?.touch === touch) return { key, times: entry.times };
    }
    return undefined;
  }

  private drop(key: string): void {
    this.keys.delete(key);
    this.head++;
  }
}
