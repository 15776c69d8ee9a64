/**
 * vectors.f32 (labelCount rows × dims float32, row = label), read by row.
 * hnswlib already holds every vector in its graph; loading this file whole
 * as well held them twice (3 GB more at 2 million sentences). A query needs
 * a few hundred rows: positional reads of 1.5 KB each from the page cache
 * (~1–2 µs; hnswlib's getPoint measured 30–60 µs, as it copies through a JS array).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface VectorRows {
  readonly dims: number;
  readonly rows: number;
  /** A fresh copy of one row. */
  row(label: number): Float32Array;
  /** Rows [0, count) into target, in one read: how a build carries the previous generation's vectors over. */
  readRows(target: Float32Array, count: number): void;
}

/**
 * The descriptor is closed when the reader is collected (an index replaced
 * by a rebuild): a reader holds no more than the generation it answers from.
 * An open descriptor also keeps the file readable after a later build removes
 * its folder, as readers still answering from it need.
 */
const descriptors = new FinalizationRegistry<number>((fd) => closeSync(fd));

/** Opens the file and checks its size; throws (plain errors: the caller names the file) when it does not hold rows × dims floats. */
export function openVectorRows(file: string, dims: number, rows: number): VectorRows {
  const fd = openSync(file, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size !== rows * dims * 4) throw new Error(`${size} bytes, expected ${rows * dims * 4}`);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const readFully = (into: Float32Array, at: number) => {
    const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
    for (let done = 0; done < bytes.length; ) {
      // One read is capped below 2 GiB by Node; a 2-million-row file is 3 GB.
      const read = readSync(fd, bytes, done, Math.min(bytes.length - done, 1 << 30), at + done);
      if (read === 0) throw new Error(`ends at byte ${at + done}`);
      done += read;
    }
  };
  const reader: VectorRows = {
    dims,
    rows,
    row(label) {
      if (!(Number.isInteger(label) && label >= 0 && label < rows)) throw new RangeError(`no vector row ${label} of ${rows}`);
      const vector = new Float32Array(dims);
      readFully(vector, label * dims * 4);
      return vector;
    },
    readRows(target, count) {
      readFully(target.subarray(0, Math.min(count, rows) * dims), 0);
    },
  };
  descriptors.register(reader, fd);
  return reader;
}
