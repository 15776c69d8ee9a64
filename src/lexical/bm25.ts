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
  return combinedLexicalIndex([{ data, offset: 0, masked: [] }]);
}

/**
 * One part of a combined index (store/write/overlay: the base generation's
 * postings and the overlay's): its passages are positions [offset, offset +
 * data.lengths.length), and the passages in `masked` (local [from, to)
 * spans, ascending: documents the overlay replaced) count for nothing.
 */
export interface LexicalPart {
  data: LexicalData;
  offset: number;
  masked: readonly (readonly [number, number])[];
}

/** A part's term ids and the bounds MaxScore prunes with, its postings scored with the whole index's statistics. */
function preparePart(part: LexicalPart) {
  const { data } = part;
  const ids = new Map(data.terms.map((term, i) => [term, i]));
  /**
   * Per term, the largest tf part of a weight among its postings (NaN until
   * a query needs it). The bound a term can add, idf·(D + this), is what
   * MaxScore prunes with: far tighter than the tf → ∞ limit idf·(D + K + 1),
   * since a sentence's term is rarely repeated. Found on a term's first
   * query, one pass over its postings (masked ones too: still a bound); one float a term.
   */
  const largestPart = new Float64Array(data.terms.length).fill(NaN);
  let averageLength = 1;
  const tfPart = (at: number) => {
    const tf = data.frequencies[at]!;
    return (tf * (K + 1)) / (tf + K * (1 - B + (B * data.lengths[data.postings[at]!]!) / averageLength));
  };
  const termBound = (i: number, idf: number) => {
    if (Number.isNaN(largestPart[i])) {
      let largest = 0;
      for (let at = data.offsets[i]!; at < data.offsets[i + 1]!; at++) largest = Math.max(largest, tfPart(at));
      largestPart[i] = largest;
    }
    // A hair above the largest weight, so a bound summed in another order than a score still exceeds it.
    return idf * (D + largestPart[i]!) * (1 + 1e-9);
  };
  /** Unmasked postings of term i. */
  const count = (i: number) => {
    const from = data.offsets[i]!;
    const to = data.offsets[i + 1]!;
    let n = to - from;
    for (const [a, b] of part.masked) n -= firstAtOrAfter(data.postings, from, to, b) - firstAtOrAfter(data.postings, from, to, a);
    return n;
  };
  const masked = part.masked;
  const excluded =
    masked.length === 0
      ? undefined
      : (position: number) => {
          // Few spans (the documents one update replaced): a scan beats anything cleverer.
          for (const [a, b] of masked) if (position >= a && position < b) return true;
          return false;
        };
  let maskedPassages = 0;
  let maskedLength = 0;
  for (const [a, b] of masked) {
    maskedPassages += b - a;
    for (let p = a; p < b; p++) maskedLength += data.lengths[p]!;
  }
  let total = 0;
  for (const length of data.lengths) total += length;
  return {
    part,
    /** Whether a (combined) position is one of this part's passages. */
    holds: (position: number) => position >= part.offset && position < part.offset + data.lengths.length,
    ids,
    count,
    excluded,
    tfPart,
    termBound,
    passages: data.lengths.length - maskedPassages,
    length: total - maskedLength,
    setAverageLength: (value: number) => (averageLength = value),
  };
}

/**
 * BM25 over several parts as if their unmasked passages were one index:
 * passage count, average length and document frequencies are the sums over
 * the parts, so every passage scores exactly what a single index of the same
 * passages gives it. MaxScore runs per part; the best lists merge by score,
 * ties by `tieOrder` (default: lower position first). Each part breaks its
 * own ties by position, so a tieOrder that agrees with positions inside each
 * part ranks exactly as one index laid out in that order would.
 */
