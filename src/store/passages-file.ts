/**
 * passages.bin: every passage of a generation as columns, read with one
 * readFile and never parsed into objects. As JSON, 2 million passages were
 * ~500 MB of text: past V8's longest string, so they could not even be read,
 * and as objects several times that in the heap. Here a passage is built only
 * when a query asks for its position.
 *   magic "QBPS", u32 version, u32 passages (n), u32 headerBytes,
 *   header: JSON { documents } (UTF-8), zero padding to 4 bytes,
 *   i32 columns label, doc, start, end, paragraph: n each,
 *   u32 offsets[n + 1] for each of text, after, tags, context (byte offsets into that column's blob),
 *   the four UTF-8 blobs, back to back; the file ends with the last.
 */
import { z } from 'zod';
import type { Passage, StoredDocument } from './format.js';
import { documentsSchema } from './format.js';

const MAGIC = 0x53504251; // "QBPS" little-endian
const VERSION = 1;
const HEADER = 16;
const NUMBERS = ['label', 'doc', 'start', 'end', 'paragraph'] as const;
const STRINGS = ['text', 'after', 'tags', 'context'] as const;

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
  const offsets = STRINGS.map(() => new Uint32Array(n + 1));
  // Byte lengths first, so each string is written once into the file's buffer: no blob is ever one JS string.
  STRINGS.forEach((key, s) => {
    const column = offsets[s]!;
    for (let i = 0; i < n; i++) column[i + 1] = column[i]! + Buffer.byteLength(passages[i]![key]);
  });
  const columnsAt = align4(HEADER + header.length);
  const blobsAt = columnsAt + NUMBERS.length * n * 4 + STRINGS.length * (n + 1) * 4;
  const bytes = Buffer.alloc(blobsAt + offsets.reduce((sum, column) => sum + column[n]!, 0));
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
  for (const column of offsets) {
    bytes.set(new Uint8Array(column.buffer), at);
    at += column.byteLength;
  }
  STRINGS.forEach((key, s) => {
    const column = offsets[s]!;
    for (let i = 0; i < n; i++) bytes.write(passages[i]![key], at + column[i]!, 'utf8');
    at += column[n]!;
  });
  return bytes;
}

/**
 * Passages by position over the file's bytes. A passage object exists only
 * while a query holds it; the number columns and each document's run of
 * positions are read without building one.
 */
export class PassageTable implements Iterable<Passage> {
  readonly length: number;

