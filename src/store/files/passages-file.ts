/**
 * passages.bin: every passage of a generation as columns, never parsed into
 * objects. As JSON, 2 million passages were ~500 MB of text: past V8's
 * longest string, so they could not even be read, and as objects several
 * times that in the heap. Here a passage is built only when a query asks for
 * its position, and past RESIDENT_BYTES its strings stay on disk: one
 * positional read per passage, since a passage's four strings are adjacent.
 *   magic "QBPS", u32 version, u32 passages (n), u32 headerBytes,
 *   header: JSON { documents } (UTF-8), zero padding to 4 bytes,
 *   i32 columns label, doc, start, end, byteStart, paragraph: n each,
 *   u32 offsets[4n + 1]: string s of passage i (text, after, tags, context) is
 *   blob[offsets[4i + s], offsets[4i + s + 1]), byte offsets into
 *   the UTF-8 blob, which ends the file.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { z } from 'zod';
import { closeWhenCollected, readFully } from '../../fs/positional.js';
import type { Passage, StoredDocument } from './format.js';
import { documentsSchema, NO_BYTES } from './format.js';
import { RESIDENT_BYTES } from './vectors-file.js';

const MAGIC = 0x53504251; // "QBPS" little-endian
const VERSION = 3;
const HEADER = 16;
const NUMBERS = ['label', 'doc', 'start', 'end', 'byteStart', 'paragraph'] as const;
const STRINGS = ['text', 'after', 'tags', 'context'] as const;
const TAGS = STRINGS.indexOf('tags');
/** u32 offsets into the blob: one generation holds at most 4 GiB of text, ~18 million sentences of news. */
const MAX_BLOB = 2 ** 32 - 1;

const align4 = (n: number) => (n + 3) & ~3;
/**
 * Passages kept built by at(): a query builds a few hundred, so this holds
 * the last ~100 queries' (~20 MB at most) and a whole archive of the
 * addresses' size, which then never rebuilds one. Emptied at once when full:
 * one query in ~100 pays for rebuilding its own.
 */
const RECENT_PASSAGES = 65536;

export function encodePassages(documents: readonly StoredDocument[], passages: readonly Passage[]): Buffer {
  const n = passages.length;
  const header = Buffer.from(JSON.stringify({ documents }));
  const offsets = new Uint32Array(STRINGS.length * n + 1);
  // Byte lengths first, so each string is written once into the file's buffer: no blob is ever one JS string.
  let total = 0;
  for (let i = 0; i < n; i++) {
    STRINGS.forEach((key, s) => {
      total += Buffer.byteLength(passages[i]![key]);
      if (total > MAX_BLOB) throw new RangeError(`the passages hold more than ${MAX_BLOB} bytes of text: split the corpus across two indexes`);
      offsets[STRINGS.length * i + s + 1] = total;
    });
  }
  const columnsAt = align4(HEADER + header.length);
  const blobAt = columnsAt + NUMBERS.length * n * 4 + offsets.byteLength;
  const bytes = Buffer.alloc(blobAt + total);
  bytes.writeUInt32LE(MAGIC, 0);
  bytes.writeUInt32LE(VERSION, 4);
  bytes.writeUInt32LE(n, 8);
  bytes.writeUInt32LE(header.length, 12);
  header.copy(bytes, HEADER);
  let at = columnsAt;
  for (const key of NUMBERS) {
    const column = new Int32Array(bytes.buffer, bytes.byteOffset + at, n);
    for (let i = 0; i < n; i++) column[i] = passages[i]![key];
    at += n * 4;
  }
  bytes.set(new Uint8Array(offsets.buffer), at);
  for (let i = 0; i < n; i++) STRINGS.forEach((key, s) => bytes.write(passages[i]![key], blobAt + offsets[STRINGS.length * i + s]!, 'utf8'));
  return bytes;
}

/** The blob's bytes [from, to): a slice of the file in memory, or a positional read of the file. */
type BlobReader = (from: number, to: number) => Buffer;

/**
 * Passages by position over the file's columns. A passage object exists only
 * while a query holds it; the number columns and each document's run of
 * positions are read without building one.
 */
export class PassageTable implements Iterable<Passage> {
  readonly length: number;

  constructor(
    readonly documents: readonly StoredDocument[],
    private readonly numbers: Record<(typeof NUMBERS)[number], Int32Array>,
    /** 4 per passage, plus the end: see the file layout. */
    private readonly offsets: Uint32Array,
    private readonly blob: BlobReader,
    /** documentStart[d] .. documentStart[d + 1]: the positions of document d. */
    private readonly documentStart: Int32Array,
    /** label → position, -1 for none: a typed array, not a Map of millions of entries. */
    private readonly positionOf: Int32Array,
    /** Whether the tags were checked at load; a table read from disk checks each passage's as it builds it. */
    private readonly tagsChecked: boolean,
  ) {
    this.length = numbers.label.length;
  }

  label(position: number): number {
    return this.numbers.label[position]!;
  }

  /** Where a label's passage is; undefined for a label no passage holds (deleted from the graph, never reused). */
  position(label: number): number | undefined {
    const position = this.positionOf[label];
    return position === undefined || position < 0 ? undefined : position;
  }

