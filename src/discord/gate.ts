/**
 * Bounded concurrency: at most `max` questions run at once, the rest wait in
 * line. A burst queues (a few bytes each) instead of running 100 model calls
 * side by side; `idle()` lets shutdown wait for what is in flight.
 */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly max: number) {}

  get active(): number {
    return this.running + this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      const next = this.waiting.shift();
      if (next) next();
      else if (this.running === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  idle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