  constructor(
    readonly documents: readonly StoredDocument[],
    private readonly bytes: Buffer,
    private readonly numbers: Record<(typeof NUMBERS)[number], Int32Array>,
    private readonly offsets: Uint32Array[],
    private readonly blobsAt: number[],
    /** documentStart[d] .. documentStart[d + 1]: the positions of document d. */
    private readonly documentStart: Int32Array,
    /** label → position, -1 for none: a typed array, not a Map of millions of entries. */
    private readonly positionOf: Int32Array,
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

  /** Positions [first, end) of the document holding a position. */
  documentSpan(position: number): [number, number] {
    const doc = this.numbers.doc[position]!;
    return [this.documentStart[doc]!, this.documentStart[doc + 1]!];
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
    const passage = this.build(position);
    this.recent.set(position, passage);
    return passage;
  }

  private build(position: number): Passage {
    const { label, doc, start, end, paragraph } = this.numbers;
    return {
      label: label[position]!, doc: doc[position]!, start: start[position]!, end: end[position]!, paragraph: paragraph[position]!,
      text: this.string(0, position), after: this.string(1, position), tags: this.string(2, position), context: this.string(3, position),
    };
  }

  private string(column: number, position: number): string {
    const offsets = this.offsets[column]!;
    const from = offsets[position]!;
    const to = offsets[position + 1]!;
    // Most passages have no tags or context and end a paragraph: '' without a call into the decoder.
    return from === to ? '' : this.bytes.toString('utf8', this.blobsAt[column]! + from, this.blobsAt[column]! + to);
  }

  *[Symbol.iterator](): Iterator<Passage> {
    // Front to back once (a build reads every passage): past the cache, which would only churn.
    for (let i = 0; i < this.length; i++) yield this.build(i);
  }
}

/** Tags are stored as kind.start.end triples in base 36, comma-separated (annotate/tags.ts): nothing else may appear. */
const isTagByte = (b: number) => (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || b === 0x2e || b === 0x2c;

/**
 * Checks every column against the file's own counts and the manifest's
 * labelCount (an O(n) pass over typed arrays, a few ms per million), so a
 * damaged file is refused at load instead of answering from garbage. Throws a
 * RangeError naming the first defect; `bytes` must start 4-byte aligned.
 */
export function decodePassages(bytes: Buffer, labelCount: number): PassageTable {
  if (bytes.byteOffset % 4 !== 0 || bytes.length < HEADER) throw new RangeError('too short or misaligned');
  if (bytes.readUInt32LE(0) !== MAGIC || bytes.readUInt32LE(4) !== VERSION) throw new RangeError('not a passage file of this version');
  const n = bytes.readUInt32LE(8);
  const headerBytes = bytes.readUInt32LE(12);
  const columnsAt = align4(HEADER + headerBytes);
  const blobsStart = columnsAt + NUMBERS.length * n * 4 + STRINGS.length * (n + 1) * 4;
  if (bytes.length < blobsStart) throw new RangeError(`${bytes.length} bytes, its counts need ${blobsStart} before the text`);
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8', HEADER, HEADER + headerBytes));
  } catch {
    throw new RangeError('the document list is not valid JSON');
  }
  const parsed = z.object({ documents: documentsSchema }).safeParse(header);
  if (!parsed.success) throw new RangeError(`documents: ${parsed.error.issues[0]!.message}`);
  const { documents } = parsed.data;

  let at = bytes.byteOffset + columnsAt;
  const view = <T>(make: (offset: number) => T, byteLength: number): T => {
    const made = make(at);
    at += byteLength;
    return made;
  };
  const numbers = Object.fromEntries(NUMBERS.map((key) => [key, view((o) => new Int32Array(bytes.buffer, o, n), n * 4)])) as PassageTable['numbers'];
  const offsets = STRINGS.map(() => view((o) => new Uint32Array(bytes.buffer, o, n + 1), (n + 1) * 4));
  const blobsAt: number[] = [];
  let blobAt = blobsStart;
  offsets.forEach((column, s) => {
    if (column[0] !== 0) throw new RangeError(`the ${STRINGS[s]} column does not start at 0`);
    for (let i = 0; i < n; i++) if (column[i + 1]! < column[i]!) throw new RangeError(`passages.${i}: its ${STRINGS[s]} ends before it starts`);
    blobsAt.push(blobAt);
    blobAt += column[n]!;
  });
  if (blobAt !== bytes.length) throw new RangeError(`${bytes.length} bytes, its columns say ${blobAt}`);
  for (let b = blobsAt[2]!; b < blobsAt[3]!; b++) {
    if (isTagByte(bytes[b]!)) continue;
    const badAt = b - blobsAt[2]!;
    throw new RangeError(`passages.${offsets[2]!.findIndex((o) => o > badAt) - 1}: its tags hold a byte no tag has`);
  }

  const { label, doc, start, end, paragraph } = numbers;
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
      : !(paragraph[i]! > 0) ? `paragraph ${paragraph[i]} is not positive`
      : undefined;
    if (why) throw new RangeError(`passages.${i}: ${why}`);
    positionOf[label[i]!] = i;
    // Documents with no passages get an empty run at the position where they would be.
    while (nextDoc <= doc[i]!) documentStart[nextDoc++] = i;
  }
  while (nextDoc <= documents.length) documentStart[nextDoc++] = n;
  return new PassageTable(documents, bytes, numbers, offsets, blobsAt, documentStart, positionOf);
}
