/** Character offsets → byte offsets of the file: what lets the verbatim check read a quote's own bytes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Offsets } from '../src/corpus/utf8.js';

/** The offsets of a text at which a code point starts (every one, and its end). */
function codePointStarts(text: string): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const point of text) {
    starts.push(at);
    at += point.length;
  }
  return [...starts, text.length];
}

describe('utf8Offsets', () => {
  it('counts one to four bytes a code point, a byte-order mark and an emoji included', () => {
    expect(utf8Offsets('\uFEFFa é€😀b', [0, 1, 2, 3, 4, 5, 7, 8])).toEqual([0, 3, 4, 5, 7, 10, 14, 15]);
  });

  it('agrees with the encoder at every code point of any text, and on any ascending subset', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.array(fc.nat(), { maxLength: 8 }), (text, picks) => {
        const starts = codePointStarts(text);
        const expected = starts.map((offset) => Buffer.byteLength(text.slice(0, offset)));
        expect(utf8Offsets(text, starts)).toEqual(expected);
        const subset = [...new Set(picks.map((p) => p % starts.length))].sort((a, b) => a - b);
        expect(utf8Offsets(text, subset.map((i) => starts[i]!))).toEqual(subset.map((i) => expected[i]));
      }),
    );
  });

  it('refuses offsets that go backwards, past the end or into a surrogate pair', () => {
    expect(() => utf8Offsets('abc', [2, 1])).toThrow(/not ascending/);
    expect(() => utf8Offsets('abc', [4])).toThrow(/not ascending/);
    expect(() => utf8Offsets('a😀', [2])).toThrow(/splits a surrogate pair/);
  });
});