export function combinedLexicalIndex(parts: readonly LexicalPart[], tieOrder: (a: number, b: number) => number = (a, b) => a - b): LexicalIndex {
  const prepared = parts.map(preparePart);
  const passageCount = prepared.reduce((sum, p) => sum + p.passages, 0);
  const averageLength = prepared.reduce((sum, p) => sum + p.length, 0) / Math.max(passageCount, 1);
  for (const p of prepared) p.setAverageLength(averageLength);
  const documentFrequency = (term: string) =>
    prepared.reduce((sum, p) => {
      const i = p.ids.get(term);
      return i === undefined ? sum : sum + p.count(i);
    }, 0);
  return {
    passageCount,
    documentFrequency,
    occursBetween(term, from, to) {
      const p = prepared.find((part) => part.holds(from));
      const i = p?.ids.get(term);
      if (p === undefined || i === undefined) return false;
      const { offsets, postings } = p.part.data;
      // Postings are in position order: the first one at or after `from` decides.
      const k = firstAtOrAfter(postings, offsets[i]!, offsets[i + 1]!, from - p.part.offset);
      return k < offsets[i + 1]! && postings[k]! < to - p.part.offset;
    },
    search(terms, k) {
      const unique = [...new Set(terms)];
      const idfs = new Map(unique.map((term) => {
        const df = documentFrequency(term);
        return [term, Math.log(1 + (passageCount - df + 0.5) / (df + 0.5))];
      }));
      const searches = prepared.map((p) => {
        const { offsets, postings } = p.part.data;
        const query = unique.flatMap((term) => {
          const i = p.ids.get(term);
          if (i === undefined) return [];
          const idf = idfs.get(term)!;
          return [{ from: offsets[i]!, to: offsets[i + 1]!, idf, bound: p.termBound(i, idf) }];
        });
        /** What the posting at `at` adds to its passage's score (the expression termBound takes the largest of). */
        const weight = (at: number, idf: number) => idf * (D + p.tfPart(at));
        return { p, query, weight, found: maxScoreBest(query, k, weight, postings, p.excluded) };
      });
      const best =
        searches.length === 1
          ? searches[0]!.found.best
          : searches
              .flatMap(({ p, found }) => found.best.map((position, i) => ({ position: position + p.part.offset, score: found.scores[i]! })))
              .sort((a, b) => b.score - a.score || tieOrder(a.position, b.position))
              .slice(0, k)
              .map((hit) => hit.position);
      return {
        best,
        scoreOf(position) {
          const s = searches.find(({ p }) => p.holds(position));
          return s ? scoreAt(s.query, position - s.p.part.offset, s.weight, s.p.part.data.postings) : 0;
        },
      };
    },
  };
}

interface QueryTerm {
  /** The term's postings are [from, to). */
  from: number;
  to: number;
  idf: number;
  /** No posting of the term weighs more. */
  bound: number;
}

/**
 * A passage's score: its terms' weights summed in query order (the order
 * every score here is summed in, so the ranking's and this agree bit for
 * bit), times how many of the terms it holds.
 */
function scoreAt(query: readonly QueryTerm[], position: number, weight: (at: number, idf: number) => number, postings: Uint32Array): number {
  let score = 0;
  let count = 0;
  for (const { from, to, idf } of query) {
    const at = firstAtOrAfter(postings, from, to, position);
    if (at < to && postings[at] === position) {
      score += weight(at, idf);
      count++;
    }
  }
  return score * count;
}

/**
 * The k best passages, exactly as scoring every posting would rank them (ties:
 * lower position first), by MaxScore: no weight of a term exceeds its bound,
 * so once k passages are held, a passage holding only the terms whose bounds
 * cannot reach the k-th score is never looked at. Their postings, a common
 * word's tens of thousands in a large archive, are then only searched for
 * the passages the rarer terms lead to, and not at all for a passage that
 * could not reach the k-th score even holding them.
 */
