/**
 * What the verdict looks at, computed from a ranking: pure, so the fitting
 * script computes exactly what the engine does.
 */
import { termsOf } from '../lexical/terms.js';
import { ANSWERED_BY, type Asked } from './answer-type.js';
import type { Alignment } from './align.js';
import { idf, weightedCoverage, type DecisionFeatures } from './decide.js';
import { fuseByRelevance, type Weights } from './fusion.js';
import type { SearchIndex } from '../index-view.js';
import { paragraphSpan, type Signals } from './signals.js';

const NONE: DecisionFeatures = {
  topDense: 0, bestParagraph: 0, documentCoverage: 0, passageCoverage: 0, typeOk: 0, typeFound: 0, missingRarity: 0, margin: 0, alignment: 0, weakestWord: 0, asksValue: 0, typedCoverage: 0, typedWeakest: 0,
  readerBest: 0, readerFirst: 0,
};

/** How many of the most relevant passages may hold the asked value for the question to count as typed-and-found. */
const TYPE_WINDOW = 3;

export interface FeatureInput {
  candidates: readonly { item: number; signals: Signals }[];
  weights: Weights;
  /** Query terms (question words dropped). */
  terms: readonly string[];
  asked: Asked;
  /** The question's soft alignment with its closest passages (align.ts), computed where the model is. */
  alignment: Alignment;
  /** The reader's logits for the quotes it read, and for the quote ranked first. */
  read: readonly number[];
  readFirst: number | undefined;
}

/**
 * The feature function over one index.
 * Features are read off the ranking by relevance alone (the answer-type
 * signal left out): "How old is <a councillor>?" must be judged on the
 * passages about the councillor, not on the one sentence that holds any age.
 */
/** A term's IDF over the index's passages: what coverage and soft alignment weigh a question's words by. */
export function termWeight({ lexical }: Pick<SearchIndex, 'lexical'>): (term: string) => number {
  return (t) => idf(lexical.documentFrequency(t), lexical.passageCount);
}

export function featuresFor(index: SearchIndex): (input: FeatureInput) => DecisionFeatures {
  const { passages, lexical } = index;
  const weight = termWeight(index);
  return ({ candidates, weights, terms, asked, alignment, read, readFirst }) => {
    const ranked = fuseByRelevance(candidates, weights);
    const best = ranked[0];
    if (!best) return NONE;
    const [docFirst, docEnd] = index.documentSpan(best.item);
    const [first, end] = paragraphSpan(index, best.item);
    // The type signal already says, per candidate, whether it holds an answering value.
    const holds = ANSWERED_BY[asked.type] ? ranked.slice(0, TYPE_WINDOW).some((r) => r.signals.type === 1) : undefined;
    const paragraphTerms = new Set<string>();
    for (let i = first; i < end; i++) {
      const { text, context } = passages.at(i)!;
      termsOf(`${text} ${context}`).forEach((t) => paragraphTerms.add(t));
    }
    const asksValue = ANSWERED_BY[asked.type] ? 1 : 0;
    const passageCoverage = weightedCoverage(terms, weight, (t) => paragraphTerms.has(t));
    return {
      topDense: Math.max(...ranked.map((r) => r.signals.dense)),
      bestParagraph: best.signals.paragraph,
      documentCoverage: weightedCoverage(terms, weight, (t) => lexical.occursBetween(t, docFirst, docEnd)),
      passageCoverage,
      typeOk: holds === false ? 0 : 1,
      typeFound: holds === true ? 1 : 0,
      missingRarity: Math.max(0, ...terms.filter((t) => !paragraphTerms.has(t)).map(weight)) / weight('\u0000'),
      margin: best.score - (ranked[1]?.score ?? best.score),
      alignment: alignment.mean,
      weakestWord: alignment.weakest,
      asksValue,
      typedCoverage: asksValue * passageCoverage,
      typedWeakest: asksValue * alignment.weakest,
      readerBest: read.length > 0 ? Math.max(...read) : 0,
      readerFirst: readFirst ?? 0,
    };
  };
}
