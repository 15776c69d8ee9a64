/**
 * The overlay update: how editing one file of a 2 M-sentence archive costs
 * seconds, not the minutes of rewriting 7 GB. A generation written by a full
 * build is a base; an update then links the base's files into the new
 * generation unchanged and writes a small overlay beside them — its own
 * passages, vectors, graph and postings for every document added or changed
 * since the base, and the list of base documents it masks (changed or gone).
 * It reads only the files whose stamps moved, never loads the base graph or
 * postings, and embeds only text the base or the previous overlay has never
 * seen. Each overlay is made afresh against the base, so overlays never stack.
 *
 * Readers see base and overlay as one index (store/read/load, store/read/search-view):
 * masked passages are never found, and BM25 scores with the statistics of
 * the live passages of both, so every passage scores what a full build would
 * give it. A full build runs instead when the overlay would pass
 * OVERLAY_MAX_SHARE of the base, when the change moves a kept document's
 * boilerplate (store/write/boilerplate-shift), or when the archive has grown into a
 * denser graph.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { byName, readChanged, type SourceDocument } from '../../corpus/read.js';
import { fail } from '../../errors.js';
import { buildLexicalData } from '../../lexical/bm25.js';
import { splitBlocks } from '../../segment/blocks.js';
import { templateKeys } from '../../segment/chrome.js';
import { layoutBlocks } from '../../segment/document.js';
import type { BuildOptions, BuildReport } from './build-options.js';
import { overlayBoilerplate } from './boilerplate-shift.js';
import { executePlan } from './execute.js';
import { FORMAT_VERSION, graphParameters, sameModel, type Manifest } from '../files/format.js';
import { currentGeneration, FILES, OVERLAY_FILES, POINTER, publishGeneration } from '../files/layout.js';
import { encodeLexical } from '../files/lexical-file.js';
import { checkSizes, readManifest } from '../read/load.js';
import { openPassages, type PassageTable } from '../files/passages-file.js';
import { documentChanges, planBuild } from './plan.js';
import { lexicalText, segmentReusing } from './reuse.js';
import { decodeTemplateKeys, type TemplateKeys } from '../files/templates-file.js';
import { openVectorRows, type VectorRows } from '../files/vectors-file.js';
import { writeFailure, writeOverlayGeneration } from './write.js';

/**
 * Past this share of the base's passages (the overlay's plus the ones it
 * masks), an update runs the full build, which folds the overlay into a new
 * base. Not fitted to any data: each query searches the overlay's graph
 * besides the base's and a full build of a 61.6 k-sentence archive takes
 * seconds, so a small archive (a few dozen files) keeps full builds, and a
 * large one takes thousands of edited files before paying for one.
 */
export const OVERLAY_MAX_SHARE = 0.05;

interface Part {
  passages: PassageTable;
  vectors: VectorRows;
}

/** What the update reads of the current generation: the base's passages, vectors and template keys, and the overlay's. */
interface Current {
  dir: string;
  manifest: Manifest;
  base: Part & { templates: TemplateKeys };
  overlay?: Part;
}

async function openCurrent(dir: string, manifest: Manifest): Promise<Current> {
  // The base files are linked, not rewritten: a damaged one would live on, so the full build (which replaces it) runs instead.
  await checkSizes(dir, manifest);
  const dims = manifest.model.dims;
  const part = (files: { store: string; vectors: string }, labelCount: number): Part => ({
    passages: openPassages(join(dir, files.store), labelCount),
    vectors: openVectorRows(join(dir, files.vectors), dims, labelCount),
  });
  // Buffer.from copies into memory of its own, aligned for the 64-bit views.
  const templates = decodeTemplateKeys(new Uint8Array(Buffer.from(await readFile(join(dir, FILES.templates)))));
  const base = { ...part(FILES, manifest.labelCount), templates };
  if (templates.documents !== base.passages.documents.length) throw new RangeError(`${FILES.templates} lists ${templates.documents} documents`);
  return { dir, manifest, base, ...(manifest.overlay ? { overlay: part(OVERLAY_FILES, manifest.overlay.labelCount) } : {}) };
}

/** Texts with a vector in the base's masked documents or the current overlay, each mapped to it. */
function knownVectors(current: Current, maskedSpans: readonly [number, number][]): Map<string, Float32Array> {
  const known = new Map<string, Float32Array>();
  const { base, overlay } = current;
  for (const [first, end] of maskedSpans) {
    for (let p = first; p < end; p++) known.set(base.passages.at(p)!.text, base.vectors.row(base.passages.label(p)));
  }
  for (const p of overlay?.passages ?? []) known.set(p.text, overlay!.vectors.row(p.label));
  return known;
}

/**
 * Updates the index as an overlay generation and publishes it, or returns
 * undefined (with the reason said through onMessage when it is not the
 * obvious one) when the full build must run. Called under the index lock.
 */
