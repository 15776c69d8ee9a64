/**
 * What a build takes over from the generation before it instead of doing
 * again: a document's sentences and annotations. Shared by the full build
 * (store/write/build) and the overlay update (store/write/overlay).
 */
import { annotateDocument, type Annotation } from '../../annotate/annotate.js';
import { createTagger, type Tagger } from '../../annotate/tagger.js';
import { groupBy } from '../../group.js';
import type { Span } from '../../segment/blocks.js';
import { sentencesOf, type DocumentLayout, type SegmentedDocument, type Sentence } from '../../segment/document.js';
import type { Passage, StoredDocument } from '../files/format.js';

/** Passages of an earlier generation, with the hash each document had when they were made. */
export interface EarlierPassages {
  documents: readonly StoredDocument[];
  passages: readonly Passage[];
  sha256: (name: string) => string | undefined;
}

/**
 * Sentence breaking and annotation are most of a build's work after
 * embedding. A document whose text is unchanged and whose paragraphs come out
 * the same (boilerplate is decided across documents, so they can move) keeps
 * the earlier sentences and annotations.
 */
export async function segmentReusing(
  documents: readonly { name: string; sha256: string; text: string }[],
  layouts: readonly DocumentLayout[],
  earlier: EarlierPassages | undefined,
): Promise<(SegmentedDocument & { annotations: Annotation[] })[]> {
  const shaNow = new Map(documents.map((d) => [d.name, d.sha256]));
  // A passage is a sentence with its annotation: an unchanged document's passages are reused as they are.
  const nameOf = (p: Passage) => earlier!.documents[p.doc]!.name;
  const before: Map<string, (Sentence & Annotation)[]> = earlier
    ? groupBy(earlier.passages.filter((p) => earlier.sha256(nameOf(p)) === shaNow.get(nameOf(p))), nameOf)
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

/** What BM25 indexes for a passage: its text and its resolved speaker and subject. */
export function lexicalText(p: Pick<Passage, 'text' | 'context'>): string {
  return p.context ? `${p.text}\n${p.context}` : p.text;
}