  /** Whether position b holds a sentence of position a's paragraph; false outside the table. */
  sameParagraph(a: number, b: number): boolean {
    const { doc, paragraph } = this.numbers;
    return b >= 0 && b < this.length && doc[a] === doc[b] && paragraph[a] === paragraph[b];
  }

  /** The document holding a position. */
  documentOf(position: number): number {
    return this.numbers.doc[position]!;
  }

  /** Positions [first, end) of the document holding a position. */
  documentSpan(position: number): [number, number] {
    return this.documentPositions(this.documentOf(position));
  }

  /** Positions [first, end) of document d. */
  documentPositions(d: number): [number, number] {
    return [this.documentStart[d]!, this.documentStart[d + 1]!];
  }

  /**
   * A query asks for the same few hundred positions many times over (each
   * candidate's paragraph and neighbours overlap the next one's): the passages
   * built last are kept, as an array kept them all, and dropped together when
   * the cache is full. Callers share them and must not change them.
   */
  private readonly recent = new Map<number, Passage>();

  at(position: number): Passage | undefined {
    const kept = this.recent.get(position);
    if (kept) return kept;
    if (!Number.isInteger(position) || position < 0 || position >= this.length) return undefined;
    if (this.recent.size >= RECENT_PASSAGES) this.recent.clear();
    const passage = this.build(position, this.stringsOf(position, position + 1), this.offsets[STRINGS.length * position]!);
    this.recent.set(position, passage);
    return passage;
  }

  /** The blob bytes of passages [first, end), one read. */
  private stringsOf(first: number, end: number): Buffer {
    return this.blob(this.offsets[STRINGS.length * first]!, this.offsets[STRINGS.length * end]!);
  }

  /** Builds a passage from `strings`, the blob's bytes from offset `from` on. */
  private build(position: number, strings: Buffer, from: number): Passage {
    const { label, doc, start, end, byteStart, paragraph } = this.numbers;
    /** Where string s of this passage lies in `strings`. */
    const span = (s: number): [number, number] => [
      this.offsets[STRINGS.length * position + s]! - from,
      this.offsets[STRINGS.length * position + s + 1]! - from,
    ];
    const string = (s: number) => {
      const [a, b] = span(s);
      // Most passages have no tags or context and end a paragraph: '' without a call into the decoder.
      return a === b ? '' : strings.toString('utf8', a, b);
    };
    // The stored bytes are checked, before any decoding.
    if (!this.tagsChecked && !allTagBytes(strings, ...span(TAGS))) throw new RangeError(`passages.${position}: its tags hold a byte no tag has`);
    return {
      label: label[position]!, doc: doc[position]!, start: start[position]!, end: end[position]!, byteStart: byteStart[position]!,
      paragraph: paragraph[position]!,
      text: string(0), after: string(1), tags: string(TAGS), context: string(3),
    };
  }

  *[Symbol.iterator](): Iterator<Passage> {
    // Front to back once (a build reads every passage): past the cache, which would only churn, and in slices,
    // so a table on disk is read in a few hundred reads, not one per passage.
    const SLICE = 4096;
    for (let first = 0; first < this.length; first += SLICE) {
      const end = Math.min(first + SLICE, this.length);
      const strings = this.stringsOf(first, end);
      const from = this.offsets[STRINGS.length * first]!;
      for (let i = first; i < end; i++) yield this.build(i, strings, from);
    }
  }
}

/** Tags are stored as kind.start.end triples in base 36, comma-separated (annotate/tags.ts): nothing else may appear. */
const isTagByte = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || b === 0x2e || b === 0x2c;
const allTagBytes = (bytes: Uint8Array, from = 0, to = bytes.length) => {
  for (let b = from; b < to; b++) if (!isTagByte(bytes[b]!)) return false;
  return true;
};

/** Where the blob starts, from the first 16 bytes and the passage count; throws when they are not this format's. */
function layoutOf(head: Buffer): { n: number; headerBytes: number; columnsAt: number; blobAt: number } {
  if (head.byteOffset % 4 !== 0 || head.length < HEADER) throw new RangeError('too short or misaligned');
  if (head.readUInt32LE(0) !== MAGIC || head.readUInt32LE(4) !== VERSION) throw new RangeError('not a passage file of this version');
  const n = head.readUInt32LE(8);
  const headerBytes = head.readUInt32LE(12);
  const columnsAt = align4(HEADER + headerBytes);
  return { n, headerBytes, columnsAt, blobAt: columnsAt + NUMBERS.length * n * 4 + (STRINGS.length * n + 1) * 4 };
}

/**
 * Checks every column against the file's own counts and the manifest's
 * labelCount (an O(n) pass over typed arrays, a few ms per million), so a
 * damaged file is refused at load instead of answering from garbage. Throws a
 * RangeError naming the first defect. `head` holds the file up to its blob
 * (4-byte aligned); `blob` reads the rest, `resident` when that is memory.
 */
