/**
 * One writer at a time: every build (npm run index, and the implicit ones in
 * ask, eval and the bot's start) holds index/.lock, created exclusively and
 * naming its owner. A second builder waits, or with wait: false gets
 * INDEX_LOCKED at once. A lock whose owner is gone (a killed build) is stale
 * and taken over: on this host when its process no longer exists, from
 * another host (an index on a shared disk) after STALE_AFTER_MS. Readers never
 * take the lock: they follow current.json, which only ever names a complete
 * generation.
 */
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fail } from '../errors.js';

export const LOCK_FILE = '.lock';
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;
const POLL_MS = 200;

interface Owner {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * How long an unreadable lock file is given before it counts as abandoned: a
 * new owner writes its name just after creating the file, and a reader in
 * between must not take that for a crash (seen: two builds in one process).
 */
const UNREADABLE_GRACE_MS = 10_000;

/** Whether a lock's owner can no longer release it; `age` is how long ago the lock file was written. */
export function isStale(owner: Owner | undefined, age: number, now = Date.now()): boolean {
  if (!owner || !Number.isInteger(owner.pid)) return age > UNREADABLE_GRACE_MS;
  if (owner.host === hostname()) return !alive(owner.pid);
  return now - Date.parse(owner.since) > STALE_AFTER_MS;
}

async function readOwner(file: string): Promise<Owner | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Owner;
  } catch {
    return undefined;
  }
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
  let told = false;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies Owner));
        await handle.sync();
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(file);
    const written = await stat(file).then((s) => s.mtimeMs, () => undefined);
    if (written === undefined) continue;
    if (isStale(owner, Date.now() - written)) {
      await rm(file, { force: true });
      continue;
    }
    const who = owner ? `process ${owner.pid}, since ${owner.since}` : 'starting';
    if (options.wait === false) throw fail('INDEX_LOCKED', who);
    if (!told) options.onWait?.(`Another index build (${who}) is running: waiting for it to finish.`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  try {
    return await work();
  } finally {
    await rm(file, { force: true });
  }
}
