/**
 * templates.bin: each document's templateKeys (segment/chrome), as 64-bit
 * hashes, in the order of the generation's documents. Boilerplate is decided
 * across documents (a short block in two or more of them), so an overlay
 * update (store/write/overlay) needs every document's keys to know whether the
 * documents it replaces move anyone else's boilerplate, without reading the
 * corpus. Hashes, not the keys: most short blocks are ordinary short
 * paragraphs, and the keys would be a copy of a third of the archive.
 *   magic "QBTK", u32 version, u32 documents, u32 hashes,
 *   u32 offsets[documents + 1], zero padding to 8 bytes, u64 hashes[hashes]
 */
import { createHash } from 'node:crypto';

const MAGIC = 0x4b544251; // "QBTK" little-endian
const VERSION = 1;
const HEADER = 16;

const align8 = (n: number) => (n + 7) & ~7;

/** 64 bits of a key's SHA-256: two keys of an archive share one with odds of ~1e-8 at a million keys. */
export function templateHash(key: string): bigint {
  return createHash('sha256').update(key).digest().readBigUInt64LE(0);
}

export interface TemplateKeys {
  readonly documents: number;
  /** Document d's key hashes. */
  of(d: number): BigUint64Array;
  /** Every document's, one after another. */
  readonly all: BigUint64Array;
}

export function encodeTemplateKeys(keysByDocument: readonly (readonly string[])[]): Uint8Array {
  const count = keysByDocument.reduce((sum, keys) => sum + keys.length, 0);
  const hashesAt = align8(HEADER + (keysByDocument.length + 1) * 4);
  const bytes = new Uint8Array(hashesAt + count * 8);
  new Uint32Array(bytes.buffer, 0, 4).set([MAGIC, VERSION, keysByDocument.length, count]);
  const offsets = new Uint32Array(bytes.buffer, HEADER, keysByDocument.length + 1);
  const hashes = new BigUint64Array(bytes.buffer, hashesAt, count);
  let at = 0;
  keysByDocument.forEach((keys, d) => {
    for (const key of keys) hashes[at++] = templateHash(key);
    offsets[d + 1] = at;
  });
  return bytes;
}

/** Views over `bytes` (which must start 8-byte aligned); throws a RangeError naming the defect. */
export function decodeTemplateKeys(bytes: Uint8Array): TemplateKeys {
  if (bytes.byteOffset % 8 !== 0 || bytes.length < HEADER) throw new RangeError('too short or misaligned');
  const [magic, version, documents, count] = new Uint32Array(bytes.buffer, bytes.byteOffset, 4) as unknown as number[];
  if (magic !== MAGIC || version !== VERSION) throw new RangeError('not a template key file of this version');
  const hashesAt = align8(HEADER + (documents! + 1) * 4);
  if (bytes.length !== hashesAt + count! * 8) throw new RangeError(`${bytes.length} bytes, expected ${hashesAt + count! * 8}`);
  const offsets = new Uint32Array(bytes.buffer, bytes.byteOffset + HEADER, documents! + 1);
  if (offsets[documents!] !== count) throw new RangeError('offsets and hashes disagree');
  const all = new BigUint64Array(bytes.buffer, bytes.byteOffset + hashesAt, count!);
  return { documents: documents!, all, of: (d) => all.subarray(offsets[d]!, offsets[d + 1]!) };
}
