/** The binary files a generation is read from without loading them whole: passages.bin's columns and vectors.f32's rows. */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_BYTES, type Passage, type StoredDocument } from '../src/store/files/format.js';
import { decodePassages, encodePassages, openPassages } from '../src/store/files/passages-file.js';
import { openVectorRows } from '../src/store/files/vectors-file.js';
import { scratch } from './support/temp.js';

const documents: StoredDocument[] = [
  { name: 'café.txt', meta: { title: 'Zürich — “quoted”', date: '2024-01-02' } },
  { name: 'empty.txt', meta: {} },
  { name: 'b.md', meta: { publisher: 'Town News' } },
];

const passages: Passage[] = [
  { label: 4, doc: 0, start: 0, end: 20, byteStart: 0, paragraph: 1, text: 'Le maire a dit « oui ».', after: ' ', tags: '0.1.5', context: 'Amélie Dupont' },
  { label: 0, doc: 0, start: 21, end: 40, byteStart: 2 ** 31 - 1, paragraph: 1, text: '日本語の文。😀', after: '', tags: '', context: '' },
  { label: 2, doc: 0, start: 42, end: 60, byteStart: 47, paragraph: 2, text: '', after: '\n\u00a0', tags: '1.0.a,2.b.z', context: '' },
  { label: 1, doc: 2, start: 0, end: 9, byteStart: NO_BYTES, paragraph: 1, text: 'Plain ASCII.', after: '', tags: '', context: 'Mr Smith' },
];

/** Where string s of passage i starts in the offsets: header, padding, six i32 columns, then 4 u32 per passage and one more. */
function offsetAt(bytes: Buffer, i: number, s: number): number {
  const n = bytes.readUInt32LE(8);
  const header = bytes.readUInt32LE(12);
  return ((16 + header + 3) & ~3) + 6 * n * 4 + (4 * i + s) * 4;
}

/** passages.bin as the store writes it. */
async function passageFile(bytes: Buffer): Promise<string> {
  const { dir } = await scratch(false);
  const file = join(dir, 'passages.bin');
  await writeFile(file, bytes);
  return file;
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
    // Passage 1's text end (its after's start) moved before its start.
    bytes.writeUInt32LE(0, offsetAt(bytes, 1, 1));
    expect(() => decodePassages(bytes, 5)).toThrow(/passages\.1: its text ends before it starts/);
  });

  it('refuses offsets that point past the file, a truncated file, and another file altogether', () => {
    const bytes = encodePassages(documents, passages);
    bytes.writeUInt32LE(1e6, offsetAt(bytes, passages.length, 0));
    expect(() => decodePassages(bytes, 5)).toThrow(/its columns say/);
    const whole = encodePassages(documents, passages);
    expect(() => decodePassages(whole.subarray(0, whole.length - 3), 5)).toThrow(/its columns say/);
    expect(() => decodePassages(whole.subarray(0, 40), 5)).toThrow(/its counts need/);
    expect(() => decodePassages(Buffer.from('{"format":4,"passages":[]}   '), 5)).toThrow(/not a passage file/);
  });

  it('refuses a byte offset below "none", naming the passage', () => {
    const bytes = encodePassages(documents, passages);
    const n = passages.length;
    const byteStarts = ((16 + bytes.readUInt32LE(12) + 3) & ~3) + 4 * n * 4;
    bytes.writeInt32LE(NO_BYTES - 1, byteStarts + 2 * 4);
    expect(() => decodePassages(bytes, 5)).toThrow(/passages\.2: byte offset -2 is negative/);
  });

  it('refuses a damaged document list', () => {
    const bytes = encodePassages(documents, passages);
    bytes.write('[', 16);
    expect(() => decodePassages(bytes, 5)).toThrow(/not valid JSON/);
  });

  // Past RESIDENT_BYTES only the columns are read at load; each passage's strings come with one read of the file.
  for (const [mode, residentBytes] of [['read whole', 1 << 20], ['text left on disk', 0]] as const) {
    it(`${mode}: opened from its file, gives the same passages by position, by label and front to back`, async () => {
      const table = openPassages(await passageFile(encodePassages(documents, passages)), 5, residentBytes);
      expect(passages.map((_, i) => table.at(i))).toEqual(passages);
      expect([...table]).toEqual(passages);
      expect([0, 1, 2, 3, 4].map((label) => table.position(label))).toEqual([1, 3, 2, undefined, 0]);
      expect(table.documents).toEqual(documents);
    });
  }

  it('text left on disk: refuses a damaged tag when the passage is built, and a truncated file at open', async () => {
    const bytes = encodePassages(documents, passages);
    // Passage 2's tags start with "1": made a byte no tag has.
    bytes[bytes.lastIndexOf('1.0.a')] = 0x58;
    const table = openPassages(await passageFile(bytes), 5, 0);
    expect(table.at(1)!.text).toBe(passages[1]!.text);
    expect(() => table.at(2)).toThrow(/passages\.2: its tags hold a byte no tag has/);
    const short = await passageFile(encodePassages(documents, passages).subarray(0, bytes.length - 1));
    expect(() => openPassages(join(dirname(short), 'gone.bin'), 5, 0)).toThrow(/ENOENT/);
    expect(() => openPassages(short, 5, 0)).toThrow(/its columns say/);
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
      expect(rows.resident).toBe(residentBytes > 0);
      expect(() => rows.row(count)).toThrow(RangeError);
      expect(() => rows.rowsOf([1, -1])).toThrow(RangeError);
    });
  }

  it('refuses a file of the wrong size', async () => {
    const file = await vectorFile();
    expect(() => openVectorRows(file, dims, count + 1)).toThrow(/480 bytes, expected 492/);
  });
});
