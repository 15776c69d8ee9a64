/**
 * Builds or updates the index. Incremental by content: every sentence's
 * vector is cached under its text, so only text that was never
 * embedded before reaches the model. Labels of unchanged sentences survive,
 * so the HNSW graph is patched (markDelete + addPoint) instead of rebuilt,
 * until deletions pile up past a quarter of the graph.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { annotateDocument, type Annotation } from '../annotate/annotate.js';
import { createTagger, type Tagger } from '../annotate/tagger.js';
import { readCorpus, type CorpusRead, type SourceDocument } from '../corpus/read.js';
import type { Embedder } from '../embed/embedder.js';
import { fail, oneLine, QuotebotError } from '../errors.js';
import { writeFileAtomic, writeFileAtomicWith } from '../fs/atomic.js';
import { buildLexicalData, recallCounts } from '../lexical/bm25.js';
import type { Span } from '../segment/blocks.js';
import { layoutCorpus, sentencesOf, type SegmentedDocument, type Sentence } from '../segment/document.js';
import { FORMAT_VERSION, HNSW_DEFAULTS, type Manifest, type Passage, type PassageStore } from './format.js';
import { currentGeneration, FILES, newGenerationName, publishGeneration } from './layout.js';
import { encodeLexical } from './lexical-file.js';
import { withIndexLock } from './lock.js';
import { loadIndex, vectorOf, type LoadedIndex } from './load.js';

export interface BuildOptions {
  corpusDir: string;
  /** The corpus as already read (by a staleness check), so it is not read twice. */
  corpus?: CorpusRead;
  indexDir: string;
  embedder: Embedder;
  force?: boolean;
  /** Wait for another build holding the index lock (default), or fail at once with INDEX_LOCKED. */
  wait?: boolean;
  onMessage?: (line: string) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface BuildReport {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  sentences: number;
  embedded: number;
  graphRebuilt: boolean;
  warnings: string[];
  seconds: number;
  generation: string;
}

const REBUILD_DELETED_FRACTION = 0.25;

/**
 * Identifies "the n-th occurrence of this text in this document", which
 * survives edits elsewhere in the file (offsets do not) and keeps a repeated
 * sentence's two copies apart.
 */
