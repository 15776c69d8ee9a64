/**
 * A local JSON-lines file that several processes append to at once (the
 * bot's shards, the CLI), bounded by size and by age: the question log and
 * the 👍/👎 file.
 *
 * - Whole lines only: each line is one write(2) with O_APPEND, which the
 *   kernel places at the end in one piece, so lines from two processes never
 *   interleave and a process killed mid-append leaves no half line. A write
 *   the disk cut short is closed by a newline before the next line, and
 *   readers skip a line that is not JSON (readLines).
 * - By size: at `maxBytes` the file is renamed to `<file>.1` (replacing the
 *   older one), so at most about twice `maxBytes` is kept.
 * - By age: lines older than `days` are dropped (prune), at start and daily.
 * Appends take a shared flock(2) on `<file>.lock`, a rotation or a prune an
 * exclusive one: nothing is ever appended to a file being renamed or rewritten.
 */
import fsExt from 'fs-ext';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';

const POLL_MS = 5;
const DAY_MS = 86_400_000;

export interface AppendLogOptions {
  file: string;
  /** Size at which the file is rotated to `<file>.1`. */
  maxBytes: number;
  /** Lines older than this many days are pruned; 0 keeps them (a log that is off is never written). */
  days: number;
  /** The clock lines are dated and pruned by (tests move it). */
  now?: () => number;
}

export interface AppendLog {
  /** Appends one record as one line, stamped with `at` (UTC) unless it has one. */
  append(record: Record<string, unknown>): Promise<void>;
  /** Drops lines older than the retention from the file and its rotated copy. */
  prune(): Promise<void>;
  /** Resolves when every append started so far has been written (or has failed). */
  flush(): Promise<void>;
}

/** The lines of a log and its rotated copy, oldest first, that parse as JSON objects: a torn or garbled line is skipped. */
export async function readLines(file: string): Promise<Record<string, unknown>[]> {
  const texts = await Promise.all([`${file}.1`, file].map((f) => readFile(f, 'utf8').catch(() => '')));
  return texts.flatMap((text) =>
    text.split('\n').flatMap((line) => {
      if (!line.trim()) return [];
      try {
        const value = JSON.parse(line) as unknown;
        return typeof value === 'object' && value !== null && !Array.isArray(value) ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    }),
  );
}

function lock(fd: number, mode: 'shnb' | 'exnb' | 'un'): Promise<boolean> {
  return new Promise((resolve, reject) =>
    fsExt.flock(fd, mode, (error) => {
      if (!error) resolve(true);
      else if (error.code === 'EAGAIN' || error.code === 'EWOULDBLOCK') resolve(false);
      else reject(error);
    }),
  );
}

/** Holds the log's lock (shared or exclusive) around `work`, polling without blocking a libuv thread. */
async function locked<T>(file: string, mode: 'shnb' | 'exnb', work: () => Promise<T>): Promise<T> {
  await mkdir(dirname(file), { recursive: true });
  const handle = await open(`${file}.lock`, constants.O_RDWR | constants.O_CREAT, 0o644);
  try {
    while (!(await lock(handle.fd, mode))) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    return await work();
  } finally {
    // Closing this descriptor releases its lock only.
    await handle.close();
  }
}

const dated = (line: string): number => {
  try {
    return Date.parse((JSON.parse(line) as { at?: string }).at ?? '');
  } catch {
    return Number.NaN;
  }
};

/** Rewrites a file without its lines older than `cutoff` (and those without a date); removes it when none is left. */
async function pruneFile(file: string, cutoff: number): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const kept = lines.filter((line) => dated(line) >= cutoff);
  if (kept.length === lines.length) return;
  if (kept.length === 0) await rm(file, { force: true });
  else await writeFileAtomic(file, `${kept.join('\n')}\n`);
}

export function appendLog({ file, maxBytes, days, now = Date.now }: AppendLogOptions): AppendLog {
  const pending = new Set<Promise<unknown>>();
  /** A write the disk cut short left a line without its end: the next line starts with one. */
  let torn = false;

  const rotateIfFull = () =>
    locked(file, 'exnb', async () => {
      // Another process may have rotated it while this one waited for the lock.
      const handle = await open(file, 'r').catch(() => undefined);
      const size = handle ? (await handle.stat()).size : 0;
      await handle?.close();
      if (size >= maxBytes) await rename(file, `${file}.1`);
    });

  const write = async (line: string) => {
    let full = false;
    await locked(file, 'shnb', async () => {
      let handle: FileHandle | undefined;
      try {
        handle = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o644);
        if ((await handle.stat()).size >= maxBytes) {
          full = true;
          return;
        }
        const bytes = Buffer.from(`${torn ? '\n' : ''}${line}\n`);
        const { bytesWritten } = await handle.write(bytes);
        torn = bytesWritten < bytes.length;
        if (torn) throw new Error(`only ${bytesWritten} of ${bytes.length} bytes written to ${file}`);
      } finally {
        await handle?.close();
      }
    });
    if (full) {
      await rotateIfFull();
      await write(line);
    }
  };

  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise)).catch(() => undefined);
    return promise;
  };

  return {
    append: (record) => track(write(JSON.stringify({ at: new Date(now()).toISOString(), ...record }))),
    prune: () =>
      days <= 0
        ? Promise.resolve()
        : track(
            locked(file, 'exnb', async () => {
              const cutoff = now() - days * DAY_MS;
              await pruneFile(`${file}.1`, cutoff);
              await pruneFile(file, cutoff);
            }),
          ),
    flush: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
