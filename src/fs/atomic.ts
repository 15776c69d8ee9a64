/**
 * Atomic file writes: write a sibling temp file, fsync it, rename it over
 * the target, fsync the folder. rename(2) on one filesystem is atomic, so a
 * reader sees either the old file or the new one, never half of either; the
 * folder's fsync makes the rename itself survive a power cut.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The same protocol for a file another library writes by path (hnswlib's
 * writeIndex): `write` fills the temp path, which is then fsynced and renamed.
 * With `nonEmpty`, an empty result counts as a failed write (hnswlib reports
 * none itself).
 */
export async function writeFileAtomicWith(path: string, write: (temp: string) => Promise<void>, { nonEmpty = false } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await write(temp);
    const handle = await open(temp, 'r+');
    try {
      if (nonEmpty && (await handle.stat()).size === 0) throw new Error(`${basename(path)} was written empty`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await syncFolder(dirname(path));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  return writeFileAtomicWith(path, async (temp) => {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  });
}
