/**
 * Bounded concurrency: at most `max` questions run at once, the rest wait in
 * line (the bot bounds the line: it admits at most a fixed number of
 * questions). A burst queues instead of running 100 model calls side by side.
 */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
