/**
 * Stage 2: the evidence for each candidate, each on its own scale (fusion
 * normalises them). Dense similarity at three grains — the sentence, the
 * sentence with its neighbours, its whole paragraph — because a news
 * sentence often leans on the one before it ("He added…"); BM25 over the
 * sentence and its resolved speaker and subject; whether the sentence holds
 * a value of the type the question asks for; whether its speaker is the one
 * the question names.
 */
import { loadTags, type StoredTags, type Tag } from '../annotate/tags.js';
import type { LexicalHits } from '../lexical/bm25.js';
import { termsOf } from '../lexical/terms.js';
import { ANSWERED_BY, type Asked } from './answer-type.js';
import type { SearchIndex, SearchPassage } from '../index-view.js';

export interface Signals {
  /** Cosine of the query with the sentence. */
  dense: number;
  /** Cosine with the sentence and, down-weighted, its neighbours in the document. */
  window: number;
  /** Mean cosine with the sentences of its paragraph. */
  paragraph: number;
  /** BM25 of the sentence with its context terms; 0 when no query term occurs. */
  lexical: number;
  /** 1 when the sentence holds a value of the asked type, else 0 (0 for every candidate when no type is asked). */
  type: number;
  /** Share of the asked speaker's terms found in the sentence's context or text (0 when no speaker is asked). */
  speaker: number;
}

export const SIGNAL_NAMES = ['dense', 'window', 'paragraph', 'lexical', 'type', 'speaker'] as const satisfies readonly (keyof Signals)[];

/** Weight of each adjacent sentence in the window cosine. */
const NEIGHBOUR_WEIGHT = 0.3;

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** A sentence's text, its document offset and its tags. */
type TaggedText = Pick<SearchPassage, 'text' | 'start'> & { tags?: StoredTags };

/**
 * The passage's values that can answer what is asked: of an answering kind,
 * and not merely a name or value the question itself gives ("Who was
 * Daniel's mother?" is not answered by "Daniel").
 */
export function answeringTags(passage: TaggedText, asked: Asked, questionTerms: ReadonlySet<string>): Tag[] {
  const kinds = ANSWERED_BY[asked.type];
  if (!kinds) return [];
  return loadTags(passage.tags ?? '', passage.start).filter((t) => {
    if (!kinds.includes(t.kind)) return false;
    const terms = termsOf(passage.text.slice(t.start - passage.start, t.end - passage.start));
    return terms.length === 0 || terms.some((term) => !questionTerms.has(term));
  });
}

/** Whether a passage holds a value that can answer the asked type; undefined when the type asks for no particular value. */
export function holdsAskedValue(passage: TaggedText, asked: Asked, questionTerms: ReadonlySet<string>): boolean | undefined {
  if (!ANSWERED_BY[asked.type]) return undefined;
  return answeringTags(passage, asked, questionTerms).length > 0;
}

/**
 * How far the paragraph grain reaches on either side of a sentence. News
 * paragraphs are a few sentences; a transcript or an unparagraphed dump can
 * be one paragraph of hundreds, which would cost a dot product each per
 * candidate (measured: 20 ms a query on 40 addresses).
 */
const PARAGRAPH_REACH = 4;

/** Positions [first, end) of the paragraph holding a position, at most PARAGRAPH_REACH sentences either side. */
export function paragraphSpan(index: Pick<SearchIndex, 'sameParagraph'>, position: number): [number, number] {
  let first = position;
  let end = position + 1;
  while (position - first < PARAGRAPH_REACH && index.sameParagraph(position, first - 1)) first--;
  while (end - position <= PARAGRAPH_REACH && index.sameParagraph(position, end)) end++;
  return [first, end];
}

export interface SignalContext {
  index: SearchIndex;
  query: Float32Array;
  /** For a quotation question: the question without its speaker, to match the asked speaker's sentences on their topic. */
  topicQuery?: Float32Array;
  lexicalHits: LexicalHits;
  asked: Asked;
  /** The question's own search terms (all of them, question words included). */
  questionTerms: ReadonlySet<string>;
}

/** Signals of each candidate; cosines are computed once per passage and shared between grains. */
export function scoreCandidates(
  { index, query, topicQuery, lexicalHits, asked, questionTerms }: SignalContext,
  candidates: readonly number[],
): { item: number; signals: Signals }[] {
  const { passages } = index;
  const around = candidates.map((position) => {
    const [docFirst, docEnd] = index.documentSpan(position);
    // Neighbours across paragraph breaks too: news quotes often follow their speaker's paragraph.
    const neighbours = [position - 1, position + 1].filter((n) => n >= docFirst && n < docEnd);
    return { position, passage: passages.at(position)!, neighbours, span: paragraphSpan(index, position) };
  });
  // Every position the grains read, gathered first so their vectors come in one call (a store on disk reads runs).
  const wanted = new Set<number>();
  for (const { position, neighbours, span } of around) {
    wanted.add(position);
    neighbours.forEach((n) => wanted.add(n));
    for (let i = span[0]; i < span[1]; i++) wanted.add(i);
  }
  const positions = [...wanted];
  const vectors = new Map(index.vectors(positions).map((vector, i) => [positions[i]!, vector]));
  const cosines = new Map<number, number>();
  const cos = (position: number) => {
    let value = cosines.get(position);
    if (value === undefined) cosines.set(position, (value = dot(query, vectors.get(position)!)));
    return value;
  };
  const speakerTerms = asked.speaker ? new Set(termsOf(asked.speaker)) : undefined;
  return around.map(({ position, passage, neighbours, span: [first, end] }) => {
    const window = (cos(position) + NEIGHBOUR_WEIGHT * neighbours.reduce((s, n) => s + cos(n), 0)) / (1 + NEIGHBOUR_WEIGHT * neighbours.length);
    let paragraph = 0;
    for (let i = first; i < end; i++) paragraph += cos(i);
    let speaker = 0;
    if (speakerTerms && speakerTerms.size > 0) {
      const own = new Set(termsOf(`${passage.context} ${passage.text}`));
      speaker = [...speakerTerms].filter((t) => own.has(t)).length / speakerTerms.size;
    }
    // A sentence by the asked speaker already meets the speaker part of the question: judge it on the topic too.
    const dense = topicQuery && speaker > 0 ? Math.max(cos(position), dot(topicQuery, vectors.get(position)!)) : cos(position);
    return {
      item: position,
      signals: {
        dense,
        window,
        paragraph: paragraph / (end - first),
        lexical: lexicalHits.scoreOf(position),
        type: holdsAskedValue(passage, asked, questionTerms) ? 1 : 0,
        speaker,
      },
    };
  });
}
