/**
 * Reads the current index generation and checks it before use: format,
 * model, and that every file agrees with the manifest.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { fail, oneLine } from '../errors.js';
import { currentGeneration, FILES } from './layout.js';
import { assertModel, manifestSchema, parseIndexFile, storeSchema, type Manifest, type Passage, type PassageStore } from './format.js';

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
}

export async function readManifest(dir: string): Promise<Manifest> {
  const file = join(dir, FILES.manifest);
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw fail('INDEX_CORRUPT', file, oneLine(error));
  });
  return parseIndexFile(file, text, manifestSchema);
}

/** Loads the generation current.json points to; `model` (id, dims) is checked when given. */
export async function loadIndex(indexDir: string, model?: { id: string; dims: number }): Promise<LoadedIndex> {
  const dir = await currentGeneration(indexDir);
  if (!dir) throw fail('INDEX_MISSING', indexDir);
  const manifest = await readManifest(dir);
  if (model) assertModel(manifest, model.id, model.dims);
  const storeFile = join(dir, FILES.store);
  const store = parseIndexFile(storeFile, await readFile(storeFile, 'utf8'), storeSchema);

  const vectorFile = join(dir, FILES.vectors);
  const bytes = await readFile(vectorFile);
  const expected = manifest.labelCount * manifest.model.dims * 4;
  if (bytes.length !== expected) throw fail('INDEX_CORRUPT', vectorFile, `${bytes.length} bytes, expected ${expected}`);
  // Copy into an aligned buffer: a Buffer's offset into Node's pool need not be 4-byte aligned.
  const vectors = new Float32Array(bytes.length / 4);
  new Uint8Array(vectors.buffer).set(bytes);

  const graphFile = join(dir, FILES.graph);
  const graph = new hnswlib.HierarchicalNSW(manifest.hnsw.space, manifest.model.dims);
  try {
    await graph.readIndex(graphFile);
  } catch (error) {
    throw fail('INDEX_CORRUPT', graphFile, oneLine(error));
  }
  graph.setEf(manifest.hnsw.ef);

  const positionOf = new Map(store.passages.map((p, i) => [p.label, i]));
  if (store.passages.some((p) => p.label >= manifest.labelCount || p.doc >= store.documents.length)) {
    throw fail('INDEX_CORRUPT', storeFile, 'a passage points outside the index');
  }
  return { dir, manifest, documents: store.documents, passages: store.passages, positionOf, vectors, graph };
}

export function vectorOf(index: Pick<LoadedIndex, 'vectors' | 'manifest'>, label: number): Float32Array {
  const dims = index.manifest.model.dims;
  return index.vectors.subarray(label * dims, (label + 1) * dims);
}
