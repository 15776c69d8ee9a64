/**
 * Stage 3: the verdict. Three outcomes, not two:
 *   answered — the best passages answer the question;
 *   related  — the articles are on the question's topic but nothing answers
 *              its ask ("How old is <a named person>?"): the closest passages
 *              are shown, marked as not an answer;
 *   refused  — the articles are not about this at all.
 * Two logistic models over a few features decide: is the question on topic
 * (off-topic questions share few distinctive words with any one document),
 * and does the best passage answer it (it must hold a value of the asked
 * type, and the question's words must be near it). Both are fitted by
 * scripts/fit.ts on every gold file but the frozen test split; tuned.json
 * records the data and command.
 */
export interface DecisionFeatures {
  /** Best query–sentence cosine among the candidates. */
  topDense: number;
  /** Paragraph cosine of the best-ranked passage. */
  bestParagraph: number;
  /** IDF-weighted share of the question's terms found in the best passage's document. */
  documentCoverage: number;
  /** IDF-weighted share of the question's terms found in the best passage's paragraph, with its context. */
  passageCoverage: number;
  /** 0 when the question asks for a kind of value (a number, a date, a person…) and none of the most relevant passages holds one; else 1. */
  typeOk: number;
  /** 1 when the question asks for a kind of value and a most relevant passage holds one: stronger evidence than a question that asks for none. */
  typeFound: number;
  /** The rarest question term missing from the best passage's paragraph and context, as its IDF over the highest possible IDF; 0 when none is missing. */
  missingRarity: number;
  /** How far the best candidate's fused score stands above the second's (z-score units): a clear winner or a crowd. */
  margin: number;
  /** Soft alignment (align.ts) of the question with the closest passages by meaning: the best of them. */
  alignment: number;
  /** The same passages' best "weakest word" alignment: how well the question's least-covered word is met. */
  weakestWord: number;
  /** 1 when the question asks for a kind of value (a number, a date, a person…), else 0. */
  asksValue: number;
  /** passageCoverage and weakestWord again, for questions that ask for a value only (0 otherwise): a typed and an untyped question may need the passage to cover them differently. */
  typedCoverage: number;
  typedWeakest: number;
  /** The reader's highest logit over the quotes it read (embed/reader.ts): does any of them answer? */
  readerBest: number;
  /** Its logit for the quote shown first. */
  readerFirst: number;
}

export const FEATURE_NAMES = [
  'topDense', 'bestParagraph', 'documentCoverage', 'passageCoverage', 'typeOk', 'typeFound', 'missingRarity', 'margin', 'alignment', 'weakestWord', 'asksValue', 'typedCoverage', 'typedWeakest',
  'readerBest', 'readerFirst',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

export interface Logistic {
  weights: Partial<Record<FeatureName, number>>;
  bias: number;
  threshold: number;
}

export interface DecisionModel {
  /** P(the articles are on the question's topic): below threshold, refused. */
  onTopic: Logistic;
  /** P(the best passage answers): below threshold, related. */
  answers: Logistic;
}

export type Verdict = 'answered' | 'related' | 'refused';

export function probability(features: DecisionFeatures, m: Logistic): number {
  let z = m.bias;
  for (const name of FEATURE_NAMES) z += (m.weights[name] ?? 0) * features[name];
  return 1 / (1 + Math.exp(-z));
}

export function decide(features: DecisionFeatures, model: DecisionModel): Verdict {
  if (probability(features, model.onTopic) < model.onTopic.threshold) return 'refused';
  return probability(features, model.answers) >= model.answers.threshold ? 'answered' : 'related';
}

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
