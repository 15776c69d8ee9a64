/**
 * `npm run index -- --watch`: keeps the index current while corpus/ changes.
 *
 * fs.watch on the folder says when to look; a slow poll of the files' stamps
 * catches what it misses. Measured on Linux (inotify, ext4): fs.watch reported
 * every write of a 200-file copy, atomic saves, appends and deletes, but
 * nothing at all once the folder was replaced (renamed away and created
 * again, as a checkout or a sync can do); network and container mounts often
 * report nothing either. The poll covers those cases and watches the new folder.
 *
 * Changes are debounced: an update starts after a quiet spell, or after a
 * maximum wait so a constant trickle of writes still gets indexed. Whether an
 * update is needed is decided by the folder's stamps, so editor swap files and
 * saves of nothing build nothing.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { corpusStamps } from '../corpus/read.js';
import { oneLine } from '../errors.js';
import type { BuildReport } from '../store/write/build-options.js';
import { renderUpdateLine } from './render.js';

export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface Timing {
  /** Quiet needed after the last change: an editor saving twice, or a copy of many files, is one update. */
  quietMs: number;
  /** Longest a change waits while others keep coming. */
  maxWaitMs: number;
  /** How often the stamps are compared, for changes fs.watch did not report. */
  pollMs: number;
}

export const DEFAULT_TIMING: Timing = { quietMs: 700, maxWaitMs: 5000, pollMs: 5000 };

/**
 * Runs `run` once changes stop for `quietMs` (or `maxWaitMs` after the first
 * of them), never two at once: changes during a run schedule one more.
 * `run` must not reject. `stop` cancels what is scheduled and waits for a run in progress.
 */
export function debounce(run: () => Promise<void>, timing: Pick<Timing, 'quietMs' | 'maxWaitMs'>, clock: Clock = realClock) {
  let first: number | undefined;
  let last = 0;
  let timer: unknown;
  let running: Promise<void> | undefined;
  let stopped = false;
  const arm = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (first === undefined || running || stopped) return;
    const due = Math.min(last + timing.quietMs, first + timing.maxWaitMs);
    timer = clock.setTimeout(fire, Math.max(0, due - clock.now()));
  };
  const fire = () => {
    timer = undefined;
    first = undefined;
    running = run().finally(() => {
      running = undefined;
      arm();
    });
  };
  return {
    get busy(): boolean {
      return running !== undefined;
    },
    changed(): void {
      if (stopped) return;
      last = clock.now();
      first ??= last;
      arm();
    },
    async stop(): Promise<void> {
      stopped = true;
      arm();
      await running;
    },
  };
}

/** The folder's document stamps as one comparable string; a folder that cannot be listed is a state too. */
export async function corpusSnapshot(corpusDir: string): Promise<string> {
  try {
    return JSON.stringify([...(await corpusStamps(corpusDir))]);
  } catch (error) {
    return `unlistable: ${oneLine(error)}`;
  }
}

/** Calls onChange on any change in the folder; returns the function that stops watching. */
export type WatchFolder = (dir: string, onChange: () => void) => () => void;

const fsWatch: WatchFolder = (dir, onChange) => {
  const watcher: FSWatcher = watch(dir, { persistent: false }, onChange);
  // Errors (the folder removed, too many watches) leave the poll in charge; a change is assumed.
  watcher.on('error', onChange);
  return () => watcher.close();
};

export interface CorpusWatchOptions {
  corpusDir: string;
  /** One incremental update under the index lock, waiting for another build that holds it. */
  update: () => Promise<BuildReport>;
  /** One line per update, per failure, per warning. */
  say: (line: string) => void;
  signal: AbortSignal;
  /** The corpus as the last build saw it: stamps taken before that build read the files. */
  seen: string;
  timing?: Timing;
  clock?: Clock;
  watchFolder?: WatchFolder;
}

/** Watches until the signal aborts, then waits for an update in progress; never throws for a bad file or a failed build. */
export async function watchCorpus(options: CorpusWatchOptions): Promise<void> {
  const { corpusDir, say, signal } = options;
  const timing = options.timing ?? DEFAULT_TIMING;
  const watchFolder = options.watchFolder ?? fsWatch;
  let seen = options.seen;

  const updates = debounce(
    async () => {
      // Taken before the build reads the files: a write during the build differs from it and brings another update.
      const now = await corpusSnapshot(corpusDir);
      if (now === seen) return;
      seen = now;
      try {
        say(renderUpdateLine(await options.update()));
      } catch (error) {
        say(`update failed: ${oneLine(error)} (retrying at the next change)`);
      }
    },
    timing,
    options.clock,
  );

  // The folder's identity: when it is replaced, the old watch goes silent and the new folder is watched.
  let watched: { ino: number | undefined; close: () => void } | undefined;
  const rewatch = async () => {
    const ino = await stat(corpusDir).then((s) => s.ino, () => undefined);
    if (watched && watched.ino === ino) return;
    watched?.close();
    watched = undefined;
    if (ino === undefined || signal.aborted) return;
    try {
      watched = { ino, close: watchFolder(corpusDir, () => updates.changed()) };
    } catch (error) {
      say(`warning: cannot watch ${corpusDir} (${oneLine(error)}): checking it every ${timing.pollMs / 1000} s instead`);
    }
  };
  // One poll at a time: on a slow disk two overlapping ones could each start a watch.
  let polling: Promise<void> | undefined;
  const poll = () =>
    (polling ??= (async () => {
      await rewatch();
      if ((await corpusSnapshot(corpusDir)) !== seen) updates.changed();
    })().finally(() => (polling = undefined)));

  // Starts the watch, and catches a change made between the last build and now.
  await poll();
  say(`Watching ${corpusDir} for changes (Ctrl-C to stop).`);
  const timer = setInterval(() => void poll(), timing.pollMs);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  clearInterval(timer);
  watched?.close();
  // A half-done build would be discarded anyway (generations publish whole); finishing it keeps its work.
  if (updates.busy) say('Finishing the update in progress, then stopping.');
  await updates.stop();
}

/**
 * An AbortSignal raised by the first SIGINT or SIGTERM, for a command that
 * stops cleanly; a second one gets the default (immediate exit). `release`
 * removes the handlers so other commands keep Node's default behaviour.
 */
export function stopOnSignals(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const stop = () => {
    release();
    controller.abort();
  };
  const release = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { signal: controller.signal, release };
}