export async function overlayUpdate(options: BuildOptions, started: number): Promise<BuildReport | undefined> {
  const dir = await currentGeneration(options.indexDir);
  if (!dir) return undefined;
  let current: Current;
  try {
    const manifest = await readManifest(dir);
    if (!sameModel(manifest, options.embedder)) return undefined;
    current = await openCurrent(dir, manifest);
  } catch {
    // Whatever is wrong with it, the full build says so and rebuilds.
    return undefined;
  }
  const { manifest, base } = current;
  const baseIndex = new Map(base.passages.documents.map((d, i) => [d.name, i]));
  const maskedBefore = manifest.overlay?.masked ?? {};
  const baseSha = (name: string) => maskedBefore[name] ?? (baseIndex.has(name) ? manifest.documents[name]?.sha256 : undefined);

  // Read: every file whose stamp moved, and every document the overlay holds (it is laid out afresh each time).
  const reread = new Set(options.reread);
  const read = await readChanged(
    options.corpusDir,
    (name, stamp) => !reread.has(name) && manifest.documents[name]?.stamp === stamp && baseSha(name) === manifest.documents[name]?.sha256,
  );
  const shaNow = new Map<string, string>([...read.unread.keys()].map((name) => [name, manifest.documents[name]!.sha256]));
  for (const d of read.documents) shaNow.set(d.name, d.sha256);
  const documents: SourceDocument[] = read.documents.filter((d) => d.sha256 !== baseSha(d.name));
  const masked = [...baseIndex].filter(([name]) => shaNow.get(name) !== baseSha(name));
  const maskedSpans = masked.map(([, d]) => base.passages.documentPositions(d));
  const maskedPassages = maskedSpans.reduce((sum, [first, end]) => sum + end - first, 0);
  const within = (overlayPassages: number) => overlayPassages + maskedPassages <= OVERLAY_MAX_SHARE * base.passages.length;
  if (!within(0)) return undefined;

  const blocks = documents.map((d) => splitBlocks(d.text));
  const boilerplate = overlayBoilerplate(base.templates, masked.map(([, d]) => d), blocks.map(templateKeys));
  if (!boilerplate) {
    options.onMessage?.('The change moves what other documents count as site boilerplate: a full update.');
    return undefined;
  }
  const previousOverlay = current.overlay && {
    documents: current.overlay.passages.documents,
    passages: [...current.overlay.passages],
    sha256: (name: string) => manifest.documents[name]?.sha256,
  };
  const segmented = await segmentReusing(documents, blocks.map((b) => layoutBlocks(b, boilerplate)), previousOverlay);
  const overlayPassages = segmented.reduce((sum, s) => sum + s.sentences.length, 0);
  const liveSentences = base.passages.length - maskedPassages + overlayPassages;
  // Grown into a denser graph than the base's (store/files/format): the full build rebuilds it.
  const wanted = graphParameters(liveSentences);
  if (!within(overlayPassages) || wanted.m > manifest.hnsw.m || wanted.efConstruction > manifest.hnsw.efConstruction) return undefined;

  const plan = planBuild(documents.map((d, i) => ({ ...d, ...segmented[i]! })), undefined);
  const { graph, vectors, embedded } = await executePlan(plan, undefined, options.embedder, {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    known: knownVectors(current, maskedSpans),
  });

  const baseSentences = (name: string) => {
    const [first, end] = base.passages.documentPositions(baseIndex.get(name)!);
    return end - first;
  };
  const overlaySentences = new Map(documents.map((d, i) => [d.name, segmented[i]!.sentences.length]));
  const entry = (name: string, stamp: string) => ({
    sha256: shaNow.get(name)!,
    stamp,
    sentences: overlaySentences.get(name) ?? baseSentences(name),
  });
  const stamps = new Map([...read.unread, ...read.documents.map((d) => [d.name, d.stamp] as const)]);
  const hasOverlay = documents.length > 0 || masked.length > 0;
  const generation = await writeOverlayGeneration(options.indexDir, {
    manifest: {
      format: FORMAT_VERSION,
      model: manifest.model,
      hnsw: manifest.hnsw,
      documents: Object.fromEntries([...stamps].sort(([a], [b]) => byName(a, b)).map(([name, stamp]) => [name, entry(name, stamp)])),
      labelCount: manifest.labelCount,
      deletedCount: manifest.deletedCount,
      builtAt: new Date().toISOString(),
      ...(hasOverlay ? { overlay: { masked: Object.fromEntries(masked.map(([name]) => [name, baseSha(name)!])), labelCount: plan.labelCount, hnsw: plan.hnsw } } : {}),
    },
    base: { dir, files: manifest.files },
    ...(hasOverlay
      ? {
          overlay: {
            store: { documents: documents.map((d, i) => ({ name: d.name, meta: { ...segmented[i]!.meta, ...d.metaOverride } })), passages: plan.passages },
            vectors,
            graph,
            lexical: encodeLexical(buildLexicalData(plan.passages.map(lexicalText))),
          },
        }
      : {}),
  });
  await publishGeneration(options.indexDir, generation).catch((error: unknown) => {
    throw writeFailure(join(options.indexDir, POINTER), error);
  });
  const empty = documents.filter((_, d) => segmented[d]!.sentences.length === 0).map((doc) => fail('EMPTY_DOCUMENT', doc.name).message);
  return {
    ...documentChanges([...shaNow].map(([name, sha256]) => ({ name, sha256 })), manifest.documents),
    sentences: liveSentences,
    embedded,
    graph: 'overlay',
    warnings: [...read.warnings, ...empty],
    seconds: (performance.now() - started) / 1000,
    generation,
  };
}
