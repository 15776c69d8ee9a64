/**
 * Every fitted constant of the query path in one place: fusion weights and
 * the verdict models. tuned.json is written by scripts/fit.ts and records the
 * data, split and command that produced it; edit it only by re-running that.
 */
import tuned from './tuned.json' with { type: 'json' };
import type { DecisionModel } from './decide.js';
import type { Weights } from './fusion.js';

/** The constants rankAndQuote ranks and decides by. */
export interface Tuning {
  weights: Weights;
  decision: DecisionModel;
  /** How much the reader's logit adds to a pooled quote's fused score (search/reading.ts). */
  reader: number;
  /** How many of the best quotes the reader reads: fixed by cost, independent of how many are shown (docs/reader.md). */
  pool: number;
}

export interface Provenance {
  data: string;
  command: string;
  method: string;
  fittedAt: string;
}

export const TUNED: Tuning = { weights: tuned.weights, decision: tuned.decision, reader: tuned.reader, pool: tuned.pool };
export const PROVENANCE: Provenance = tuned.provenance;
