/**
 * Reads the current index generation and checks it before use: format,
 * model, and that every file agrees with the manifest.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { byName } from '../../corpus/read.js';
import { fail, oneLine, problemOnly, QuotebotError } from '../../errors.js';
import { combinedLexicalIndex, lexicalIndex, type LexicalData, type LexicalIndex } from '../../lexical/bm25.js';
import { BASE_FILES, currentGeneration, FILES, OVERLAY_FILES, previousGeneration } from '../files/layout.js';
import { decodeLexical } from '../files/lexical-file.js';
import { assertModel, manifestSchema, parseIndexFile, searchEf, type Manifest, type StoredDocument } from '../files/format.js';
import { openPassages, type PassageTable } from '../files/passages-file.js';
import { openVectorRows, type VectorRows } from '../files/vectors-file.js';
import type { z } from 'zod';

/** One graph with its passages and vectors: a generation's base, or its overlay. */
export interface IndexPart {
  /** Reading order: neighbours in a paragraph are adjacent. Built by position on demand (store/files/passages-file). */
  passages: PassageTable;
  /** labelCount × dims, row = label: vectors.f32, read whole when small, by row past that (store/files/vectors-file). */
  vectors: VectorRows;
  graph: hnswlib.HierarchicalNSW;
}

/** An overlay generation's own part (store/write/overlay), and what of the base it hides. */
export interface OverlayPart extends IndexPart {
  lexicalData: LexicalData;
  /** Base positions [first, end) of the documents it masks, ascending. */
  maskedSpans: [number, number][];
  /** Their labels: marked deleted in this process's copy of the base graph (the file is never written). */
  maskedLabels: number[];
}

/**
 * A loaded generation. Its passages, vectors, graph and lexicalData are the
 * base's, as a full build wrote them; an overlay generation adds `overlay`,
 * and `lexical` then scores both parts as one index.
 */
export interface LoadedIndex extends IndexPart {
  dir: string;
  manifest: Manifest;
  /** The base's documents (the overlay's are in its passages table). */
  documents: readonly StoredDocument[];
  /** BM25 over passages, by position (an overlay's after the base's). */
  lexical: LexicalIndex;
  /** The base's postings, which an update reuses for text it has already seen. */
  lexicalData: LexicalData;
  overlay?: OverlayPart;
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
  const base = await loadPart(dir, FILES, manifest.labelCount, manifest.hnsw.ef, manifest.model.dims);
  const overlay = manifest.overlay && (await loadPart(dir, OVERLAY_FILES, manifest.overlay.labelCount, manifest.overlay.hnsw.ef, manifest.model.dims));
  const { lexicalData, ...part } = base;
  if (!overlay || !manifest.overlay) return { dir, manifest, documents: part.passages.documents, ...part, lexical: lexicalIndex(lexicalData), lexicalData };

  const masked = new Set(Object.keys(manifest.overlay.masked));
  const maskedSpans = part.passages.documents.flatMap((doc, d) => (masked.has(doc.name) ? [part.passages.documentPositions(d)] : []));
  const maskedLabels = maskedSpans.flatMap(([first, end]) => Array.from({ length: end - first }, (_, i) => part.passages.label(first + i)));
  for (const label of maskedLabels) part.graph.markDelete(label);
  const lexical = combinedLexicalIndex(
    [
      { data: lexicalData, offset: 0, masked: maskedSpans },
      { data: overlay.lexicalData, offset: part.passages.length, masked: [] },
    ],
    readingOrder(part.passages, overlay.passages),
  );
  return { dir, manifest, documents: part.passages.documents, ...part, lexical, lexicalData, overlay: { ...overlay, maskedSpans, maskedLabels } };
}

/**
 * Ties between the parts broken as a full build lays passages out: by
 * document name (the corpus is read in that order), then in reading order.
 * Equal BM25 scores are common among short sentences, and a tie at the cut
 * of the best list would otherwise change the candidates.
 */
function readingOrder(base: PassageTable, overlay: PassageTable): (a: number, b: number) => number {
  const nameAt = (position: number) =>
    position < base.length ? base.documents[base.documentOf(position)]!.name : overlay.documents[overlay.documentOf(position - base.length)]!.name;
  return (a, b) => byName(nameAt(a), nameAt(b)) || a - b;
}

/** A part's four files, each checked against the others' counts. */
async function loadPart(
  dir: string,
  files: { store: string; vectors: string; graph: string; lexical: string },
  labelCount: number,
  ef: number,
  dims: number,
): Promise<IndexPart & { lexicalData: LexicalData }> {
  // The files are independent: the graph and BM25 load on the thread pool while the passages' columns and the
  // vectors are opened (and, when small, read) here.
  const loading = Promise.all([readGraph(join(dir, files.graph), ef, dims), readLexical(join(dir, files.lexical))]);
  let passages: PassageTable;
  let vectors: VectorRows;
  try {
    passages = readPassages(join(dir, files.store), labelCount);
    vectors = readVectors(join(dir, files.vectors), dims, labelCount);
  } catch (error) {
    // The others are still reading: wait for them, so no read outlives the failed load.
    await loading.catch(() => undefined);
    throw error;
  }
  const [graph, lexicalData] = await loading;
  if (lexicalData.lengths.length !== passages.length) {
    throw fail('INDEX_CORRUPT', join(dir, files.lexical), `${lexicalData.lengths.length} passages, expected ${passages.length}`);
  }
  return { passages, vectors, graph, lexicalData };
}

/** The files a generation must have: the base's, and an overlay's when it is one. */
function expectedFiles(manifest: Manifest): string[] {
  return manifest.overlay ? [...BASE_FILES, ...Object.values(OVERLAY_FILES)] : [...BASE_FILES];
}

/** Throws INDEX_CORRUPT naming the first file of the generation that is missing or not the size its manifest says. */
export async function checkSizes(dir: string, manifest: Manifest): Promise<void> {
  for (const name of expectedFiles(manifest)) {
    const file = join(dir, name);
    const expected = manifest.files[name];
    if (!expected) throw fail('INDEX_CORRUPT', file, 'the manifest does not list it');
    const size = await stat(file).then((s) => s.size, (error: unknown) => {
      throw fail('INDEX_CORRUPT', file, oneLine(error));
    });
    if (size !== expected.bytes) throw fail('INDEX_CORRUPT', file, `${size} bytes, the manifest says ${expected.bytes}`);
  }
}

function readVectors(file: string, dims: number, labelCount: number): VectorRows {
  try {
    return openVectorRows(file, dims, labelCount);
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

function readPassages(file: string, labelCount: number): PassageTable {
  try {
    return openPassages(file, labelCount);
  } catch (error) {
    throw fail('INDEX_CORRUPT', file, oneLine(error));
  }
}

async function readGraph(file: string, ef: number, dims: number): Promise<hnswlib.HierarchicalNSW> {
  const graph = new hnswlib.HierarchicalNSW('cosine', dims);
  try {
    await graph.readIndex(file);
  } catch (error) {
    throw fail('INDEX_CORRUPT', file, oneLine(error));
  }
  graph.setEf(searchEf(ef, graph.getCurrentCount()));
  return graph;
}

async function readLexical(file: string): Promise<LexicalData> {
  try {
    return decodeLexical(aligned(await readFile(file)));
  } catch (error) {
    throw fail('INDEX_CORRUPT', file, oneLine(error));
  }
}
