/**
 * Atomic file writes: write a sibling temp file, fsync it, rename it over
 * the target, fsync the folder. rename(2) on one filesystem is atomic, so a
 * reader sees either the old file or the new one, never half of either; the
 * folder's fsync makes the rename itself survive a power cut. On any failure
 * (a full disk included) the temp file is removed and the target is untouched.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** fsync(2) of a file or a folder (a folder's makes the names in it durable). */
export async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function replaceWith(path: string, fill: (temp: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fill(temp);
    await rename(temp, path);
    await syncPath(dirname(path));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * The same protocol for a file another library writes by path (hnswlib's
 * writeIndex): `write` fills the temp path — and may check what it wrote,
 * throwing to abandon it — and the temp file is then fsynced and renamed.
 */
export function writeFileAtomicWith(path: string, write: (temp: string) => Promise<void>): Promise<void> {
  return replaceWith(path, async (temp) => {
    await write(temp);
    await syncPath(temp);
  });
}

export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  return replaceWith(path, async (temp) => {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}
