/**
 * vectors.f32 (labelCount rows × dims float32, row = label). hnswlib already
 * holds every vector in its graph, so loading this file whole as well holds
 * them twice: 3 GB more at 2 million sentences. Up to RESIDENT_BYTES it is
 * read whole all the same, as before: a query then reads nothing (~100 MB for
 * the 61,600 sentences of the addresses). Past it the file stays on disk, and
 * rows are read with positional reads, a run of adjacent rows in one read (a
 * build's copies of old vectors; an update copies the file itself, store/write/write). A reader's queries
 * take their rows from the loaded graph instead (store/read/load.ts, searchView).
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { closeWhenCollected, readFully } from '../../fs/positional.js';

export interface VectorRows {
  readonly dims: number;
  readonly rows: number;
  /** Whether the whole file was read at load (up to RESIDENT_BYTES): rows then cost no read. */
  readonly resident: boolean;
  /** One row; do not write to it. */
  row(label: number): Float32Array;
  /** The rows of these labels, in order, with as few reads as the runs among them allow; do not write to them. */
  rowsOf(labels: readonly number[]): Float32Array[];
}

/** Files up to this size are read whole at load; beyond it, rows are read as queries need them. */
export const RESIDENT_BYTES = 256 * 2 ** 20;
/** Rows between two wanted ones read through rather than read apart: a read costs as much as ~10 rows of bytes. */
const GAP_ROWS = 8;

/**
 * Opens the file and checks its size; throws (plain errors: the caller names
 * the file) when it does not hold rows × dims floats.
 */
export function openVectorRows(file: string, dims: number, rows: number, residentBytes = RESIDENT_BYTES): VectorRows {
  const fd = openSync(file, 'r');
  const bytes = rows * dims * 4;
  let resident: Float32Array | undefined;
  try {
    const { size } = fstatSync(fd);
    if (size !== bytes) throw new Error(`${size} bytes, expected ${bytes}`);
    if (bytes <= residentBytes) {
      resident = new Float32Array(rows * dims);
      readFully(fd, resident, 0);
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const check = (label: number) => {
    if (!(Number.isInteger(label) && label >= 0 && label < rows)) throw new RangeError(`no vector row ${label} of ${rows}`);
  };
  if (resident) {
    closeSync(fd);
    const all = resident;
    const row = (label: number) => {
      check(label);
      return all.subarray(label * dims, (label + 1) * dims);
    };
    return { dims, rows, resident: true, row, rowsOf: (labels) => labels.map(row) };
  }
  const reader: VectorRows = {
    dims,
    rows,
    resident: false,
    row: (label) => reader.rowsOf([label])[0]!,
    rowsOf(labels) {
      labels.forEach(check);
      const sorted = [...new Set(labels)].sort((a, b) => a - b);
      const found = new Map<number, Float32Array>();
      for (let i = 0; i < sorted.length; ) {
        let end = i + 1;
        while (end < sorted.length && sorted[end]! - sorted[end - 1]! <= GAP_ROWS) end++;
        const first = sorted[i]!;
        const run = new Float32Array((sorted[end - 1]! - first + 1) * dims);
        readFully(fd, run, first * dims * 4);
        for (let k = i; k < end; k++) found.set(sorted[k]!, run.subarray((sorted[k]! - first) * dims, (sorted[k]! - first + 1) * dims));
        i = end;
      }
      return labels.map((label) => found.get(label)!);
    },
  };
  closeWhenCollected(reader, fd);
  return reader;
}
