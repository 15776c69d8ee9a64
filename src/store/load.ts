/**
 * Reads the current index generation and checks it before use: format,
 * model, and that every file agrees with the manifest.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { fail, oneLine, problemOnly, QuotebotError } from '../errors.js';
import { lexicalIndex, type LexicalData, type LexicalIndex } from '../lexical/bm25.js';
import { currentGeneration, FILES, previousGeneration } from './layout.js';
import { decodeLexical } from './lexical-file.js';
import { assertModel, manifestSchema, parseIndexFile, storeSchema, type Manifest, type Passage, type PassageStore } from './format.js';
import type { z } from 'zod';
import type { SearchIndex } from '../search/index-view.js';

export interface LoadedIndex {
  dir: string;
  manifest: Manifest;
  documents: PassageStore['documents'];
  /** Reading order: neighbours in a paragraph are adjacent. */
  passages: Passage[];
  /** label → position in passages. */
  positionOf: Map<number, number>;
  /** labelCount × dims, row = label. */
  vectors: Float32Array;
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
  // The files are independent: the graph and the vectors load on the thread pool while the passages parse here.
  const [store, vectors, graph, lexicalData] = await Promise.all([
    readIndexJson(join(dir, FILES.store), storeSchema),
    readVectors(join(dir, FILES.vectors), manifest.labelCount * manifest.model.dims),
    readGraph(join(dir, FILES.graph), manifest),
    readLexical(join(dir, FILES.lexical)),
  ]);
  const storeFile = join(dir, FILES.store);
  const positionOf = new Map(store.passages.map((p, i) => [p.label, i]));
  if (store.passages.some((p) => p.label >= manifest.labelCount || p.doc >= store.documents.length)) {
    throw fail('INDEX_CORRUPT', storeFile, 'a passage points outside the index');
  }
  if (lexicalData.lengths.length !== store.passages.length) {
    throw fail('INDEX_CORRUPT', join(dir, FILES.lexical), `${lexicalData.lengths.length} passages, expected ${store.passages.length}`);
  }
  const lexical = lexicalIndex(lexicalData);
  return { dir, manifest, documents: store.documents, passages: store.passages, positionOf, vectors, graph, lexical, lexicalData };
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

/** Reads straight into a Float32Array's own (aligned) buffer: no copy of what can be hundreds of MB. */
async function readVectors(file: string, floats: number): Promise<Float32Array> {
  const vectors = new Float32Array(floats);
  const bytes = new Uint8Array(vectors.buffer);
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size !== bytes.length) throw new Error(`${size} bytes, expected ${bytes.length}`);
      for (let at = 0; at < size; ) {
        const { bytesRead } = await handle.read(bytes, at, size - at, at);
        if (bytesRead === 0) throw new Error(`ends at byte ${at}`);
        at += bytesRead;
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fail('INDEX_CORRUPT', file, oneLine(error));
  }
  return vectors;
}

async function readGraph(file: string, manifest: Manifest): Promise<hnswlib.HierarchicalNSW> {
  const graph = new hnswlib.HierarchicalNSW(manifest.hnsw.space, manifest.model.dims);
  try {
    await graph.readIndex(file);
  } catch (error) {
    throw fail('INDEX_CORRUPT', file, oneLine(error));
  }
  graph.setEf(manifest.hnsw.ef);
  return graph;
}

async function readLexical(file: string): Promise<LexicalData> {
  try {
    const bytes = await readFile(file);
    // Typed-array views need 4-byte alignment; a large read normally has it, a pooled small one may not.
    return decodeLexical(bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes));
  } catch (error) {
    throw fail('INDEX_CORRUPT', file, oneLine(error));
  }
}

/** The narrow view the query path searches through. */
export function searchView(index: LoadedIndex): SearchIndex {
  return {
    generation: index.dir,
    documents: index.documents,
    passages: index.passages,
    lexical: index.lexical,
    vector: (position) => vectorOf(index, index.passages[position]!.label),
    nearest(query, k) {
      if (k <= 0 || index.graph.getCurrentCount() === 0) return [];
      const { neighbors } = index.graph.searchKnn(Array.from(query), Math.min(k, index.graph.getCurrentCount()));
      return neighbors.flatMap((label) => index.positionOf.get(label) ?? []);
    },
  };
}

export function vectorOf(index: Pick<LoadedIndex, 'vectors' | 'manifest'>, label: number): Float32Array {
  const dims = index.manifest.model.dims;
  return index.vectors.subarray(label * dims, (label + 1) * dims);
}
