/**
 * What a build is asked to do and what it reports: the types both the full
 * build (build.ts) and the overlay update (overlay.ts) are called with and
 * return, kept apart from both so neither imports the other for them.
 */
import type { Embedder } from '../../embed/embedder.js';
import type { BuildPlan, DocumentChanges } from './plan.js';

export interface BuildOptions {
  corpusDir: string;
  indexDir: string;
  embedder: Embedder;
  force?: boolean;
  /**
   * Documents to read by content whatever their stamps say: the verbatim check found a quote's bytes changed behind
   * an unchanged size and modification time, which an update trusting the stamps would never notice.
   */
  reread?: readonly string[];
  /** Wait for another build holding the index lock (default), or fail at once with INDEX_LOCKED. */
  wait?: boolean;
  onMessage?: (line: string) => void;
  onProgress?: (done: number, total: number) => void;
  /**
   * Rewrites the plan before it runs. Only the scale bench (scripts/bench-scale.ts) uses it: a text is
   * embedded once however often it occurs, and the bench's copies of an archive need a vector per copy.
   */
  replan?: (plan: BuildPlan) => BuildPlan;
}

export interface BuildReport extends DocumentChanges {
  sentences: number;
  embedded: number;
  /** A new graph, the previous one patched, or an overlay beside the last full build's (store/write/overlay). */
  graph: 'rebuilt' | 'patched' | 'overlay';
  warnings: string[];
  seconds: number;
  generation: string;
}
