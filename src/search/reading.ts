/**
 * The reader's part of a ranking, pure: which quotes it reads (the pool),
 * what it reads of each, and how its logits reorder them. The engine runs
 * the model (embed/reader.ts) between readingPool and rankAndQuote; the fit
 * re-ranks with the same functions, so what it measures is what users get.
 */
import type { SearchIndex } from '../index-view.js';
import { pickSpans } from '../quote/select.js';
import type { Ranked } from './fusion.js';
import { readerText, titleOf } from './reader-text.js';

export interface PoolItem {
  /** The ranked sentence that chose the quote: what the reader's logit is keyed by. */
  position: number;
  /** What the reader reads (reader-text.ts). */
  text: string;
}

/**
 * The first `size` quotes of a ranking (Tuning.pool: fixed by cost, not by how many are shown, so "More
 * quotes" and --top never change the first ones), at most size − 1 of them from one document when another document
 * has a quote in it: when the first quote is wrong the whole story usually is, so the reader must see
 * another story's best too.
 */
export function readingPool(index: Pick<SearchIndex, 'passages' | 'documents'>, ranked: readonly Ranked<number>[], size: number): PoolItem[] {
  if (size === 0) return [];
  // Enough spans to find another document's best when the first several share one.
  const spans = pickSpans({ sentences: index.passages, ranked: ranked.map((r) => ({ position: r.item, score: r.score })), top: size * 4 });
  const docOf = (s: (typeof spans)[number]) => index.passages.at(s.position)!.doc;
  let chosen = spans.slice(0, size);
  const firstDoc = chosen[0] && docOf(chosen[0]);
  if (chosen.length === size && size > 1 && chosen.every((s) => docOf(s) === firstDoc)) {
    const other = spans.find((s) => docOf(s) !== firstDoc);
    if (other) chosen = [...chosen.slice(0, size - 1), other];
  }
  return chosen.map((span) => {
    const passage = index.passages.at(span.first)!;
    return { position: span.position, text: readerText(titleOf(index.documents[passage.doc]!), span.text, passage.context) };
  });
}

/**
 * The ranking with the pool (the positions in `read`, the reader's logits) first, ordered by fused score plus
 * `weight` × logit, then everything else in its fused order. Weight 0 keeps the pool's fused order.
 */
export function reranked<T extends Ranked<number>>(ranked: readonly T[], read: ReadonlyMap<number, number>, weight: number): T[] {
  const combined = (r: T) => r.score + weight * read.get(r.item)!;
  const pool = ranked.filter((r) => read.has(r.item)).sort((a, b) => combined(b) - combined(a));
  return [...pool, ...ranked.filter((r) => !read.has(r.item))];
}
