/**
 * What a build will do, decided before anything is embedded or written: which
 * label each sentence gets, which labels of the previous graph are deleted,
 * which vectors are copied from the previous generation and which texts reach
 * the model. Pure: sentences and the previous index's passages in, a plan out.
 *
 * Labels of unchanged sentences survive, so the HNSW graph is patched
 * (markDelete + addPoint) instead of rebuilt, until deletions pile up past a
 * quarter of the graph, or the archive grows into a size that calls for a
 * denser graph than the one it has (never for a sparser one: an archive
 * hovering around the size would otherwise rebuild on every update).
 */
import type { Annotation } from '../../annotate/annotate.js';
import { utf8Offsets } from '../../corpus/utf8.js';
import { groupBy } from '../../group.js';
import type { Sentence } from '../../segment/document.js';
import { graphParameters, NO_BYTES, type GraphParameters, type Manifest, type Passage } from '../files/format.js';

/** A document as the build will index it: its text and its sentences, annotated. */
export interface PlannedDocument {
  name: string;
  sha256: string;
  text: string;
  /** Whether the text is the file's bytes decoded as they are, so each sentence gets its byte offset. */
  textIsFile: boolean;
  sentences: readonly Sentence[];
  annotations: readonly Annotation[];
}

/** The part of the previous generation a plan reads. */
export interface PreviousIndex {
  manifest: Pick<Manifest, 'labelCount' | 'deletedCount' | 'documents' | 'hnsw'>;
  documents: readonly { name: string }[];
  /** In reading order; read once, front to back (the store's table builds each on the way). */
  passages: Iterable<Passage>;
}

export interface BuildPlan {
  /** Every sentence of the new generation, in reading order. */
  passages: Passage[];
  /** One past the highest label; the vectors file has this many rows. */
  labelCount: number;
  /** A new graph (every label fresh), or the previous one patched. */
  rebuildGraph: boolean;
  /** The graph's parameters: those of the archive's size for a new graph, the previous graph's when patched. */
  hnsw: GraphParameters;
  /** Labels of the patched graph whose sentences are gone; empty for a new graph. */
  deletions: number[];
  /** Deleted labels in the patched graph after the deletions. */
  deletedCount: number;
  /** New labels whose text the previous generation already embedded: [label, previous label holding the vector]. */
  copies: [number, number][];
  /** Texts never embedded before, each with the labels waiting for its vector. */
  toEmbed: { text: string; labels: number[] }[];
}

export const REBUILD_DELETED_FRACTION = 0.25;

/**
 * The previous label each sentence keeps (undefined: a new one), as "the n-th
 * occurrence of this text in this document", which survives edits elsewhere
 * in the file (offsets do not) and keeps a repeated sentence's two copies
 * apart. An unchanged document's sentences are its previous ones in order: a
 * comparison, no map (an update of a 2 M-sentence archive has one changed file).
 */
function keptLabels(sentences: readonly Sentence[], before: readonly Passage[] | undefined): (number | undefined)[] {
  if (!before) return sentences.map(() => undefined);
  if (before.length === sentences.length && before.every((p, i) => p.text === sentences[i]!.text)) return before.map((p) => p.label);
  const byText = groupBy(before, (p) => p.text);
  const seen = new Map<string, number>();
  return sentences.map(({ text }) => {
    const n = seen.get(text) ?? 0;
    seen.set(text, n + 1);
    return byText.get(text)?.[n]?.label;
  });
}

/** `previous` is undefined for a first or forced build: every sentence is then new. */
export function planBuild(documents: readonly PlannedDocument[], previous: PreviousIndex | undefined): BuildPlan {
  const wanted = graphParameters(documents.reduce((sum, d) => sum + d.sentences.length, 0));
  const rebuildGraph =
    !previous ||
    previous.manifest.deletedCount > previous.manifest.labelCount * REBUILD_DELETED_FRACTION ||
    wanted.m > previous.manifest.hnsw.m ||
    wanted.efConstruction > previous.manifest.hnsw.efConstruction;
  // The previous passages by document name, each document's in reading order (and the documents in that order too).
  const before = previous ? groupBy(previous.passages, (p) => previous.documents[p.doc]!.name) : new Map<string, Passage[]>();

  // A sentence keeps its old label when the same text stays at the same occurrence in its document.
  const firstNew = rebuildGraph ? 0 : previous.manifest.labelCount;
  let nextLabel = firstNew;
  const passages: Passage[] = [];
  const kept = new Set<number>();
  documents.forEach((doc, d) => {
    const bytes = doc.textIsFile ? utf8Offsets(doc.text, doc.sentences.map((s) => s.start)) : undefined;
    const olds = keptLabels(doc.sentences, rebuildGraph ? undefined : before.get(doc.name));
    doc.sentences.forEach((s, i) => {
      const next = doc.sentences[i + 1];
      const after = next && next.paragraph === s.paragraph ? doc.text.slice(s.end, next.start) : '';
      const old = olds[i];
      const label = old ?? nextLabel++;
      if (old !== undefined) kept.add(old);
      const { tags, context } = doc.annotations[i]!;
      const byteStart = bytes?.[i] ?? NO_BYTES;
      passages.push({ label, doc: d, start: s.start, end: s.end, byteStart, paragraph: s.paragraph, text: s.text, after, tags, context });
    });
  });
  const deletions = rebuildGraph ? [] : [...before.values()].flat().filter((p) => !kept.has(p.label)).map((p) => p.label);

  // Vectors the previous generation holds, by text (its last passage of a text), looked up for new labels only.
  const wantedTexts = new Set(passages.filter((p) => p.label >= firstNew).map((p) => p.text));
  const embeddedAs = new Map<string, number>();
  for (const list of before.values()) for (const p of list) if (wantedTexts.has(p.text)) embeddedAs.set(p.text, p.label);
  const copies: [number, number][] = [];
  const waiting = new Map<string, number[]>();
  for (const p of passages) {
    if (p.label < firstNew) continue; // an old label: its vector and graph point are already there
    const from = embeddedAs.get(p.text);
    const labels = waiting.get(p.text);
    if (from !== undefined) copies.push([p.label, from]);
    else if (labels) labels.push(p.label);
    else waiting.set(p.text, [p.label]);
  }
  return {
    passages,
    labelCount: nextLabel,
    rebuildGraph,
    hnsw: rebuildGraph ? wanted : previous.manifest.hnsw,
    deletions,
    deletedCount: (rebuildGraph ? 0 : previous.manifest.deletedCount) + deletions.length,
    copies,
    toEmbed: [...waiting].map(([text, labels]) => ({ text, labels })),
  };
}

export interface DocumentChanges {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

/** How the corpus differs from what the previous generation indexed (its manifest's documents), by content hash. */
export function documentChanges(documents: readonly { name: string; sha256: string }[], before: Manifest['documents'] = {}): DocumentChanges {
  const now = new Set(documents.map((d) => d.name));
  return {
    added: documents.filter((d) => !before[d.name]).map((d) => d.name),
    changed: documents.filter((d) => before[d.name] && before[d.name]!.sha256 !== d.sha256).map((d) => d.name),
    unchanged: documents.filter((d) => before[d.name]?.sha256 === d.sha256).map((d) => d.name),
    removed: Object.keys(before).filter((name) => !now.has(name)),
  };
}
