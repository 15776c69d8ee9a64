/**
 * hnswlib's writeIndex writes with a plain stream and reports no error when
 * the disk fills: on a full 2 MiB tmpfs it returned and left a 2,097,152-byte
 * file. So the file it wrote is checked against its own layout (hnswalg.h,
 * saveIndex) before it is published: a 96-byte header, every element's level-0
 * block, then per element a 4-byte length and that many bytes of upper links.
 * The walk must end exactly at the end of the file.
 */
import { open } from 'node:fs/promises';

const HEADER_BYTES = 96;
const CURRENT_COUNT_AT = 16;
const BYTES_PER_ELEMENT_AT = 24;
const MAX_ELEMENTS_AT = 8;

/** Undefined when the file is whole and holds `count` elements of a graph sized for `maxElements`; else what is wrong. */
export async function graphFileProblem(path: string, expected: { count: number; maxElements: number }): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size < HEADER_BYTES) return `${size} bytes, shorter than its header`;
    const header = Buffer.alloc(HEADER_BYTES);
    await handle.read(header, 0, HEADER_BYTES, 0);
    const count = Number(header.readBigUInt64LE(CURRENT_COUNT_AT));
    const maxElements = Number(header.readBigUInt64LE(MAX_ELEMENTS_AT));
    if (count !== expected.count || maxElements !== expected.maxElements) {
      return `holds ${count} of ${maxElements} elements, expected ${expected.count} of ${expected.maxElements}`;
    }
    const linksAt = HEADER_BYTES + count * Number(header.readBigUInt64LE(BYTES_PER_ELEMENT_AT));
    if (size < linksAt + 4 * count) return `${size} bytes, cut inside the level-0 data or the link lists`;
    const links = Buffer.alloc(size - linksAt);
    await handle.read(links, 0, links.length, linksAt);
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 4 > links.length) return `${size} bytes, cut at element ${i}'s links`;
      at += 4 + links.readUInt32LE(at);
    }
    return at === links.length ? undefined : `${size} bytes, expected ${linksAt + at}`;
  } finally {
    await handle.close();
  }
}
