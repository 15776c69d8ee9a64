/**
 * BM25 over sentences as flat postings arrays, plus every term's document
 * frequency, which abstention uses to tell whether a question's words exist
 * in the corpus at all.
 *
 * Scores are MiniSearch's BM25+ exactly (k 1.2, b 0.7, d 0.5, the sum over
 * query terms times the number of terms matched; a test holds the two
 * equal). MiniSearch itself was the first implementation, but at archive
 * scale (63 k sentences) it takes 2.8 s to rebuild and 0.4 s to reload from
 * its JSON, most of a cold start; these arrays are written with the index and
 * load as views over one file.
 */
import { termsOf } from './terms.js';

const K = 1.2;
const B = 0.7;
const D = 0.5;

/** Term i's postings are positions postings[offsets[i] .. offsets[i+1]), with frequencies alongside. */
export interface LexicalData {
  terms: string[];
  offsets: Uint32Array;
  postings: Uint32Array;
  frequencies: Uint16Array;
  /** Distinct terms per passage: BM25's field length as MiniSearch counts it. */
  lengths: Uint16Array;
}

export interface LexicalHits {
  /** BM25 score of the passage at a position; 0 when it matches no term. */
  scoreOf(position: number): number;
  /** Positions of the k best-scoring matching passages (k as searched), best first. */
  readonly best: readonly number[];
}

export interface LexicalIndex {
  /** The k best matches of the terms, and any passage's score on demand. */
  search(terms: readonly string[], k: number): LexicalHits;
  /** In how many passages a (processed) term occurs. */
  documentFrequency(term: string): number;
  /** Whether a term occurs in any passage at positions [from, to). */
  occursBetween(term: string, from: number, to: number): boolean;
  readonly passageCount: number;
}

const clamp16 = (n: number) => Math.min(n, 0xffff);

/** A passage's distinct terms with their counts, or undefined when the text was never indexed before. */
export type KnownCounts = (text: string) => [term: string, count: number][] | undefined;

/**
 * Postings for texts in this order. `known` supplies the counts of texts an
 * earlier build already tokenised, so an update only tokenises and stems
 * what is new (most of a rebuild's lexical cost); the result is the same.
 */
export function buildLexicalData(texts: readonly string[], known: KnownCounts = () => undefined): LexicalData {
  const byTerm = new Map<string, number[]>();
  const lengths = new Uint16Array(texts.length);
  texts.forEach((text, position) => {
    const counts = known(text) ?? countTerms(text);
    lengths[position] = clamp16(counts.length);
    for (const [term, count] of counts) {
      let list = byTerm.get(term);
      if (!list) byTerm.set(term, (list = []));
      list.push(position, count);
    }
  });
  const terms = [...byTerm.keys()].sort();
  const offsets = new Uint32Array(terms.length + 1);
  terms.forEach((term, i) => (offsets[i + 1] = offsets[i]! + byTerm.get(term)!.length / 2));
  const postings = new Uint32Array(offsets[terms.length]!);
  const frequencies = new Uint16Array(postings.length);
  terms.forEach((term, i) => {
    const list = byTerm.get(term)!;
    for (let k = 0; k < list.length; k += 2) {
      postings[offsets[i]! + k / 2] = list[k]!;
      frequencies[offsets[i]! + k / 2] = clamp16(list[k + 1]!);
    }
  });
  return { terms, offsets, postings, frequencies, lengths };
}

