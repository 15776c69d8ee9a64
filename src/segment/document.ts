/**
 * One document's text → citation metadata, article paragraphs and sentences,
 * every span an exact slice of the text. Chrome never becomes a paragraph,
 * so it can never be indexed or quoted.
 */
import { splitBlocks, type Span } from './blocks.js';
import { findBoilerplate, footerStart, isProse, normaliseBlock } from './chrome.js';
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

export function segmentDocument(text: string, boilerplate: ReadonlySet<string> = new Set()): SegmentedDocument {
  const blocks = splitBlocks(text);
  const footer = footerStart(blocks);
  const body = blocks.slice(0, footer).filter((b) => !boilerplate.has(normaliseBlock(b.text)));
  const firstProse = body.findIndex((b) => isProse(b.text));
  const header = firstProse === -1 ? body : body.slice(0, firstProse);
  const paragraphs = body.filter((b) => isProse(b.text));
  const sentences = paragraphs.flatMap((p, i) =>
    splitSentences(text, p.start, p.end).map((s) => ({ ...s, paragraph: i + 1 })),
  );
  return { meta: extractMetadata(header.map((b) => b.text)), paragraphs, sentences };
}

/** Segments a whole corpus; needs all texts at once to spot cross-document boilerplate. */
export function segmentCorpus(texts: readonly string[]): SegmentedDocument[] {
  const boilerplate = findBoilerplate(texts.map(splitBlocks));
  return texts.map((text) => segmentDocument(text, boilerplate));
}
