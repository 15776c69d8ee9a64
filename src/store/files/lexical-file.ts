/**
 * lexical.bin: the BM25 postings in one file that loads as typed-array views,
 * with no parsing beyond splitting the term list.
 *   magic "QBLX", u32 version, u32 terms, u32 postings, u32 passages, u32 termBytes,
 *   terms (UTF-8, '\n'-separated; terms are letters and digits only), zero padding to 4 bytes,
 *   u32 offsets[terms + 1], u32 postings[postings], u16 frequencies[postings], u16 lengths[passages]
 */
import type { LexicalData } from '../../lexical/bm25.js';

const MAGIC = 0x584c4251; // "QBLX" little-endian
const VERSION = 1;
const HEADER = 24;

const align4 = (n: number) => (n + 3) & ~3;

export function encodeLexical(data: LexicalData): Uint8Array {
  const termBytes = new TextEncoder().encode(data.terms.join('\n'));
  const start = align4(HEADER + termBytes.length);
  const size = start + data.offsets.byteLength + data.postings.byteLength + data.frequencies.byteLength + data.lengths.byteLength;
  const bytes = new Uint8Array(align4(size));
  new Uint32Array(bytes.buffer, 0, 6).set([MAGIC, VERSION, data.terms.length, data.postings.length, data.lengths.length, termBytes.length]);
  bytes.set(termBytes, HEADER);
  let at = start;
  for (const array of [data.offsets, data.postings, data.frequencies, data.lengths]) {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += array.byteLength;
  }
  return bytes;
}

/** Views over `bytes` (which must start 4-byte aligned); throws a RangeError naming the defect. */
export function decodeLexical(bytes: Uint8Array): LexicalData {
  if (bytes.byteOffset % 4 !== 0 || bytes.length < HEADER) throw new RangeError('too short or misaligned');
  const [magic, version, termCount, postingCount, passageCount, termBytes] = new Uint32Array(bytes.buffer, bytes.byteOffset, 6) as unknown as number[];
  if (magic !== MAGIC || version !== VERSION) throw new RangeError('not a lexical index of this version');
  let at = bytes.byteOffset + align4(HEADER + termBytes!);
  const expected = at - bytes.byteOffset + (termCount! + 1) * 4 + postingCount! * 6 + passageCount! * 2;
  if (bytes.length < expected) throw new RangeError(`${bytes.length} bytes, expected ${expected}`);
  const take = <T>(make: (offset: number) => T, byteLength: number): T => {
    const view = make(at);
    at += byteLength;
    return view;
  };
  const terms = termCount === 0 ? [] : new TextDecoder().decode(bytes.subarray(HEADER, HEADER + termBytes!)).split('\n');
  const offsets = take((o) => new Uint32Array(bytes.buffer, o, termCount! + 1), (termCount! + 1) * 4);
  const postings = take((o) => new Uint32Array(bytes.buffer, o, postingCount!), postingCount! * 4);
  const frequencies = take((o) => new Uint16Array(bytes.buffer, o, postingCount!), postingCount! * 2);
  const lengths = take((o) => new Uint16Array(bytes.buffer, o, passageCount!), passageCount! * 2);
  if (terms.length !== termCount || offsets[termCount!] !== postingCount) throw new RangeError('term list and postings disagree');
  return { terms, offsets, postings, frequencies, lengths };
}
