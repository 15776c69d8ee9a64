/**
 * Positional reads of index files that stay open while a reader answers
 * from them (vectors.f32 and passages.bin past their resident size).
 */
import { closeSync, readSync } from 'node:fs';

/** Node refuses a single read of 2 GiB or more; a 2-million-row vectors file is 3 GB. */
const READ_CAP = 2 ** 30;

/** Fills `into` from byte `at` of the file; throws when the file ends first. */
export function readFully(fd: number, into: ArrayBufferView, at: number): void {
  const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
  for (let done = 0; done < bytes.length; ) {
    const read = readSync(fd, bytes, done, Math.min(bytes.length - done, READ_CAP), at + done);
    if (read === 0) throw new Error(`ends at byte ${at + done}`);
    done += read;
  }
}

/**
 * The descriptor is closed when its owner is collected (an index replaced by
 * a rebuild): a reader holds no more than the generation it answers from. An
 * open descriptor also keeps the file readable after a later build removes
 * its folder, as readers still answering from it need.
 */
const descriptors = new FinalizationRegistry<number>((fd) => closeSync(fd));

export function closeWhenCollected(owner: object, fd: number): void {
  descriptors.register(owner, fd);
}
