/**
 * The bot's health, one log line a period (HEALTH_LOG_SECONDS, default a
 * minute): memory, open file descriptors, the event loop's delay and the
 * index generation answering. What an operator watches for a slow leak, and
 * what `npm run soak` reads to judge weeks of running in minutes. The heap
 * is the live heap when the process runs with --expose-gc.
 */
import { readdir } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger } from 'pino';

export interface Health {
  rssMb: number;
  heapUsedMb: number;
  /** Open file descriptors (Linux's /proc/self/fd); null where there is no /proc. */
  fds: number | null;
  /** The 99th percentile of the event loop's delay over the period, in ms. */
  loopDelayP99Ms: number;
  generation: string;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * Under `node --expose-gc` (the soak runs the bot so) a full collection before
 * each reading, so the heap figure is what is live: otherwise it includes
 * garbage V8 has not yet got round to, whose amount follows its heuristics
 * (the soak's least-heap-of-the-minute still rose 34 -> 37 MB over the first
 * ten minutes, then stayed there for twenty). Absent in production: no forced pauses.
 */
const collect = (globalThis as { gc?: () => void }).gc;

/** Logs a health line every `periodMs` (0: never) until stopped; the timer never keeps the process alive. */
export function logHealth(logger: Logger, periodMs: number, generation: () => string): () => void {
  if (periodMs <= 0) return () => undefined;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const timer = setInterval(async () => {
    collect?.();
    const fds = await readdir('/proc/self/fd').then((entries) => entries.length, () => null);
    const { rss, heapUsed } = process.memoryUsage();
    const health: Health = { rssMb: mb(rss), heapUsedMb: mb(heapUsed), fds, loopDelayP99Ms: Math.round((delay.percentile(99) / 1e6) * 10) / 10, generation: generation() };
    delay.reset();
    logger.info({ health }, 'health');
  }, periodMs).unref();
  return () => {
    clearInterval(timer);
    delay.disable();
  };
}
