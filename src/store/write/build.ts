/**
 * Builds or updates the index, under the index lock: read and segment the
 * corpus (reusing unchanged documents' sentences), plan (store/write/plan: labels,
 * deletions, what to embed), execute (store/write/execute: embedding and graph
 * inserts), write (store/write/write), publish. Incremental by content: only text
 * that was never embedded before reaches the model.
 */
import { join } from 'node:path';
import { readCorpus } from '../../corpus/read.js';
import { fail, problemOnly, QuotebotError } from '../../errors.js';
import { buildLexicalData, recallCounts } from '../../lexical/bm25.js';
import { layoutCorpus } from '../../segment/document.js';
import { executePlan } from './execute.js';
import { FORMAT_VERSION, type Manifest } from '../files/format.js';
import { currentGeneration, FILES, POINTER, publishGeneration, removeOrphans } from '../files/layout.js';
import { encodeLexical } from '../files/lexical-file.js';
import { loadIndex, type LoadedIndex } from '../read/load.js';
import { withIndexLock } from './lock.js';
import type { BuildOptions, BuildReport } from './build-options.js';
import { documentChanges, planBuild } from './plan.js';
import { overlayUpdate } from './overlay.js';
import { lexicalText, segmentReusing } from './reuse.js';
import { encodeTemplateKeys } from '../files/templates-file.js';
import { writeFailure, writeGeneration } from './write.js';

/**
 * The previous generation's base when it can be reused (otherwise undefined,
 * with the reason reported): an overlay generation's base, as its full build
 * wrote it, for the full build to patch; the overlay's vectors are then
 * reused by text (`overlayVectors`). `indexed` is what the generation
 * indexed, overlay included, which the report compares the corpus with.
 */
async function reusable(options: BuildOptions): Promise<{ loaded: LoadedIndex; indexed: Manifest['documents'] } | undefined> {
  if (options.force || !(await currentGeneration(options.indexDir))) return undefined;
  let loaded: LoadedIndex;
  try {
    loaded = await loadIndex(options.indexDir, { id: options.embedder.id, dims: options.embedder.dims });
  } catch (error) {
    if (!(error instanceof QuotebotError)) throw error;
    options.onMessage?.(`${problemOnly(error)}; rebuilding from scratch.`);
    return undefined;
  }
  const indexed = loaded.manifest.documents;
  if (!loaded.overlay) return { loaded, indexed };
  // The masked points are hidden from this process's searches only: the patched graph the build writes must hold them.
  for (const label of loaded.overlay.maskedLabels) loaded.graph.unmarkDelete(label);
  const { masked } = loaded.manifest.overlay!;
  const documents = Object.fromEntries(
    loaded.documents.map((d) => [d.name, masked[d.name] ? { sha256: masked[d.name]!, sentences: 0 } : loaded.manifest.documents[d.name]!]),
  );
  return { loaded: { ...loaded, manifest: { ...loaded.manifest, documents } }, indexed };
}

/** The overlay's texts and their vectors, for the full build that folds it into a new base. */
function overlayVectors(loaded: LoadedIndex | undefined): Map<string, Float32Array> {
  const overlay = loaded?.overlay;
  return new Map(overlay ? [...overlay.passages].map((p) => [p.text, overlay.vectors.row(p.label)]) : []);
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
  const overlaid = options.force || options.replan ? undefined : await overlayUpdate(options, started);
  if (overlaid) return overlaid;
  const read = await readCorpus(options.corpusDir);
  const { documents } = read;
  const reused = await reusable(options);
  const loaded = reused?.loaded;
  // The previous passages as objects, built once: segmenting, planning and BM25 each read them all (a builder can
  // hold them; a reader never does).
  const previous = loaded && { ...loaded, passages: [...loaded.passages] };
  const layouts = layoutCorpus(documents.map((d) => d.text));
  const earlier = previous && { ...previous, sha256: (name: string) => previous.manifest.documents[name]?.sha256 };
  const segmented = await segmentReusing(documents, layouts, earlier);
  // Indexed all the same (it may gain text later), but said: an empty or unparseable file should not pass unnoticed.
  const empty = documents.filter((_, d) => segmented[d]!.sentences.length === 0).map((doc) => fail('EMPTY_DOCUMENT', doc.name).message);

  const planned = planBuild(documents.map((d, i) => ({ ...d, ...segmented[i]! })), previous);
  const plan = options.replan ? options.replan(planned) : planned;
  const { graph, vectors, firstRow, embedded } = await executePlan(plan, previous, options.embedder, {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    known: overlayVectors(loaded),
  });

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
    templates: encodeTemplateKeys(layouts.map((l) => l.templateKeys)),
  });
  // Not undone on failure: the rename may have landed before the error. Whatever current.json does not name is
  // removed by the next build.
  await publishGeneration(options.indexDir, generation).catch((error: unknown) => {
    throw writeFailure(join(options.indexDir, POINTER), error);
  });

  return {
    ...documentChanges(documents, reused?.indexed),
    sentences: plan.passages.length,
    embedded,
    graph: plan.rebuildGraph ? 'rebuilt' : 'patched',
    warnings: [...read.warnings, ...empty],
    seconds: (performance.now() - started) / 1000,
    generation,
  };
}
