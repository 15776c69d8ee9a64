/**
 * The narrow view the query path searches through (src/index-view.ts), over
 * a loaded generation: its base part, and an overlay's after it. Positions of
 * the overlay follow the base's, its documents follow the base's documents;
 * the base documents it masks stay in place (positions keep their meaning)
 * but are never found: their graph points are marked deleted at load and
 * their postings are masked (store/read/load).
 */
import type hnswlib from 'hnswlib-node';
import { byName } from '../../corpus/read.js';
import type { PassageList, SearchIndex, SearchPassage } from '../../index-view.js';
import type { IndexPart, LoadedIndex } from './load.js';

/**
 * The rows of these labels from the graph's own copy of the vectors, which a
 * loaded graph holds in memory. Past RESIDENT_BYTES vectors.f32 stays on
 * disk, and at 2 M sentences a question's few hundred rows took 1–8 ms of
 * positional reads; from here, no read at all. hnswlib normalised each vector
 * again when it was added, so a row can differ from the file's in a float's
 * last bit (a cosine moves by ~1e-8).
 */
function graphRows(graph: hnswlib.HierarchicalNSW, dims: number): (labels: readonly number[]) => Float32Array[] {
  return (labels) => {
    const rows = new Float32Array(labels.length * dims);
    graph.getPointsInto(Uint32Array.from(labels), rows);
    return labels.map((_, i) => rows.subarray(i * dims, (i + 1) * dims));
  };
}

/** One part at positions [offset, end), its documents numbered from docOffset. */
function partView({ passages, graph, vectors }: IndexPart, offset: number, docOffset: number) {
  // A resident file answers as it always has (bit for bit); a file left on disk is not read at all, unless the
  // binding is not the patched one (an install with --ignore-scripts), which has no getPointsInto.
  const fromGraph = !vectors.resident && typeof graph.getPointsInto === 'function';
  const rowsOf = fromGraph ? graphRows(graph, vectors.dims) : (labels: readonly number[]) => vectors.rowsOf(labels);
  return {
    offset,
    end: offset + passages.length,
    at(position: number): SearchPassage | undefined {
      const passage = passages.at(position - offset);
      return passage && docOffset > 0 ? { ...passage, doc: passage.doc + docOffset } : passage;
    },
    documentSpan(position: number): [number, number] {
      const [first, end] = passages.documentSpan(position - offset);
      return [first + offset, end + offset];
    },
    sameParagraph: (a: number, b: number) => passages.sameParagraph(a - offset, b - offset),
    vectors: (positions: readonly number[]) => rowsOf(positions.map((position) => passages.label(position - offset))),
    /** The k nearest live points, nearest first, with their cosine distances. */
    nearest(query: Float32Array, k: number): { positions: number[]; distances: number[] } {
      if (k <= 0 || graph.getCurrentCount() === 0) return { positions: [], distances: [] };
      const { neighbors, distances } = graph.searchKnn(Array.from(query), Math.min(k, graph.getCurrentCount()));
      const positions: number[] = [];
      const kept: number[] = [];
      neighbors.forEach((label, i) => {
        const position = passages.position(label);
        if (position === undefined) return;
        positions.push(position + offset);
        kept.push(distances[i]!);
      });
      return { positions, distances: kept };
    },
  };
}

export function searchView(index: LoadedIndex): SearchIndex {
  const base = partView(index, 0, 0);
  if (!index.overlay) {
    // One part: the table itself, no layer between it and every passage a query reads.
    const { passages } = index;
    return {
      generation: index.dir,
      documents: index.documents,
      covered: index.documents,
      passages,
      lexical: index.lexical,
      documentSpan: (position) => passages.documentSpan(position),
      sameParagraph: (a, b) => passages.sameParagraph(a, b),
      vectors: base.vectors,
      nearest: (query, k) => base.nearest(query, k).positions,
    };
  }
  const parts = [base, partView(index.overlay, base.end, index.documents.length)];
  const partOf = (position: number) => parts.find((p) => position < p.end) ?? base;
  const documents = [...index.documents, ...index.overlay.passages.documents];
  const masked = index.manifest.overlay?.masked ?? {};
  const covered = documents.filter((d, i) => i >= index.documents.length || !Object.hasOwn(masked, d.name)).sort((a, b) => byName(a.name, b.name));
  const passages: PassageList = { length: parts.at(-1)!.end, at: (position) => partOf(position).at(position) };
  return {
    generation: index.dir,
    documents,
    covered,
    passages,
    lexical: index.lexical,
    documentSpan: (position) => partOf(position).documentSpan(position),
    sameParagraph: (a, b) => partOf(a).sameParagraph(a, b),
    vectors(positions) {
      // Each part's rows in one call (a run of adjacent rows is one read), put back in the order asked.
      const rows: Float32Array[] = new Array(positions.length);
      for (const part of parts) {
        const mine = positions.flatMap((position, i) => (partOf(position) === part ? [i] : []));
        part.vectors(mine.map((i) => positions[i]!)).forEach((row, j) => (rows[mine[j]!] = row));
      }
      return rows;
    },
    nearest(query, k) {
      const found = parts.flatMap((part) => {
        const { positions, distances } = part.nearest(query, k);
        return positions.map((position, i) => ({ position, distance: distances[i]! }));
      });
      return found
        .sort((a, b) => a.distance - b.distance || a.position - b.position)
        .slice(0, k)
        .map((hit) => hit.position);
    },
  };
}
