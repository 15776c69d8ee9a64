/**
 * What the query path needs from an index, and no more: passages in reading
 * order, their vectors, nearest-neighbour search and BM25. The store
 * provides it (src/store/read/load.ts); tests build one from plain arrays. It sits
 * below both the store and the search, the contract between two siblings.
 */
import type { StoredTags } from './annotate/tags.js';
import type { LexicalIndex } from './lexical/bm25.js';
import type { DocMeta } from './segment/metadata.js';

export interface SearchPassage {
  doc: number;
  paragraph: number;
  start: number;
  end: number;
  /** UTF-8 offset of `start` in the file as indexed; negative or absent when the text is not the file's bytes. */
  byteStart?: number;
  text: string;
  /** The exact characters between this sentence and the next one of its paragraph ('' at the paragraph's end). */
  after: string;
  /** Typed values in the sentence, document offsets. */
  tags: StoredTags;
  /** Who is speaking and whom the sentence is about, resolved from the sentences before it ('' when unknown). */
  context: string;
}

/**
 * Passages by position. A plain array satisfies it (tests, ablations); the
 * store's table builds each passage only when asked, so an archive of
 * millions is never a million objects. Positions outside 0..length-1 are not
 * asked for (an array's at(-1) is its last element, not nothing).
 */
export interface PassageList<P = SearchPassage> {
  readonly length: number;
  at(position: number): P | undefined;
}

export interface SearchIndex {
  /** Which generation this is: changes when the index is rebuilt. */
  readonly generation: string;
  /** By document number (a passage's `doc`). */
  readonly documents: readonly { name: string; meta: DocMeta }[];
  /** The documents it answers from, in corpus order: `documents` less any an overlay replaced or removed (store/write/overlay). */
  readonly covered: readonly { name: string; meta: DocMeta }[];
  /** Reading order: a document's sentences are one run of positions, neighbours adjacent. */
  readonly passages: PassageList;
  /** Positions [first, end) of the document holding a position: laid out when the index loads, never per query. */
  documentSpan(position: number): [number, number];
  /** Whether position b holds a sentence of position a's paragraph (false outside the list): read without building either passage. */
  sameParagraph(a: number, b: number): boolean;
  /**
   * The unit vectors of the passages at these positions, in order: asked once
   * per query for every position it scores, so a store that reads them from
   * disk reads each run of adjacent rows once. Do not write to them.
   */
  vectors(positions: readonly number[]): Float32Array[];
  /** Positions of the about-k passages nearest to a query vector. */
  nearest(query: Float32Array, k: number): number[];
  readonly lexical: LexicalIndex;
}
