/**
 * What the manifest records about each file of a generation: its size and a
 * CRC-32, which zlib computes at gigabytes a second — fast enough to check a
 * whole archive's index on demand (`npm run index -- --verify`). It catches
 * truncation and garbling, not tampering, which is all an index needs.
 */
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

export interface FileCheck {
  bytes: number;
  crc32: number;
}

export function checkOfBytes(data: string | Uint8Array): FileCheck {
  return extendCheck({ bytes: 0, crc32: 0 }, data);
}

/** The check of a file after `more` is appended to it: CRC-32 continues from the file's own, so nothing is read again. */
export function extendCheck(check: FileCheck, more: string | Uint8Array): FileCheck {
  const bytes = typeof more === 'string' ? Buffer.from(more) : more;
  // Node 20's crc32 of an empty view of an empty buffer is 0, whatever value it continues from.
  if (bytes.length === 0) return check;
  return { bytes: check.bytes + bytes.length, crc32: crc32(bytes, check.crc32) };
}

/** Reads the file once, in 4 MiB slices, so a multi-gigabyte graph never sits in memory whole. */
export async function checkOfFile(path: string): Promise<FileCheck> {
  const handle = await open(path, 'r');
  try {
    const slice = Buffer.allocUnsafe(4 << 20);
    let value = 0;
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(slice, 0, slice.length, bytes);
      if (bytesRead === 0) return { bytes, crc32: value };
      value = crc32(slice.subarray(0, bytesRead), value);
      bytes += bytesRead;
    }
  } finally {
    await handle.close();
  }
}
