/** The reader's part of the ranking, pure (search/reading.ts, reader-text.ts): what it reads and how it reorders. */
import { describe, expect, it } from 'vitest';
import type { Ranked } from '../src/search/fusion.js';
import { readerText, titleOf } from '../src/search/reader-text.js';
import { readingPool, reranked } from '../src/search/reading.js';
import type { Signals } from '../src/search/signals.js';

const NO_SIGNALS = { dense: 0, window: 0, paragraph: 0, lexical: 0, type: 0, speaker: 0 } satisfies Signals;
/** Sentences: [doc, paragraph, text, context]. */
function index(rows: [number, number, string, string?][]) {
  let start = 0;
  const passages = rows.map(([doc, paragraph, text, context = '']) => {
    const passage = { doc, paragraph, start, end: start + text.length, text, after: ' ', tags: '', context };
    start += text.length + 1;
    return passage;
  });
  return { passages, documents: [{ name: 'a.txt', meta: { title: 'Council budget' } }, { name: 'Sky_(United_Kingdom).txt', meta: {} }] };
}
const ranking = (...items: number[]): Ranked<number>[] => items.map((item, i) => ({ item, score: 10 - i, signals: NO_SIGNALS }));

describe('what the reader reads', () => {
  it('reads the title, the speaker or subject when the quote does not name it, then the quote', () => {
    expect(readerText('Council budget', 'He added that the money would go on social workers.', 'George Duggins')).toBe(
      'Council budget — George Duggins: He added that the money would go on social workers.',
    );
    expect(readerText('Council budget', 'George Duggins said so.', 'George Duggins')).toBe('Council budget — George Duggins said so.');
    expect(titleOf({ name: 'news/Sky_(United_Kingdom).txt', meta: {} })).toBe('Sky (United Kingdom)');
    expect(titleOf({ name: 'a.txt', meta: { title: 'Council budget' } })).toBe('Council budget');
  });

  it('reads the first quotes of the ranking, one per paragraph, with another story\'s best when one story holds them all', () => {
    const idx = index([
      [0, 1, 'A one.', 'Amy Weir'],
      [0, 1, 'A one again.'],
      [0, 2, 'A two.'],
      [0, 3, 'A three.'],
      [1, 1, 'B one.'],
    ]);
    const pool = readingPool(idx, ranking(0, 1, 2, 3, 4), 3);
    // 1 shares paragraph 1 with 0; the third place goes to the other document's best over a.txt's third.
    expect(pool.map((p) => p.position)).toEqual([0, 2, 4]);
    expect(pool[0]!.text).toBe('Council budget — Amy Weir: A one.');
    expect(pool[2]!.text).toBe('Sky (United Kingdom) — B one.');
    // With room to spare, the ranking's order is kept.
    expect(readingPool(idx, ranking(0, 2, 4, 3), 3).map((p) => p.position)).toEqual([0, 2, 4]);
    expect(readingPool(idx, ranking(0, 2), 3).map((p) => p.position)).toEqual([0, 2]);
  });
});

describe('reordering by the reader', () => {
  it('puts the pool first, by fused score plus the weighted logit, and keeps everything else in its fused order', () => {
    const ranked = ranking(0, 1, 2, 3, 4);
    const read = new Map([[0, -3], [1, 0], [2, 4]]);
    // Scores 10, 9, 8: with weight 1 they become 7, 9, 12.
    expect(reranked(ranked, read, 1).map((r) => r.item)).toEqual([2, 1, 0, 3, 4]);
    // Weight 0: the fused order, the pool first as it already was.
    expect(reranked(ranked, read, 0).map((r) => r.item)).toEqual([0, 1, 2, 3, 4]);
    // A pool that was not on top still comes first: it is what the reader read.
    expect(reranked(ranked, new Map([[3, 0]]), 0).map((r) => r.item)).toEqual([3, 0, 1, 2, 4]);
  });
});
