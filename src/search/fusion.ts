/**
 * Hybrid ranking as a pure normalise-and-merge step: each signal is
 * z-normalised over the candidate set (so cosine and BM25, on different
 * scales, become comparable) and the z-scores are summed with weights.
 */
import { SIGNAL_NAMES, type Signals } from './signals.js';

export type Weights = Record<keyof Signals, number>;

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

export function fuse<T>(candidates: readonly { item: T; signals: Signals }[], weights: Weights): Ranked<T>[] {
  const z = SIGNAL_NAMES.map((k) => zScores(candidates.map((c) => c.signals[k])));
  return candidates
    .map((c, i) => ({
      item: c.item,
      signals: c.signals,
      score: SIGNAL_NAMES.reduce((sum, k, s) => sum + weights[k] * z[s]![i]!, 0),
    }))
    .sort((a, b) => b.score - a.score);
}

/** The ranking by relevance alone, the answer-type signal left out: what the verdict judges, and what "related" shows. */
export function fuseByRelevance<T>(candidates: readonly { item: T; signals: Signals }[], weights: Weights): Ranked<T>[] {
  return fuse(candidates, { ...weights, type: 0 });
}
