/**
 * Builds or updates the index, under the index lock: read and segment the
 * corpus (reusing unchanged documents' sentences), plan (store/plan: labels,
 * deletions, what to embed), execute (store/execute: embedding and graph
 * inserts), write (store/write), publish. Incremental by content: only text
 * that was never embedded before reaches the model.
 */
import { join } from 'node:path';
import { annotateDocument, type Annotation } from '../annotate/annotate.js';
import { createTagger, type Tagger } from '../annotate/tagger.js';
import { readCorpus, type CorpusRead, type SourceDocument } from '../corpus/read.js';
import type { Embedder } from '../embed/embedder.js';
import { fail, problemOnly, QuotebotError } from '../errors.js';
import { groupBy } from '../group.js';
import { buildLexicalData, recallCounts } from '../lexical/bm25.js';
import type { Span } from '../segment/blocks.js';
import { layoutCorpus, sentencesOf, type SegmentedDocument, type Sentence } from '../segment/document.js';
import { executePlan } from './execute.js';
import { FORMAT_VERSION, type Passage } from './format.js';
import { currentGeneration, FILES, POINTER, publishGeneration, removeOrphans } from './layout.js';
import { encodeLexical } from './lexical-file.js';
import { loadIndex, type LoadedIndex } from './load.js';
import { withIndexLock } from './lock.js';
import { documentChanges, planBuild, type BuildPlan, type DocumentChanges } from './plan.js';
import { writeFailure, writeGeneration } from './write.js';

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
  /**
   * Rewrites the plan before it runs. Only the scale bench (scripts/bench-scale.ts) uses it: a text is
   * embedded once however often it occurs, and the bench's copies of an archive need a vector per copy.
   */
  replan?: (plan: BuildPlan) => BuildPlan;
}

export interface BuildReport extends DocumentChanges {
  sentences: number;
  embedded: number;
  graphRebuilt: boolean;
  warnings: string[];
  seconds: number;
  generation: string;
}

/** The previous generation when it can be reused; otherwise undefined, with the reason reported. */
async function reusable(options: BuildOptions): Promise<LoadedIndex | undefined> {
  if (options.force || !(await currentGeneration(options.indexDir))) return undefined;
  try {
    return await loadIndex(options.indexDir, { id: options.embedder.id, dims: options.embedder.dims });
  } catch (error) {
    if (!(error instanceof QuotebotError)) throw error;
    options.onMessage?.(`${problemOnly(error)}; rebuilding from scratch.`);
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
  previous: Pick<LoadedIndex, 'documents' | 'manifest'> & { passages: readonly Passage[] } | undefined,
): Promise<(SegmentedDocument & { annotations: Annotation[] })[]> {
  const layouts = layoutCorpus(documents.map((d) => d.text));
  const shaNow = new Map(documents.map((d) => [d.name, d.sha256]));
  // A passage is a sentence with its annotation: an unchanged document's passages are reused as they are.
  const nameOf = (p: Passage) => previous!.documents[p.doc]!.name;
  const before: Map<string, (Sentence & Annotation)[]> = previous
    ? groupBy(previous.passages.filter((p) => previous.manifest.documents[nameOf(p)]?.sha256 === shaNow.get(nameOf(p))), nameOf)
    : new Map();
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

/** Builds under the index lock: one writer at a time, whoever starts it. */
export function buildIndex(options: BuildOptions): Promise<BuildReport> {
  const onWait = options.onMessage;
  return withIndexLock(options.indexDir, { ...(options.wait === false ? { wait: false } : {}), ...(onWait ? { onWait } : {}) }, () => buildLocked(options));
}

async function buildLocked(options: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  const orphans = await removeOrphans(options.indexDir);
  if (orphans.length > 0) options.onMessage?.(`Removed ${orphans.length} leftover${orphans.length === 1 ? '' : 's'} of an interrupted build.`);
  const read = options.corpus ?? (await readCorpus(options.corpusDir));
  const { documents } = read;
  const loaded = await reusable(options);
  // The previous passages as objects, built once: segmenting, planning and BM25 each read them all (a builder can
  // hold them; a reader never does).
  const previous = loaded && { ...loaded, passages: [...loaded.passages] };
  const segmented = await segmentReusing(documents, previous);
  // Indexed all the same (it may gain text later), but said: an empty or unparseable file should not pass unnoticed.
  const empty = documents.filter((_, d) => segmented[d]!.sentences.length === 0).map((doc) => fail('EMPTY_DOCUMENT', doc.name).message);

  const planned = planBuild(documents.map((d, i) => ({ ...d, ...segmented[i]! })), previous);
  const plan = options.replan ? options.replan(planned) : planned;
  const { graph, vectors, firstRow } = await executePlan(plan, previous, options.embedder, options.onProgress);

  const known = previous ? recallCounts(previous.lexicalData, previous.passages.map(lexicalText)) : undefined;
  const generation = await writeGeneration(options.indexDir, {
    manifest: {
      format: FORMAT_VERSION,
      model: { id: options.embedder.id, dims: options.embedder.dims },
      hnsw: plan.hnsw,
      documents: Object.fromEntries(documents.map((d, i) => [d.name, { sha256: d.sha256, stamp: d.stamp, sentences: segmented[i]!.sentences.length }])),
      labelCount: plan.labelCount,
      deletedCount: plan.deletedCount,
      builtAt: new Date().toISOString(),
    },
    store: {
      documents: documents.map((d, i) => ({ name: d.name, meta: { ...segmented[i]!.meta, ...d.metaOverride } })),
      passages: plan.passages,
    },
    vectors,
    // The previous file, whole, is the new one's first firstRow rows (execute.ts).
    ...(loaded && firstRow > 0 ? { vectorsBefore: { file: join(loaded.dir, FILES.vectors), check: loaded.manifest.files[FILES.vectors]! } } : {}),
    graph,
    lexical: encodeLexical(buildLexicalData(plan.passages.map(lexicalText), known)),
  });
  // Not undone on failure: the rename may have landed before the error. Whatever current.json does not name is
  // removed by the next build.
  await publishGeneration(options.indexDir, generation).catch((error: unknown) => {
    throw writeFailure(join(options.indexDir, POINTER), error);
  });

  return {
    ...documentChanges(documents, previous),
    sentences: plan.passages.length,
    embedded: plan.toEmbed.length,
    graphRebuilt: plan.rebuildGraph,
    warnings: [...read.warnings, ...empty],
    seconds: (performance.now() - started) / 1000,
    generation,
  };
}

/** What BM25 indexes for a passage: its text and its resolved speaker and subject. */
function lexicalText(p: Pick<Passage, 'text' | 'context'>): string {
  return p.context ? `${p.text}\n${p.context}` : p.text;
}
