/**
 * What the query path needs from an index, and no more: passages in reading
 * order, their vectors, nearest-neighbour search and BM25. The store
 * provides it (src/store/load.ts); tests build one from plain arrays.
 */
import type { StoredTags } from '../annotate/tags.js';
import type { LexicalIndex } from '../lexical/bm25.js';
import type { DocMeta } from '../segment/metadata.js';

export interface SearchPassage {
  doc: number;
  paragraph: number;
  start: number;
  end: number;
  text: string;
  /** The exact characters between this sentence and the next one of its paragraph ('' at the paragraph's end). */
  after: string;
  /** Typed values in the sentence, document offsets. */
  tags: StoredTags;
  /** Who is speaking and whom the sentence is about, resolved from the sentences before it ('' when unknown). */
  context: string;
}

export interface SearchIndex {
  /** Which generation this is: changes when the index is rebuilt. */
  readonly generation: string;
  readonly documents: readonly { name: string; meta: DocMeta }[];
  /** Reading order: a document's sentences are one run of positions, neighbours adjacent. */
  readonly passages: readonly SearchPassage[];
  /** The unit vector of the passage at a position. */
  vector(position: number): Float32Array;
  /** Positions of the about-k passages nearest to a query vector. */
  nearest(query: Float32Array, k: number): number[];
  readonly lexical: LexicalIndex;
}
