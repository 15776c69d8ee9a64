/**
 * Reads the current index generation and checks it before use: format,
 * model, and that every file agrees with the manifest.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { fail, oneLine, problemOnly, QuotebotError } from '../errors.js';
import { lexicalIndex, type LexicalData, type LexicalIndex } from '../lexical/bm25.js';
import { currentGeneration, FILES, previousGeneration } from './layout.js';
import { decodeLexical } from './lexical-file.js';
import { assertModel, manifestSchema, parseIndexFile, searchEf, type Manifest, type StoredDocument } from './format.js';
import { openPassages, type PassageTable } from './passages-file.js';
import { openVectorRows, type VectorRows } from './vectors-file.js';
import type { z } from 'zod';
import type { SearchIndex } from '../search/index-view.js';

export interface LoadedIndex {
  dir: string;
  manifest: Manifest;
  documents: readonly StoredDocument[];
  /** Reading order: neighbours in a paragraph are adjacent. Built by position on demand (store/passages-file). */
  passages: PassageTable;
  /** labelCount × dims, row = label: vectors.f32, read whole when small, by row past that (store/vectors-file). */
  vectors: VectorRows;
  graph: hnswlib.HierarchicalNSW;
  /** BM25 over passages, by position. */
  lexical: LexicalIndex;
  /** The postings behind it, which an update reuses for text it has already seen. */
  lexicalData: LexicalData;
}

export function readManifest(dir: string): Promise<Manifest> {
  return readIndexJson(join(dir, FILES.manifest), manifestSchema);
}

/** One JSON file of an index, read and checked; any defect becomes INDEX_CORRUPT or INDEX_VERSION. */
async function readIndexJson<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw fail('INDEX_CORRUPT', file, oneLine(error));
  });
  return parseIndexFile(file, text, schema);
}

/** Loads the generation current.json points to; `model` (id, dims) is checked when given. */
export async function loadIndex(indexDir: string, model?: { id: string; dims: number }): Promise<LoadedIndex> {
  const dir = await currentGeneration(indexDir);
  if (!dir) throw fail('INDEX_MISSING', indexDir);
  return loadGeneration(dir, model);
}

/**
 * For readers (CLI, bot): the current generation, or, when it is damaged, the
 * one it replaced, with a warning that names the damage — a damaged file
 * degrades answers to the previous index instead of stopping the product.
 */
export async function loadIndexOrPrevious(indexDir: string, model: { id: string; dims: number }, warn: (line: string) => void): Promise<LoadedIndex> {
  try {
    return await loadIndex(indexDir, model);
  } catch (error) {
    const previous = await previousGeneration(indexDir);
    if (!(error instanceof QuotebotError) || error.code !== 'INDEX_CORRUPT' || !previous) throw error;
    const loaded = await loadGeneration(previous, model).catch(() => undefined);
    if (!loaded) throw error;
    warn(`${problemOnly(error)}; answering from the previous index until "npm run index -- --force" rebuilds it.`);
    return loaded;
  }
}

/** Loads one generation folder, checking every file's size against the manifest first (a stat each: cheap at any size). */
export async function loadGeneration(dir: string, model?: { id: string; dims: number }): Promise<LoadedIndex> {
  const manifest = await readManifest(dir);
  if (model) assertModel(manifest, model);
  await checkSizes(dir, manifest);
  // The files are independent: the graph and BM25 load on the thread pool while the passages' columns and the
  // vectors are opened (and, when small, read) here.
  const loading = Promise.all([readGraph(join(dir, FILES.graph), manifest), readLexical(join(dir, FILES.lexical))]);
  let passages: PassageTable;
  let vectors: VectorRows;
  try {
    passages = readPassages(join(dir, FILES.store), manifest);
    vectors = readVectors(join(dir, FILES.vectors), manifest);
  } catch (error) {
    // The others are still reading: wait for them, so no read outlives the failed load.
    await loading.catch(() => undefined);
    throw error;
  }
  const [graph, lexicalData] = await loading;
  if (lexicalData.lengths.length !== passages.length) {
    throw fail('INDEX_CORRUPT', join(dir, FILES.lexical), `${lexicalData.lengths.length} passages, expected ${passages.length}`);
  }
  const lexical = lexicalIndex(lexicalData);
  return { dir, manifest, documents: passages.documents, passages, vectors, graph, lexical, lexicalData };
}

async function checkSizes(dir: string, manifest: Manifest): Promise<void> {
  for (const name of Object.values(FILES)) {
    if (name === FILES.manifest) continue;
    const file = join(dir, name);
    const expected = manifest.files[name];
    if (!expected) throw fail('INDEX_CORRUPT', file, 'the manifest does not list it');
    const size = await stat(file).then((s) => s.size, (error: unknown) => {
      throw fail('INDEX_CORRUPT', file, oneLine(error));
    });
    if (size !== expected.bytes) throw fail('INDEX_CORRUPT', file, `${size} bytes, the manifest says ${expected.bytes}`);
  }
}

function readVectors(file: string, manifest: Manifest): VectorRows {
  try {
    return openVectorRows(file, manifest.model.dims, manifest.labelCount);
  } catch (error) {
    throw fail('INDEX_CORRUPT', file, oneLine(error));
  }
}

/** Typed-array views need 4-byte alignment; a large read normally has it, a pooled small one may not (Buffer.alloc is never pooled). */
function aligned(bytes: Buffer): Buffer {
  if (bytes.byteOffset % 4 === 0) return bytes;
  const copy = Buffer.alloc(bytes.length);
  bytes.copy(copy);
  return copy;
}

function readPassages(file: string, manifest: Manifest): PassageTable {
  try {
    return openPassages(file, manifest.labelCount);
  } catch (error) {
    throw fail('INDEX_CORRUPT', file, oneLine(error));
  }
}

async function readGraph(file: string, manifest: Manifest): Promise<hnswlib.HierarchicalNSW> {
  const graph = new hnswlib.HierarchicalNSW(manifest.hnsw.space, manifest.model.dims);
  try {
    await graph.readIndex(file);
  } catch (error) {
    throw fail('INDEX_CORRUPT', file, oneLine(error));
  }
  graph.setEf(searchEf(manifest.hnsw.ef, graph.getCurrentCount()));
  return graph;
}

async function readLexical(file: string): Promise<LexicalData> {
  try {
    return decodeLexical(aligned(await readFile(file)));
  } catch (error) {
    throw fail('INDEX_CORRUPT', file, oneLine(error));
  }
}

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

/** The narrow view the query path searches through. */
export function searchView(index: LoadedIndex): SearchIndex {
  const { passages, graph, vectors } = index;
  // A resident file answers as it always has (bit for bit); a file left on disk is not read at all, unless the
  // binding is not the patched one (an install with --ignore-scripts), which has no getPointsInto.
  const fromGraph = !vectors.resident && typeof graph.getPointsInto === 'function';
  const rowsOf = fromGraph ? graphRows(graph, vectors.dims) : (labels: readonly number[]) => vectors.rowsOf(labels);
  return {
    generation: index.dir,
    documents: index.documents,
    passages,
    lexical: index.lexical,
    documentSpan: (position) => passages.documentSpan(position),
    sameParagraph: (a, b) => passages.sameParagraph(a, b),
    vectors: (positions) => rowsOf(positions.map((position) => passages.label(position))),
    nearest(query, k) {
      if (k <= 0 || graph.getCurrentCount() === 0) return [];
      const { neighbors } = graph.searchKnn(Array.from(query), Math.min(k, graph.getCurrentCount()));
      return neighbors.flatMap((label) => passages.position(label) ?? []);
    },
  };
}