function countTerms(text: string): [string, number][] {
  const counts = new Map<string, number>();
  for (const term of termsOf(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return [...counts];
}

/**
 * The counts behind built postings, by text: inverts `data` (built from
 * `texts`, in that order) back into each passage's (term, count) pairs.
 */
export function recallCounts(data: LexicalData, texts: readonly string[]): KnownCounts {
  // A passage has one posting per distinct term: count them to lay out its slots (lengths are clamped, postings are not).
  const starts = new Uint32Array(data.lengths.length + 1);
  for (const position of data.postings) starts[position + 1]!++;
  for (let p = 0; p < data.lengths.length; p++) starts[p + 1]! += starts[p]!;
  const next = starts.slice(0, -1);
  const termOf = new Uint32Array(starts[data.lengths.length]!);
  const countOf = new Uint16Array(termOf.length);
  for (let t = 0; t < data.terms.length; t++) {
    for (let k = data.offsets[t]!; k < data.offsets[t + 1]!; k++) {
      const slot = next[data.postings[k]!]!++;
      termOf[slot] = t;
      countOf[slot] = data.frequencies[k]!;
    }
  }
  const positionOf = new Map<string, number>();
  texts.forEach((text, p) => positionOf.has(text) || positionOf.set(text, p));
  return (text) => {
    const p = positionOf.get(text);
    if (p === undefined) return undefined;
    const counts: [string, number][] = [];
    for (let slot = starts[p]!; slot < starts[p + 1]!; slot++) counts.push([data.terms[termOf[slot]!]!, countOf[slot]!]);
    return counts;
  };
}

export function lexicalIndex(data: LexicalData): LexicalIndex {
  const ids = new Map(data.terms.map((term, i) => [term, i]));
  const passageCount = data.lengths.length;
  let total = 0;
  for (const length of data.lengths) total += length;
  const averageLength = total / Math.max(passageCount, 1);
  let scratch: { scores: Float64Array; matched: Uint16Array } | undefined;
  const documentFrequency = (term: string) => {
    const i = ids.get(term);
    return i === undefined ? 0 : data.offsets[i + 1]! - data.offsets[i]!;
  };
  return {
    passageCount,
    documentFrequency,
    occursBetween(term, from, to) {
      const i = ids.get(term);
      if (i === undefined) return false;
      // Postings are in position order: the first one at or after `from` decides.
      const k = firstAtOrAfter(data.postings, data.offsets[i]!, data.offsets[i + 1]!, from);
      return k < data.offsets[i + 1]! && data.postings[k]! < to;
    },
    search(terms, k) {
      const query = [...new Set(terms)].flatMap((term) => {
        const i = ids.get(term);
        if (i === undefined) return [];
        const from = data.offsets[i]!;
        const to = data.offsets[i + 1]!;
        return [{ from, to, idf: Math.log(1 + (passageCount - (to - from) + 0.5) / (to - from + 0.5)) }];
      });
      /** What the posting at `at` adds to its passage's score. */
      const weight = (at: number, idf: number) => {
        const tf = data.frequencies[at]!;
        const norm = K * (1 - B + (B * data.lengths[data.postings[at]!]!) / averageLength);
        return idf * (D + (tf * (K + 1)) / (tf + norm));
      };
      // Every posting of every term, summed in flat arrays kept between searches: in a 2-million-sentence archive a
      // common word has ~100 k postings, and two fresh arrays of the archive's length per query were 20 MB of garbage.
      const { scores, matched } = (scratch ??= { scores: new Float64Array(passageCount), matched: new Uint16Array(passageCount) });
      const touched: number[] = [];
      for (const { from, to, idf } of query) {
        for (let at = from; at < to; at++) {
          const position = data.postings[at]!;
          if (matched[position] === 0) touched.push(position);
          matched[position]!++;
          scores[position]! += weight(at, idf);
        }
      }
      for (const position of touched) scores[position]! *= matched[position]!;
      const best = bestOf(touched, scores, k);
      for (const position of touched) {
        scores[position] = 0;
        matched[position] = 0;
      }
      return {
        best,
        // Summed in the same order as above, so equal to the score the ranking used, bit for bit.
        scoreOf(position) {
          let score = 0;
          let count = 0;
          for (const { from, to, idf } of query) {
            const at = firstAtOrAfter(data.postings, from, to, position);
            if (at < to && data.postings[at] === position) {
              score += weight(at, idf);
              count++;
            }
          }
          return score * count;
        },
      };
    },
  };
}

/** The first index in [lo, hi) of the ascending `sorted` whose value is at least `value` (hi when none is). */
function firstAtOrAfter(sorted: Uint32Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The k highest-scoring positions, best first (ties: lower position first), without sorting them all. */
function bestOf(positions: readonly number[], scores: Float64Array, k: number): number[] {
  const best: number[] = [];
  const before = (a: number, b: number) => scores[a]! > scores[b]! || (scores[a] === scores[b] && a < b);
  for (const position of positions) {
    if (best.length === k && !before(position, best[k - 1]!)) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && before(position, best[at - 1]!)) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = position;
  }
  return best.slice(0, k);
}
