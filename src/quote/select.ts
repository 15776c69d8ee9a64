/**
 * Ranked sentences → the quotes a user sees. Pure. A quote is one sentence,
 * or a few consecutive sentences of one paragraph when the first opens a
 * quotation that only closes later; it is never stitched from different
 * places. One quote per paragraph: a second hit from the same paragraph
 * would be a near-duplicate.
 */
import type { PassageList, SearchPassage } from '../index-view.js';
import type { DocMeta } from '../segment/metadata.js';

/** What selection needs of a sentence: the index's own passage shape, tags optional. */
export type SentenceRef = Pick<SearchPassage, 'doc' | 'paragraph' | 'start' | 'end' | 'text' | 'after' | 'byteStart'> & Partial<Pick<SearchPassage, 'tags'>>;

export interface Quote {
  text: string;
  doc: string;
  start: number;
  end: number;
  /** UTF-8 offset of `start` in the file as indexed, when its text is the file's bytes: the verbatim check reads just those. */
  byteStart?: number;
  score: number;
  title?: string;
  publisher?: string;
  date?: string;
  /** The document's URL, when it has one (a sidecar's `url`, an HTML page's canonical link). */
  url?: string;
  paragraph: number;
  /** File offsets [start, end) of the values inside the quote that answer the question, in order; absent when none. */
  highlight?: [number, number][];
}

const MAX_SENTENCES = 3;

/** Opening minus closing double quotation marks; straight quotes alternate, so count their parity. */
function openQuotes(text: string): number {
  const curly = (text.match(/“/g)?.length ?? 0) - (text.match(/”/g)?.length ?? 0);
  const straight = (text.match(/"/g)?.length ?? 0) % 2;
  return curly + straight;
}

/** Extends a sentence forward while a quotation it opens is still open, within its paragraph. */
export function expandQuote(sentences: PassageList<SentenceRef>, at: number): { first: number; last: number } {
  let last = at;
  let open = openQuotes(sentences.at(at)!.text);
  while (open > 0 && last - at + 1 < MAX_SENTENCES && sentences.at(last)!.after !== '') {
    const next = sentences.at(last + 1);
    if (!next) break;
    last++;
    open += openQuotes(next.text);
  }
  return { first: at, last };
}

export function joinSentences(sentences: PassageList<SentenceRef>, first: number, last: number): string {
  let text = '';
  for (let i = first; i <= last; i++) text += sentences.at(i)!.text + (i < last ? sentences.at(i)!.after : '');
  return text;
}

function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** Jaccard similarity of the word sets above 0.8. */
export function nearDuplicate(a: string, b: string): boolean {
  return similarWords(wordSet(a), wordSet(b));
}

function similarWords(x: ReadonlySet<string>, y: ReadonlySet<string>): boolean {
  let shared = 0;
  for (const word of x) if (y.has(word)) shared++;
  const union = x.size + y.size - shared;
  return union > 0 && shared / union > 0.8;
}

export interface SelectInput {
  /** All sentences in reading order. */
  sentences: PassageList<SentenceRef>;
  documents: readonly { name: string; meta: DocMeta }[];
  /** Positions into `sentences`, best first, with their fused scores. */
  ranked: readonly { position: number; score: number }[];
  top: number;
  /** The values in a sentence that answer the question (file offsets): highlighted inside its quote. */
  answering?: (sentence: SentenceRef) => readonly { start: number; end: number }[];
}

/** The answering values inside sentences first..last, as sorted, non-overlapping file offsets. */
export function highlights(
  sentences: PassageList<SentenceRef>,
  first: number,
  last: number,
  answering: NonNullable<SelectInput['answering']>,
): [number, number][] {
  const spans: [number, number][] = [];
  for (let i = first; i <= last; i++) for (const value of answering(sentences.at(i)!)) spans.push([value.start, value.end]);
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const previous = merged.at(-1);
    if (previous && span[0] < previous[1]) previous[1] = Math.max(previous[1], span[1]);
    else merged.push([...span]);
  }
  return merged;
}

/** A quote as picked, before it is dressed: the sentences first..last, `position` the ranked sentence that chose it. */
export interface PickedSpan {
  position: number;
  first: number;
  last: number;
  text: string;
  score: number;
}

/**
 * The quotes a ranking yields, as spans, best first: one per paragraph, a quotation extended to its close,
 * near-duplicates (the same wire copy in two files) dropped. What selectQuotes shows, and what the reader
 * reads (search/reading.ts), so both see the same quotes.
 */
export function pickSpans({ sentences, ranked, top }: Pick<SelectInput, 'sentences' | 'ranked' | 'top'>): PickedSpan[] {
  const spans: PickedSpan[] = [];
  // Each quote's words, found once: an archive with many wire copies compares every candidate against every quote.
  const quoteWords: Set<string>[] = [];
  const usedParagraphs = new Set<string>();
  for (const { position, score } of ranked) {
    if (spans.length >= top) break;
    const sentence = sentences.at(position)!;
    const paragraphKey = `${sentence.doc}:${sentence.paragraph}`;
    if (usedParagraphs.has(paragraphKey)) continue;
    usedParagraphs.add(paragraphKey);
    const { first, last } = expandQuote(sentences, position);
    const text = joinSentences(sentences, first, last);
    const words = wordSet(text);
    if (quoteWords.some((kept) => similarWords(kept, words))) continue;
    quoteWords.push(words);
    spans.push({ position, first, last, text, score });
  }
  return spans;
}

export function selectQuotes({ sentences, documents, ranked, top, answering = () => [] }: SelectInput): Quote[] {
  return pickSpans({ sentences, ranked, top }).map(({ position, first, last, text, score }) => {
    const sentence = sentences.at(position)!;
    const { name, meta } = documents[sentence.doc]!;
    const marked = highlights(sentences, first, last, answering);
    const { start, byteStart } = sentences.at(first)!;
    return {
      text,
      doc: name,
      start,
      end: sentences.at(last)!.end,
      ...(byteStart !== undefined && byteStart >= 0 ? { byteStart } : {}),
      score,
      ...(meta.title ? { title: meta.title } : {}),
      ...(meta.publisher ? { publisher: meta.publisher } : {}),
      ...(meta.date ? { date: meta.date } : {}),
      ...(meta.url ? { url: meta.url } : {}),
      paragraph: sentence.paragraph,
      ...(marked.length > 0 ? { highlight: marked } : {}),
    };
  });
}