function decode(head: Buffer, fileBytes: number, blob: BlobReader, resident: Buffer | undefined, labelCount: number): PassageTable {
  const { n, headerBytes, columnsAt, blobAt } = layoutOf(head);
  if (head.length < blobAt) throw new RangeError(`${fileBytes} bytes, its counts need ${blobAt} before the text`);
  let header: unknown;
  try {
    header = JSON.parse(head.toString('utf8', HEADER, HEADER + headerBytes));
  } catch {
    throw new RangeError('the document list is not valid JSON');
  }
  const parsed = z.object({ documents: documentsSchema }).safeParse(header);
  if (!parsed.success) throw new RangeError(`documents: ${parsed.error.issues[0]!.message}`);
  const { documents } = parsed.data;

  const at = head.byteOffset + columnsAt;
  const numbers = Object.fromEntries(NUMBERS.map((key, k) => [key, new Int32Array(head.buffer, at + k * n * 4, n)])) as PassageTable['numbers'];
  const offsets = new Uint32Array(head.buffer, at + NUMBERS.length * n * 4, STRINGS.length * n + 1);
  if (offsets[0] !== 0) throw new RangeError('the text does not start at 0');
  for (let k = 0; k < STRINGS.length * n; k++) {
    if (offsets[k + 1]! < offsets[k]!) throw new RangeError(`passages.${Math.floor(k / STRINGS.length)}: its ${STRINGS[k % STRINGS.length]} ends before it starts`);
  }
  if (blobAt + offsets[STRINGS.length * n]! !== fileBytes) throw new RangeError(`${fileBytes} bytes, its columns say ${blobAt + offsets[STRINGS.length * n]!}`);
  if (resident) {
    for (let i = 0; i < n; i++) {
      if (!allTagBytes(resident, offsets[STRINGS.length * i + TAGS]!, offsets[STRINGS.length * i + TAGS + 1]!)) {
        throw new RangeError(`passages.${i}: its tags hold a byte no tag has`);
      }
    }
  }

  const { label, doc, start, end, byteStart, paragraph } = numbers;
  const documentStart = new Int32Array(documents.length + 1);
  const positionOf = new Int32Array(labelCount).fill(-1);
  let nextDoc = 0;
  for (let i = 0; i < n; i++) {
    const why =
      !(label[i]! >= 0 && label[i]! < labelCount) ? `label ${label[i]} is outside 0..${labelCount - 1}`
      : positionOf[label[i]!] !== -1 ? `label ${label[i]} is used twice`
      : !(doc[i]! >= 0 && doc[i]! < documents.length) ? `document ${doc[i]} is not in the list of ${documents.length}`
      : i > 0 && doc[i]! < doc[i - 1]! ? 'it is out of reading order'
      : !(start[i]! >= 0 && end[i]! >= start[i]!) ? `its span ${start[i]}..${end[i]} is not a span`
      : !(byteStart[i]! >= NO_BYTES) ? `byte offset ${byteStart[i]} is negative`
      : !(paragraph[i]! > 0) ? `paragraph ${paragraph[i]} is not positive`
      : undefined;
    if (why) throw new RangeError(`passages.${i}: ${why}`);
    positionOf[label[i]!] = i;
    // Documents with no passages get an empty run at the position where they would be.
    while (nextDoc <= doc[i]!) documentStart[nextDoc++] = i;
  }
  while (nextDoc <= documents.length) documentStart[nextDoc++] = n;
  return new PassageTable(documents, numbers, offsets, blob, documentStart, positionOf, resident !== undefined);
}

/** A whole passages.bin in memory (`bytes` 4-byte aligned). */
export function decodePassages(bytes: Buffer, labelCount: number): PassageTable {
  const { blobAt } = layoutOf(bytes);
  const blob = bytes.subarray(Math.min(blobAt, bytes.length));
  return decode(bytes.subarray(0, Math.min(blobAt, bytes.length)), bytes.length, (from, to) => blob.subarray(from, to), blob, labelCount);
}

/** `length` bytes of the file from `position`, in a buffer of their own (never pooled, so 4-byte aligned for typed-array views). */
function readExactly(fd: number, length: number, position: number): Buffer {
  const bytes = Buffer.alloc(length);
  readFully(fd, bytes, position);
  return bytes;
}

/**
 * Opens passages.bin: read whole up to `residentBytes` (as before: a query
 * then reads nothing), else only its columns, the text staying on disk.
 * Throws plain errors; the caller names the file.
 */
export function openPassages(file: string, labelCount: number, residentBytes = RESIDENT_BYTES): PassageTable {
  const fd = openSync(file, 'r');
  let onDisk = false;
  try {
    const { size } = fstatSync(fd);
    if (size <= residentBytes) return decodePassages(readExactly(fd, size, 0), labelCount);
    const { blobAt } = layoutOf(readExactly(fd, Math.min(HEADER, size), 0));
    const head = readExactly(fd, Math.min(blobAt, size), 0);
    const table = decode(head, size, (from, to) => readExactly(fd, to - from, blobAt + from), undefined, labelCount);
    closeWhenCollected(table, fd);
    onDisk = true;
    return table;
  } finally {
    if (!onDisk) closeSync(fd);
  }
}
