/**
 * Where characters of a document's text lie in its file's bytes. A plain-text
 * document's text is its file decoded as UTF-8, unchanged, so a sentence's
 * character offset has one byte offset; the verbatim check then reads a
 * quote's own bytes instead of the whole file (src/corpus/live.ts).
 */

/**
 * The UTF-8 byte offset of each character offset (UTF-16 code units, ascending,
 * each at a code point's start), in one pass over the text up to the last.
 */
export function utf8Offsets(text: string, charOffsets: readonly number[]): number[] {
  const bytes: number[] = [];
  let char = 0;
  let byte = 0;
  for (const offset of charOffsets) {
    if (offset < char || offset > text.length) throw new RangeError(`offset ${offset} is not ascending within 0..${text.length}`);
    while (char < offset) {
      const code = text.charCodeAt(char);
      const pair = code >= 0xd800 && code <= 0xdbff && char + 1 < text.length && (text.charCodeAt(char + 1) & 0xfc00) === 0xdc00;
      byte += code < 0x80 ? 1 : code < 0x800 ? 2 : pair ? 4 : 3;
      char += pair ? 2 : 1;
    }
    if (char !== offset) throw new RangeError(`offset ${offset} splits a surrogate pair`);
    bytes.push(byte);
  }
  return bytes;
}
