/**
 * Decides whether the corpus answers a question at all. A cosine threshold
 * alone fails: "What's the weather in Coventry?" is close to any sentence
 * about Coventry. So the decision also asks whether the question's
 * distinctive words occur together in the best passage's document and
 * paragraph (IDF-weighted coverage), and combines the evidence with a
 * logistic model fitted on labelled questions by scripts/calibrate.ts.
 * The document, not the whole corpus: in an archive every word of an
 * off-topic question turns up somewhere, but rarely all in one document.
 */
import model from './abstain-model.json' with { type: 'json' };
import { termsOf } from './terms.js';

export interface AbstainFeatures {
  /** Best query–sentence cosine among candidates. */
  topDense: number;
  /** Best context cosine (sentence with its neighbours). */
  topContext: number;
  /** IDF-weighted share of the question's terms that occur in the top passage's document. */
  documentCoverage: number;
  /** IDF-weighted share of the question's terms that occur in the top passage's paragraph. */
  passageCoverage: number;
}

export const FEATURE_NAMES = ['topDense', 'topContext', 'documentCoverage', 'passageCoverage'] as const;

export interface AbstainModel {
  weights: Record<(typeof FEATURE_NAMES)[number], number>;
  bias: number;
  threshold: number;
}

export const CALIBRATED: AbstainModel = model;

export function idf(documentFrequency: number, passageCount: number): number {
  return Math.log(1 + (passageCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/** IDF-weighted share of `terms` for which `present` holds; 0 when there are no terms. */
export function weightedCoverage(terms: readonly string[], weight: (t: string) => number, present: (t: string) => boolean): number {
  let total = 0;
  let covered = 0;
  for (const term of terms) {
    const w = weight(term);
    total += w;
    if (present(term)) covered += w;
  }
  return total > 0 ? covered / total : 0;
}

/** Probability that the corpus answers the question. */
export function answerProbability(features: AbstainFeatures, m: AbstainModel = CALIBRATED): number {
  const z = FEATURE_NAMES.reduce((sum, name) => sum + m.weights[name] * features[name], m.bias);
  return 1 / (1 + Math.exp(-z));
}

export function shouldAnswer(features: AbstainFeatures, m: AbstainModel = CALIBRATED): boolean {
  return answerProbability(features, m) >= m.threshold;
}

/**
 * The second check, on questions the model would answer: does the best
 * passage address what is asked, or only its topic? "How many social workers
 * were sacked?" matches a caseload sentence on every word but "sacked". The
 * engine embeds the question without its words that the best passage's
 * document lacks; when that makes it closer to the passage by more than
 * this, those words pulled away from it, and the question goes unanswered.
 * Chosen by `npm run ask-floor` on the three gold files; its leave-one-out
 * estimates are in the README (Abstention).
 */
export const ASK_DELTA_FLOOR = -0.02;

/**
 * The question's words split by whether `present` holds for their search
 * terms; words without search terms ("did", "the") count as present.
 */
export function unmatchedWords(question: string, present: (term: string) => boolean): { kept: string; missing: string[] } {
  const words = question.split(/\s+/).filter(Boolean);
  const isMissing = words.map((word) => termsOf(word).some((term) => !present(term)));
  return { kept: words.filter((_, i) => !isMissing[i]).join(' '), missing: words.filter((_, i) => isMissing[i]) };
}