function maxScoreBest(
  query: readonly QueryTerm[],
  k: number,
  weight: (at: number, idf: number) => number,
  postings: Uint32Array,
  excluded?: (position: number) => boolean,
): { best: number[]; scores: number[] } {
  const best: number[] = [];
  const bestScores: number[] = [];
  if (k <= 0) return { best, scores: bestScores };
  // Lowest bound first: the terms that stop being worth walking go first. The per-term state is kept in typed
  // arrays indexed by that order (q: the term's place in the query), since this loop runs once per posting.
  const order = query.map((_, q) => q).sort((a, b) => query[a]!.bound - query[b]!.bound);
  const n = order.length;
  const q = Int32Array.from(order);
  const cursor = Int32Array.from(order, (t) => query[t]!.from);
  const to = Int32Array.from(order, (t) => query[t]!.to);
  const idf = Float64Array.from(order, (t) => query[t]!.idf);
  const bound = Float64Array.from(order, (t) => query[t]!.bound);
  /** ceiling[i]: the highest score of a passage holding no terms but those sorted before i, and i. */
  const ceiling = new Float64Array(n);
  let boundSum = 0;
  for (let i = 0; i < n; i++) ceiling[i] = (boundSum += bound[i]!) * (i + 1);
  /** By query place: the weight a term adds to the current passage, and the position it was last found at. */
  const weights = new Float64Array(n);
  const heldAt = new Int32Array(n).fill(-1);
  /** Records that the passage at `position` holds sorted term i, at posting `at`; returns the weight it adds. */
  const hold = (i: number, at: number, position: number) => {
    const w = weight(at, idf[i]!);
    weights[q[i]!] = w;
    heldAt[q[i]!] = position;
    return w;
  };
  /** Sorted terms [0, walkFrom) are only searched, never walked; searchedBound is the sum of their bounds. */
  let walkFrom = 0;
  let searchedBound = 0;
  let threshold = -Infinity;
  for (;;) {
    let position = 0x7fffffff;
    for (let i = walkFrom; i < n; i++) if (cursor[i]! < to[i]! && postings[cursor[i]!]! < position) position = postings[cursor[i]!]!;
    if (position === 0x7fffffff) break;
    let foundSum = 0;
    let foundCount = 0;
    for (let i = walkFrom; i < n; i++) {
      const at = cursor[i]!;
      if (at < to[i]! && postings[at] === position) {
        foundSum += hold(i, at, position);
        foundCount++;
        cursor[i] = at + 1;
      }
    }
    // A masked passage: its cursors moved past it above, and it is scored no further.
    if (excluded?.(position)) continue;
    const full = best.length === k;
    // The searched terms, largest bound first; before each, whether holding every one left could still reach the
    // k-th score. When not, the passage is dropped without searching the rest (the commonest terms, last).
    let unsearchedBound = searchedBound;
    let i = walkFrom - 1;
    for (; i >= 0; i--) {
      if (full && (foundSum + unsearchedBound) * (foundCount + i + 1) < threshold) break;
      unsearchedBound -= bound[i]!;
      const at = gallopTo(postings, cursor[i]!, to[i]!, position);
      cursor[i] = at;
      if (at < to[i]! && postings[at] === position) {
        foundSum += hold(i, at, position);
        foundCount++;
      }
    }
    if (i >= 0) continue;
    // The score as scoreAt sums it: in query order.
    let score = 0;
    for (let t = 0; t < n; t++) if (heldAt[t] === position) score += weights[t]!;
    score *= foundCount;
    // Positions come in ascending order, so an equal score never displaces one already held (lower position first).
    if (full && !(score > threshold)) continue;
    let at = full ? k - 1 : best.length;
    while (at > 0 && score > bestScores[at - 1]!) {
      best[at] = best[at - 1]!;
      bestScores[at] = bestScores[at - 1]!;
      at--;
    }
    best[at] = position;
    bestScores[at] = score;
    if (best.length === k) {
      threshold = bestScores[k - 1]!;
      while (walkFrom < n && ceiling[walkFrom]! < threshold) searchedBound += bound[walkFrom++]!;
    }
  }
  return { best, scores: bestScores };
}

/**
 * firstAtOrAfter for a cursor that only moves forward, usually by a little:
 * steps of 1, 2, 4… from `lo` find the range, then a binary search in it,
 * so a short move costs a few reads instead of log(rest of the postings).
 */
function gallopTo(sorted: Uint32Array, lo: number, hi: number, value: number): number {
  let step = 1;
  while (lo + step < hi && sorted[lo + step]! < value) {
    lo += step;
    step *= 2;
  }
  return firstAtOrAfter(sorted, lo, Math.min(lo + step + 1, hi), value);
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
