/** Crash-safe writes: the target is the old file or the whole new one, and no temp file is left behind; the checks a manifest records. */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicWith } from '../src/fs/atomic.js';
import { checkOfBytes, extendCheck } from '../src/fs/checksum.js';
import { scratch } from './support/temp.js';

describe('atomic writes', () => {
  it('replaces a file whole', async () => {
    const { dir } = await scratch(false);
    const file = join(dir, 'a.json');
    await writeFileAtomic(file, 'old');
    await writeFileAtomic(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('keeps the old file and leaves no temp file when a library\'s write is found short or fails', async () => {
    const { dir } = await scratch(false);
    const file = join(dir, 'hnsw.bin');
    await writeFile(file, 'the old graph');
    // hnswlib on a full disk returns without an error; the caller's check of what it wrote rejects it.
    const shortWrite = async (temp: string) => {
      await writeFile(temp, 'half a gr');
      throw new Error('hnsw.bin: 9 bytes, shorter than its header');
    };
    await expect(writeFileAtomicWith(file, shortWrite)).rejects.toThrow(/shorter than its header/);
    await expect(writeFileAtomicWith(file, async () => Promise.reject(new Error('ENOSPC: no space left on device')))).rejects.toThrow(/ENOSPC/);
    expect(await readFile(file, 'utf8')).toBe('the old graph');
    expect(await readdir(dir)).toEqual(['hnsw.bin']);
  });
});

describe('file checks', () => {
  it('continues a file\'s CRC-32 over appended bytes to the CRC of the whole, and keeps it over nothing appended', () => {
    const whole = Buffer.from('vectors of the old rows, then the new rows');
    const old = checkOfBytes(whole.subarray(0, 24));
    expect(extendCheck(old, whole.subarray(24))).toEqual(checkOfBytes(whole));
    // An update that adds no sentence appends an empty view of an empty buffer (Node 20's crc32 gives 0 for it).
    const none = new Float32Array(0);
    expect(extendCheck(old, new Uint8Array(none.buffer, none.byteOffset, none.byteLength))).toEqual(old);
  });
});
