/**
 * Stage 1: which passages are worth scoring. The union of the nearest
 * sentences by meaning (HNSW) and the best BM25 matches: either side alone
 * misses what the other finds (a paraphrase; a rare name).
 */
import type { LexicalHits } from '../lexical/bm25.js';
import type { SearchIndex } from '../index-view.js';

export const CANDIDATES = 40;

/** The BM25 side is every best match as searched (the engine searches CANDIDATES of them), the HNSW side CANDIDATES. */
export function gatherCandidates(index: SearchIndex, query: Float32Array, lexicalHits: LexicalHits): number[] {
  const candidates = new Set<number>(lexicalHits.best);
  for (const position of index.nearest(query, Math.min(CANDIDATES, index.passages.length))) candidates.add(position);
  return [...candidates];
}