function occurrenceCounter(): (doc: string, text: string) => string {
  const seen = new Map<string, number>();
  return (doc, text) => {
    const base = `${doc}\u0000${text}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return `${base}\u0000${n}`;
  };
}

/** The previous generation when it can be reused; otherwise undefined, with the reason reported. */
async function reusable(options: BuildOptions): Promise<LoadedIndex | undefined> {
  if (options.force || !(await currentGeneration(options.indexDir))) return undefined;
  try {
    return await loadIndex(options.indexDir, { id: options.embedder.id, dims: options.embedder.dims });
  } catch (error) {
    if (!(error instanceof QuotebotError)) throw error;
    options.onMessage?.(`${oneLine(error).replace(/: run .*$/, '')}; rebuilding from scratch.`);
    return undefined;
  }
}

/**
 * Sentence breaking and annotation are most of a build's work after
 * embedding. A document whose text is unchanged and whose paragraphs come out
 * the same (boilerplate is decided across documents, so they can move) keeps
 * the previous generation's sentences and annotations.
 */
async function segmentReusing(
  documents: readonly SourceDocument[],
  previous: LoadedIndex | undefined,
): Promise<(SegmentedDocument & { annotations: Annotation[] })[]> {
  const layouts = layoutCorpus(documents.map((d) => d.text));
  const before = new Map<string, (Sentence & Annotation)[]>();
  const shaNow = new Map(documents.map((d) => [d.name, d.sha256]));
  if (previous) {
    for (const p of previous.passages) {
      const name = previous.documents[p.doc]!.name;
      if (previous.manifest.documents[name]?.sha256 !== shaNow.get(name)) continue;
      let list = before.get(name);
      if (!list) before.set(name, (list = []));
      list.push({ start: p.start, end: p.end, text: p.text, paragraph: p.paragraph, tags: p.tags, context: p.context });
    }
  }
  // The tagging model loads only when some document needs it: an update of unchanged files never pays for it.
  let tagger: Promise<Tagger> | undefined;
  const results = [];
  for (const [d, layout] of layouts.entries()) {
    const { name, text } = documents[d]!;
    const old = before.get(name);
    if (old && coversParagraphs(old, layout.paragraphs)) {
      results.push({ ...layout, sentences: old, annotations: old });
      continue;
    }
    const sentences = sentencesOf(text, layout.paragraphs);
    results.push({ ...layout, sentences, annotations: annotateDocument(await (tagger ??= createTagger()), text, sentences) });
  }
  return results;
}

/** Whether sentences (in order) span exactly these paragraphs, first character to last. */
function coversParagraphs(sentences: readonly Sentence[], paragraphs: readonly Span[]): boolean {
  const spans: { start: number; end: number }[] = [];
  for (const s of sentences) {
    const span = spans[s.paragraph - 1];
    if (span) span.end = s.end;
    else if (s.paragraph === spans.length + 1) spans.push({ start: s.start, end: s.end });
    else return false;
  }
  return spans.length === paragraphs.length && spans.every((span, i) => span.start === paragraphs[i]!.start && span.end === paragraphs[i]!.end);
}

/**
 * Adds points to the graph in slices, yielding between them so the worker
 * threads embedding the rest are fed their next chunks without waiting.
 */
function graphInserter(graph: hnswlib.HierarchicalNSW, vectors: Float32Array, dims: number) {
  const queue: number[] = [];
  let running: Promise<void> | undefined;
  const SLICE = 64;
  const drain = async () => {
    while (queue.length > 0) {
      for (const label of queue.splice(0, SLICE)) graph.addPoint(Array.from(vectors.subarray(label * dims, (label + 1) * dims)), label);
      await new Promise((resolve) => setImmediate(resolve));
    }
    running = undefined;
  };
  return {
    add(label: number, vector: Float32Array) {
      vectors.set(vector, label * dims);
      queue.push(label);
      running ??= drain();
    },
    async done() {
      while (running) await running;
    },
  };
}

/** Builds under the index lock: one writer at a time, whoever starts it. */
export function buildIndex(options: BuildOptions): Promise<BuildReport> {
  const onWait = options.onMessage;
  return withIndexLock(options.indexDir, { ...(options.wait === false ? { wait: false } : {}), ...(onWait ? { onWait } : {}) }, () => buildLocked(options));
}

async function buildLocked(options: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  const read = options.corpus ?? (await readCorpus(options.corpusDir));
  const { documents } = read;
  const previous = await reusable(options);
  const segmented = await segmentReusing(documents, previous);
  // Indexed all the same (it may gain text later), but said: an empty or unparseable file should not pass unnoticed.
  const empty = documents.filter((_, d) => segmented[d]!.sentences.length === 0).map((doc) => fail('EMPTY_DOCUMENT', doc.name).message);
  const warnings = [...read.warnings, ...empty];
  const dims = options.embedder.dims;

  // What the previous generation already knows: vectors by text, labels by (doc, text, occurrence).
  const cachedVectors = new Map<string, Float32Array>();
  const previousByOccurrence = new Map<string, number>();
  if (previous) {
    const nth = occurrenceCounter();
    for (const p of previous.passages) {
      cachedVectors.set(p.text, vectorOf(previous, p.label));
      previousByOccurrence.set(nth(previous.documents[p.doc]!.name, p.text), p.label);
    }
  }

  // Decide labels: keep a sentence's old label when the same text stays at the same occurrence in its document.
  const rebuildGraph =
    !previous || previous.manifest.deletedCount > previous.manifest.labelCount * REBUILD_DELETED_FRACTION;
  let nextLabel = rebuildGraph ? 0 : previous.manifest.labelCount;
  const passages: Passage[] = [];
  const liveOld = new Set<number>();
  const nth = occurrenceCounter();
  segmented.forEach((doc, d) => {
    const text = documents[d]!.text;
    doc.sentences.forEach((s, i) => {
      const next = doc.sentences[i + 1];
      const after = next && next.paragraph === s.paragraph ? text.slice(s.end, next.start) : '';
      const old = rebuildGraph ? undefined : previousByOccurrence.get(nth(documents[d]!.name, s.text));
      const label = old ?? nextLabel++;
      if (old !== undefined) liveOld.add(old);
      const { tags, context } = doc.annotations[i]!;
      passages.push({ label, doc: d, start: s.start, end: s.end, paragraph: s.paragraph, text: s.text, after, tags, context });
    });
  });
  const labelCount = nextLabel;

  // The graph: a new one, or the previous one with the sentences that are gone marked deleted.
  let graph: hnswlib.HierarchicalNSW;
  let deletedCount = 0;
  if (rebuildGraph || !previous) {
    graph = new hnswlib.HierarchicalNSW(HNSW_DEFAULTS.space, dims);
    graph.initIndex({ maxElements: Math.max(labelCount, 1), m: HNSW_DEFAULTS.m, efConstruction: HNSW_DEFAULTS.efConstruction, randomSeed: 100 });
  } else {
    graph = previous.graph;
    deletedCount = previous.manifest.deletedCount;
    for (const p of previous.passages) {
      if (!liveOld.has(p.label)) {
        graph.markDelete(p.label);
        deletedCount++;
      }
    }
    if (labelCount > graph.getMaxElements()) graph.resizeIndex(Math.ceil(labelCount * 1.25));
  }

  // Points go into the graph as soon as their vectors exist: cached ones at once, new ones while the rest
  // are still being embedded, so graph building overlaps embedding instead of following it.
  const vectors = new Float32Array(labelCount * dims);
  if (previous && !rebuildGraph) vectors.set(previous.vectors.subarray(0, previous.manifest.labelCount * dims));
  const inserter = graphInserter(graph, vectors, dims);
  const waiting = new Map<string, Passage[]>();
  for (const p of passages) {
    if (!rebuildGraph && p.label < previous!.manifest.labelCount) continue;
    const cached = cachedVectors.get(p.text);
    const list = waiting.get(p.text);
    if (cached) inserter.add(p.label, cached);
    else if (list) list.push(p);
    else waiting.set(p.text, [p]);
  }
  // Only texts never embedded before reach the model.
  const newTexts = [...waiting.keys()];
  const arrived = (text: string, vector: Float32Array) => {
    for (const p of waiting.get(text) ?? []) inserter.add(p.label, vector);
    waiting.delete(text);
  };
  const fresh = await options.embedder.embed(
    newTexts,
    (done) => options.onProgress?.(done, newTexts.length),
    (indices, chunk) => indices.forEach((i, k) => arrived(newTexts[i]!, chunk[k]!)),
  );
  // An embedder that reports no chunks still delivers everything here.
  newTexts.forEach((text, i) => arrived(text, fresh[i]!));
  await inserter.done();

  const docStatus = classifyDocuments(documents, previous);
  const manifest: Manifest = {
    format: FORMAT_VERSION,
    model: { id: options.embedder.id, dims },
    hnsw: HNSW_DEFAULTS,
    documents: Object.fromEntries(documents.map((d, i) => [d.name, { sha256: d.sha256, stamp: d.stamp, sentences: segmented[i]!.sentences.length }])),
    labelCount,
    deletedCount,
    builtAt: new Date().toISOString(),
  };
  const store: PassageStore = {
    format: FORMAT_VERSION,
    documents: documents.map((d, i) => ({ name: d.name, meta: { ...segmented[i]!.meta, ...d.metaOverride } })),
    passages,
  };

  const generation = newGenerationName();
  const dir = join(options.indexDir, generation);
  // Not recursive: the folder must be new, never one a reader may be using.
  await mkdir(options.indexDir, { recursive: true });
  await mkdir(dir);
  await writeFileAtomic(join(dir, FILES.vectors), new Uint8Array(vectors.buffer));
  await writeFileAtomicWith(join(dir, FILES.graph), (temp) => graph.writeIndex(temp).then(() => undefined), { nonEmpty: true });
  const known = previous ? recallCounts(previous.lexicalData, previous.passages.map(lexicalText)) : undefined;
  await writeFileAtomic(join(dir, FILES.lexical), encodeLexical(buildLexicalData(passages.map(lexicalText), known)));
  await writeFileAtomic(join(dir, FILES.store), JSON.stringify(store));
  await writeFileAtomic(join(dir, FILES.manifest), JSON.stringify(manifest, null, 2));
  await publishGeneration(options.indexDir, generation);

  return {
    ...docStatus,
    sentences: passages.length,
    embedded: newTexts.length,
    graphRebuilt: rebuildGraph,
    warnings,
    seconds: (performance.now() - started) / 1000,
    generation,
  };
}

/** What BM25 indexes for a passage: its text and its resolved speaker and subject. */
function lexicalText(p: Pick<Passage, 'text' | 'context'>): string {
  return p.context ? `${p.text}\n${p.context}` : p.text;
}

function classifyDocuments(
  documents: readonly { name: string; sha256: string }[],
  previous: LoadedIndex | undefined,
): Pick<BuildReport, 'added' | 'changed' | 'removed' | 'unchanged'> {
  const before = previous?.manifest.documents ?? {};
  const now = new Set(documents.map((d) => d.name));
  return {
    added: documents.filter((d) => !before[d.name]).map((d) => d.name),
    changed: documents.filter((d) => before[d.name] && before[d.name]!.sha256 !== d.sha256).map((d) => d.name),
    unchanged: documents.filter((d) => before[d.name]?.sha256 === d.sha256).map((d) => d.name),
    removed: Object.keys(before).filter((name) => !now.has(name)),
  };
}
