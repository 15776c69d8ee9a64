/** The binary files a generation is read from without loading them whole: passages.bin's columns and vectors.f32's rows. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Passage, StoredDocument } from '../src/store/format.js';
import { decodePassages, encodePassages } from '../src/store/passages-file.js';
import { openVectorRows } from '../src/store/vectors-file.js';
import { scratch } from './support/temp.js';

const documents: StoredDocument[] = [
  { name: 'café.txt', meta: { title: 'Zürich — “quoted”', date: '2024-01-02' } },
  { name: 'empty.txt', meta: {} },
  { name: 'b.md', meta: { publisher: 'Town News' } },
];

const passages: Passage[] = [
  { label: 4, doc: 0, start: 0, end: 20, paragraph: 1, text: 'Le maire a dit « oui ».', after: ' ', tags: '0.1.5', context: 'Amélie Dupont' },
  { label: 0, doc: 0, start: 21, end: 40, paragraph: 1, text: '日本語の文。😀', after: '', tags: '', context: '' },
  { label: 2, doc: 0, start: 42, end: 60, paragraph: 2, text: '', after: '\n\u00a0', tags: '1.0.a,2.b.z', context: '' },
  { label: 1, doc: 2, start: 0, end: 9, paragraph: 1, text: 'Plain ASCII.', after: '', tags: '', context: 'Mr Smith' },
];

/** The offsets column of a string field: header, padding, five i32 columns, then (n + 1) u32 per string column. */
function offsetsAt(bytes: Buffer, column: number): number {
  const n = bytes.readUInt32LE(8);
  const header = bytes.readUInt32LE(12);
  return ((16 + header + 3) & ~3) + 5 * n * 4 + column * (n + 1) * 4;
}

describe('passages.bin', () => {
  it('reads back every field of every passage, non-ASCII text and empty strings included, and the documents', () => {
    const table = decodePassages(encodePassages(documents, passages), 5);
    expect(table.length).toBe(passages.length);
    expect(table.documents).toEqual(documents);
    expect([...table]).toEqual(passages);
    expect(passages.map((_, i) => table.at(i))).toEqual(passages);
    expect([table.at(-1), table.at(4), table.at(1.5)]).toEqual([undefined, undefined, undefined]);
    // Built once while a query keeps asking for it, as an array element would be.
    expect(table.at(2)).toBe(table.at(2));
  });

  it('maps labels to positions, and each position to its document\'s run, an empty document included', () => {
    const table = decodePassages(encodePassages(documents, passages), 5);
    expect([0, 1, 2, 3, 4].map((label) => table.position(label))).toEqual([1, 3, 2, undefined, 0]);
    expect([0, 1, 2, 3].map((position) => table.documentSpan(position))).toEqual([[0, 3], [0, 3], [0, 3], [3, 4]]);
    expect(table.label(3)).toBe(1);
    // Passages 0 and 1 share document 0's first paragraph; 2 is its second; 3 is another document's first.
    expect([[0, 1], [1, 0], [1, 2], [2, 3], [3, 4], [0, -1]].map(([a, b]) => table.sameParagraph(a!, b!))).toEqual([true, true, false, false, false, false]);
  });

  it('holds an empty index', () => {
    const table = decodePassages(encodePassages([], []), 0);
    expect(table.length).toBe(0);
    expect([...table]).toEqual([]);
  });

  it('refuses a string column whose offsets go backwards, naming the passage', () => {
    const bytes = encodePassages(documents, passages);
    const text = offsetsAt(bytes, 0);
    // Passage 1's text end moved before its start.
    bytes.writeUInt32LE(0, text + 2 * 4);
    expect(() => decodePassages(bytes, 5)).toThrow(/passages\.1: its text ends before it starts/);
  });

  it('refuses offsets that point past the file, a truncated file, and another file altogether', () => {
    const bytes = encodePassages(documents, passages);
    const context = offsetsAt(bytes, 3);
    bytes.writeUInt32LE(1e6, context + passages.length * 4);
    expect(() => decodePassages(bytes, 5)).toThrow(/its columns say/);
    const whole = encodePassages(documents, passages);
    expect(() => decodePassages(whole.subarray(0, whole.length - 3), 5)).toThrow(/its columns say/);
    expect(() => decodePassages(whole.subarray(0, 40), 5)).toThrow(/its counts need/);
    expect(() => decodePassages(Buffer.from('{"format":4,"passages":[]}   '), 5)).toThrow(/not a passage file/);
  });

  it('refuses a damaged document list', () => {
    const bytes = encodePassages(documents, passages);
    bytes.write('[', 16);
    expect(() => decodePassages(bytes, 5)).toThrow(/not valid JSON/);
  });
});

describe('vectors.f32', () => {
  const dims = 3;
  const count = 40;
  const written = Float32Array.from({ length: count * dims }, (_, i) => Math.fround(i * 0.25 - 1.1));
  const rowOf = (label: number) => written.subarray(label * dims, (label + 1) * dims);

  async function vectorFile(): Promise<string> {
    const { dir } = await scratch(false);
    const file = join(dir, 'vectors.f32');
    await writeFile(file, new Uint8Array(written.buffer));
    return file;
  }

  // Resident: read whole at load (a small archive); on disk: read by runs of rows as asked (past RESIDENT_BYTES).
  for (const [mode, residentBytes] of [['read whole', 1 << 20], ['read from disk by row', 0]] as const) {
    it(`${mode}: returns exactly the rows written, one at a time, in any order with repeats, and all at once`, async () => {
      const rows = openVectorRows(await vectorFile(), dims, count, residentBytes);
      for (let label = 0; label < count; label++) expect(rows.row(label)).toEqual(rowOf(label));
      // Adjacent rows, rows a small gap apart, far apart, a repeat, out of order.
      const labels = [39, 3, 4, 5, 12, 0, 5, 30, 21];
      expect(rows.rowsOf(labels)).toEqual(labels.map(rowOf));
      expect(rows.rowsOf([])).toEqual([]);
      const all = new Float32Array((count + 1) * dims).fill(7);
      rows.readRows(all, count + 1);
      expect(all.subarray(0, count * dims)).toEqual(written);
      expect(all.subarray(count * dims)).toEqual(new Float32Array(dims).fill(7));
      expect(() => rows.row(count)).toThrow(RangeError);
      expect(() => rows.rowsOf([1, -1])).toThrow(RangeError);
    });
  }

  it('refuses a file of the wrong size', async () => {
    const file = await vectorFile();
    expect(() => openVectorRows(file, dims, count + 1)).toThrow(/480 bytes, expected 492/);
  });
});
