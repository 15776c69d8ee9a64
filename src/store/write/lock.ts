/**
 * One writer at a time: every build (npm run index, and the implicit ones in
 * ask, eval and the bot's start) holds an exclusive flock(2) on index/.lock.
 * The kernel drops that lock when the holder's process ends, however it ends
 * (SIGKILL, a crash, a reboot, a container restart), so there is no stale
 * lock to judge: no pid, host name or age is trusted, and a restarted
 * container whose bot is pid 1 again is never mistaken for the old owner.
 *
 * The file itself is never removed. Removing a locked file lets a waiter lock
 * the removed inode while a newcomer creates and locks a new one: two owners.
 * Its text names the holder for the waiting message only; a file in the
 * format older versions wrote (a JSON owner with no lock held) is locked and
 * rewritten like any other. Readers never take the lock: they follow
 * current.json, which only ever names a complete generation.
 *
 * On a network disk, flock works where the file system forwards it (Linux
 * NFS does, as a POSIX lock); builders on different hosts sharing one index
 * folder are otherwise not kept apart.
 */
import fsExt from 'fs-ext';
import { constants } from 'node:fs';
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fail } from '../../errors.js';

export const LOCK_FILE = '.lock';
const POLL_MS = 200;

/** Who holds the lock, as the holder wrote it: only ever shown, never trusted. */
interface Owner {
  pid: number;
  host: string;
  since: string;
}

/** Takes the lock if nobody holds it; false if somebody does. Never blocks a libuv thread. */
function tryLock(fd: number): Promise<boolean> {
  return new Promise((resolve, reject) =>
    fsExt.flock(fd, 'exnb', (error) => {
      if (!error) resolve(true);
      else if (error.code === 'EAGAIN' || error.code === 'EWOULDBLOCK') resolve(false);
      else reject(error);
    }),
  );
}

/** The holder as its lock file names it; 'starting' while a new holder has not written its name yet. */
async function holder(file: string): Promise<string> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as Owner;
    if (Number.isInteger(owner.pid)) return `process ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`}, since ${owner.since}`;
  } catch {
    // Empty or half-written: a holder that has just taken it.
  }
  return 'starting';
}

async function writeOwner(handle: FileHandle): Promise<void> {
  const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await handle.truncate(0);
  await handle.write(JSON.stringify(owner), 0);
}

export interface LockOptions {
  /** Wait for another build to finish (default), or fail at once with INDEX_LOCKED. */
  wait?: boolean;
  /** Told once when the build has to wait. */
  onWait?: (line: string) => void;
}

export async function withIndexLock<T>(indexDir: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  await mkdir(indexDir, { recursive: true });
  const file = join(indexDir, LOCK_FILE);
  // Not O_TRUNC: the file may be another holder's, whose name the waiting message shows.
  const handle = await open(file, constants.O_RDWR | constants.O_CREAT, 0o644);
  try {
    let told = false;
    while (!(await tryLock(handle.fd))) {
      if (options.wait === false) throw fail('INDEX_LOCKED', await holder(file));
      if (!told) options.onWait?.(`Another index build (${await holder(file)}) is running: waiting for it to finish.`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    await writeOwner(handle);
    try {
      return await work();
    } finally {
      // The name goes before the lock does, so no waiter reads a finished owner as the one it waits for.
      await handle.truncate(0).catch(() => undefined);
    }
  } finally {
    // Closing the only descriptor of this open file releases the lock; nobody else's lock is touched.
    await handle.close();
  }
}
