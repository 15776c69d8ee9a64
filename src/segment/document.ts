/**
 * One document's text → citation metadata, article paragraphs and sentences,
 * every span an exact slice of the text. Chrome never becomes a paragraph,
 * so it can never be indexed or quoted.
 */
import { splitBlocks, type Span } from './blocks.js';
import { findBoilerplate, footerStart, isBoilerplate, isProse, templateKeys } from './chrome.js';
import { extractMetadata, type DocMeta } from './metadata.js';
import { splitSentences } from './sentences.js';

export interface Sentence extends Span {
  /** 1-based number of the article paragraph (chrome excluded) the sentence is in. */
  paragraph: number;
}

export interface SegmentedDocument {
  meta: DocMeta;
  paragraphs: Span[];
  sentences: Sentence[];
}

/** A document's citation metadata and article paragraphs: cheap, no sentence splitting yet. */
export interface DocumentLayout {
  meta: DocMeta;
  paragraphs: Span[];
}

function layoutDocument(text: string, boilerplate: ReadonlySet<string> = new Set()): DocumentLayout {
  return layoutBlocks(splitBlocks(text), boilerplate);
}

/** A document's layout once the corpus's boilerplate is known (`blocks`: its splitBlocks). */
export function layoutBlocks(blocks: readonly Span[], boilerplate: ReadonlySet<string>): DocumentLayout {
  const body = blocks.slice(0, footerStart(blocks)).filter((b) => !isBoilerplate(b.text, boilerplate));
  const firstProse = body.findIndex((b) => isProse(b.text));
  const header = firstProse === -1 ? body : body.slice(0, firstProse);
  return { meta: extractMetadata(header.map((b) => b.text)), paragraphs: body.filter((b) => isProse(b.text)) };
}

/** The expensive step (ICU sentence breaking), separate so a build can reuse a document's previous result. */
export function sentencesOf(text: string, paragraphs: readonly Span[]): Sentence[] {
  return paragraphs.flatMap((p, i) => splitSentences(text, p.start, p.end).map((s) => ({ ...s, paragraph: i + 1 })));
}

export function segmentDocument(text: string, boilerplate: ReadonlySet<string> = new Set()): SegmentedDocument {
  const layout = layoutDocument(text, boilerplate);
  return { ...layout, sentences: sentencesOf(text, layout.paragraphs) };
}

/** Layouts of a whole corpus, each with its document's templateKeys; needs all texts at once to spot cross-document boilerplate. */
export function layoutCorpus(texts: readonly string[]): (DocumentLayout & { templateKeys: string[] })[] {
  const blocks = texts.map(splitBlocks);
  const keys = blocks.map(templateKeys);
  const boilerplate = findBoilerplate(keys);
  return blocks.map((b, i) => ({ ...layoutBlocks(b, boilerplate), templateKeys: keys[i]! }));
}

export function segmentCorpus(texts: readonly string[]): SegmentedDocument[] {
  return layoutCorpus(texts).map((layout, i) => ({ ...layout, sentences: sentencesOf(texts[i]!, layout.paragraphs) }));
}
