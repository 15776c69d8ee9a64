/**
 * Hybrid ranking as a pure normalise-and-merge step: each signal is
 * z-normalised over the candidate set (so cosine and BM25, on different
 * scales, become comparable) and the z-scores are summed with weights.
 */
export interface Signals {
  /** Cosine of the query with the sentence. */
  dense: number;
  /** Cosine with the sentence and, down-weighted, its neighbours: context for "He added that…". */
  context: number;
  /** BM25 of the sentence; 0 when no query term occurs in it. */
  lexical: number;
}

export interface Weights {
  dense: number;
  context: number;
  lexical: number;
}

/** Chosen by grid search on tests/gold (see README, Retrieval): lexical evidence matters, but less than meaning. */
export const DEFAULT_WEIGHTS: Weights = { dense: 1, context: 0.3, lexical: 0.6 };

export interface Ranked<T> {
  item: T;
  score: number;
  signals: Signals;
}

function zScores(values: readonly number[]): number[] {
  const mean = values.reduce((a, b) => a + b, 0) / (values.length || 1);
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length || 1);
  const std = Math.sqrt(variance);
  // A signal that does not vary says nothing about order.
  return values.map((v) => (std > 1e-9 ? (v - mean) / std : 0));
}

export function fuse<T>(candidates: readonly { item: T; signals: Signals }[], weights: Weights = DEFAULT_WEIGHTS): Ranked<T>[] {
  const keys = ['dense', 'context', 'lexical'] as const;
  const z = Object.fromEntries(keys.map((k) => [k, zScores(candidates.map((c) => c.signals[k]))])) as Record<(typeof keys)[number], number[]>;
  return candidates
    .map((c, i) => ({
      item: c.item,
      signals: c.signals,
      score: keys.reduce((sum, k) => sum + weights[k] * z[k][i]!, 0),
    }))
    .sort((a, b) => b.score - a.score);
}
