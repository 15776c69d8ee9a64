/**
 * What the verdict looks at, computed from a ranking: pure, so the fitting
 * script computes exactly what the engine does.
 */
import { termsOf } from '../lexical/terms.js';
import type { Asked } from './answer-type.js';
import { idf, weightedCoverage, type DecisionFeatures } from './decide.js';
import type { Ranked } from './fusion.js';
import type { SearchIndex } from './index-view.js';
import { holdsAskedValue, paragraphSpan } from './signals.js';

const NONE: DecisionFeatures = { topDense: 0, bestParagraph: 0, documentCoverage: 0, passageCoverage: 0, typeOk: 0 };

/** A document's positions [first, end), for every position: passages are in reading order. */
function documentSpans(index: SearchIndex): (position: number) => [number, number] {
  const start = new Map<number, number>();
  const end = new Map<number, number>();
  index.passages.forEach((p, i) => {
    if (!start.has(p.doc)) start.set(p.doc, i);
    end.set(p.doc, i + 1);
  });
  return (position) => {
    const doc = index.passages[position]!.doc;
    return [start.get(doc)!, end.get(doc)!];
  };
}

/** The feature function over one index (its document spans are laid out once). */
export function featuresFor(index: SearchIndex): (ranked: readonly Ranked<number>[], terms: readonly string[], asked: Asked) => DecisionFeatures {
  const { passages, lexical } = index;
  const documentSpan = documentSpans(index);
  const weight = (t: string) => idf(lexical.documentFrequency(t), lexical.passageCount);
  return (ranked, terms, asked) => {
    const best = ranked[0];
    if (!best) return NONE;
    const [docFirst, docEnd] = documentSpan(best.item);
    const [first, end] = paragraphSpan(passages, best.item);
    const paragraphTerms = new Set<string>();
    for (let i = first; i < end; i++) termsOf(`${passages[i]!.text} ${passages[i]!.context}`).forEach((t) => paragraphTerms.add(t));
    return {
      topDense: Math.max(...ranked.map((r) => r.signals.dense)),
      bestParagraph: best.signals.paragraph,
      documentCoverage: weightedCoverage(terms, weight, (t) => lexical.occursBetween(t, docFirst, docEnd)),
      passageCoverage: weightedCoverage(terms, weight, (t) => paragraphTerms.has(t)),
      typeOk: holdsAskedValue(passages[best.item]!, asked) === false ? 0 : 1,
    };
  };
}
