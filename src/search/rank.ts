/**
 * The pure middle of every answer: the candidates' signals → the fused
 * ranking → the verdict → the quotes to show, selected but not yet checked
 * verbatim (that reads files, and stays in the engine). The engine and the
 * fitting and ablation scripts (src/evaluate/gold-runs.ts) call this one
 * function, so a figure fitted or measured there is what users get.
 */
import { selectQuotes, type Quote } from '../quote/select.js';
import type { Alignment } from './align.js';
import type { Asked } from './answer-type.js';
import { decide, type DecisionFeatures, type Verdict } from './decide.js';
import { featuresFor } from './features.js';
import { fuse, fuseByRelevance, type Ranked } from './fusion.js';
import type { SearchIndex } from '../index-view.js';
import { readingPool, reranked } from './reading.js';
import { answeringTags, type Signals } from './signals.js';
import type { Tuning } from './tuned.js';

export interface RankInput {
  index: SearchIndex;
  /** In the order they were gathered: z-scores summed in another order differ in the last bits. */
  candidates: readonly { item: number; signals: Signals }[];
  asked: Asked;
  /** Query terms (question words dropped). */
  terms: readonly string[];
  /** The question's own terms, question words included. */
  questionTerms: ReadonlySet<string>;
  /** Its soft alignment with the closest passages (align.ts). */
  alignment: Alignment;
  /** The reader's logits by position (embed/reader.ts): at least for the pool readingPool chooses under these weights. */
  read: ReadonlyMap<number, number>;
}

export interface Ranking {
  verdict: Verdict;
  features: DecisionFeatures;
  /** Up to `count` quotes to show, best first (none when refused): those that answer, or for 'related' the closest passages. */
  selected: Quote[];
}

/** The quotes a ranking yields, best first. */
function quotesOf({ index, asked, questionTerms }: RankInput, ranking: readonly Ranked<number>[], count: number): Quote[] {
  return selectQuotes({
    sentences: index.passages,
    documents: index.documents,
    ranked: ranking.map((r) => ({ position: r.item, score: r.score })),
    top: count,
    answering: (s) => answeringTags(s, asked, questionTerms),
  });
}

/**
 * Ranks, decides and selects. `features` is the index's feature function
 * (featuresFor), passed in so a caller asking many questions builds it once.
 */
export function rankAndQuote(input: RankInput, tuning: Tuning, count: number, features = featuresFor(input.index)): Ranking {
  const { index, candidates, asked, terms, alignment, read } = input;
  const fused = fuse(candidates, tuning.weights);
  // The pool the reader read under these weights, and what it said of each: they are reordered by it.
  const pool = new Map(readingPool(index, fused, tuning.pool).flatMap(({ position }) => (read.has(position) ? [[position, read.get(position)!] as const] : [])));
  const ranked = reranked(fused, pool, tuning.reader);
  const featuresOfBest = features({ candidates, weights: tuning.weights, terms, asked, alignment, read: [...pool.values()], readFirst: ranked[0] ? read.get(ranked[0].item) : undefined });
  const verdict: Verdict = ranked.length > 0 ? decide(featuresOfBest, tuning.decision) : 'refused';
  if (verdict === 'refused') return { verdict, features: featuresOfBest, selected: [] };
  // Nothing answers: the closest passages are the most relevant ones, not those that merely hold a value of the asked type;
  // what the reader read of them still orders them, so a passage it found answering, if the verdict was wrong, comes first.
  const shown = verdict === 'related' ? reranked(fuseByRelevance(candidates, tuning.weights), pool, tuning.reader) : ranked;
  return { verdict, features: featuresOfBest, selected: quotesOf(input, shown, count) };
}
