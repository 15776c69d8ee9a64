/**
 * Question–sentence pairs for the answerability cross-encoder (issue 21),
 * generated from tagged sentences of a corpus the evaluation never asks:
 * a question per typed value (not 'proper': a capitalised word of no known
 * kind asks nothing in particular), by templates over the sentence's own words,
 * and negatives made the way SQuAD 2.0 made its unanswerable questions.
 * Pure: sentences and their tags in, labelled pairs out; the randomness is
 * the caller's seeded generator.
 */
import type { Tag, ValueKind } from '../../src/annotate/tags.js';
import { termsOf } from '../../src/lexical/terms.js';

/** Bump when the templates or the negatives change: the model records which data it was trained on. */
export const GENERATOR_VERSION = 2;

export interface TaggedSentence {
  text: string;
  /** Offsets within text. */
  tags: Tag[];
}

export type PairKind = 'answer' | 'value-removed' | 'entity-swapped' | 'renumbered' | 'opposite' | 'neighbour' | 'same-kind' | 'negated';

export interface Pair {
  question: string;
  sentence: string;
  /** 1 when the sentence answers the question. */
  label: 0 | 1;
  kind: PairKind;
  asked: ValueKind;
}

/** The question phrase for each kind of value; numbers take the noun that follows them ("How many jobs"). */
const WH: Record<ValueKind, readonly string[]> = {
  person: ['Who', 'Which person'],
  organisation: ['Which organisation', 'What body'],
  place: ['Where', 'Which place'],
  proper: ['What'],
  number: ['How many'],
  money: ['How much', 'How much money'],
  percent: ['What percentage', 'By how much'],
  date: ['When', 'In what year'],
  duration: ['How long', 'For how long'],
  age: ['How old', 'At what age'],
};
/** Kinds whose values stand for one another in an entity swap. */
const SWAPPABLE: readonly ValueKind[] = ['person', 'organisation', 'place', 'proper'];
/** Words a removed value leaves dangling before it ("in 2010" → "in"). */
const DANGLING = /\b(?:in|on|at|by|of|for|since|during|from|to|about|some|nearly|almost|over|more than|less than|than|the|a|an)\s*$/i;
const AUXILIARY = /\b(is|was|are|were|did|does|do|has|have|had|will|would|can|could)\b/i;

type Random = () => number;
const pick = <T>(items: readonly T[], next: Random): T => items[Math.floor(next() * items.length)]!;
const squash = (s: string) => s.replace(/\s+([,.;:!?])/g, '$1').replace(/\s+/g, ' ').replace(/^[\s,;:]+|[\s,;:.]+$/g, '');

/** The sentence without the span [start, end) and a preposition it leaves dangling. */
export function withoutSpan(text: string, start: number, end: number): string {
  return squash(`${text.slice(0, start).replace(DANGLING, '')} ${text.slice(end)}`);
}

/** Words of the sentence a question keeps on either side of the asked value: people ask about the clause, not the sentence. */
const BEFORE = 6;
const AFTER = 8;

/**
 * A question asking for `tag`'s value: the wh-phrase, then the words around
 * the value (the value removed), a quarter of the content words dropped, or
 * as lower-case keywords (how people type in a chat box). Undefined when
 * too little is left to ask about.
 */
export function questionFor(s: TaggedSentence, tag: Tag, next: Random): string | undefined {
  let wh = pick(WH[tag.kind], next);
  let end = tag.end;
  if (tag.kind === 'number') {
    const noun = /^\s+([a-z]+)/.exec(s.text.slice(end));
    if (noun) [wh, end] = [`${wh} ${noun[1]}`, end + noun[0].length];
  }
  const before = s.text.slice(0, tag.start).replace(DANGLING, '').split(' ').filter(Boolean).slice(-BEFORE);
  const after = s.text.slice(end).split(' ').filter(Boolean).slice(0, AFTER);
  const words = [...before, ...after].filter((w) => termsOf(w).length === 0 || next() >= 0.25);
  const rest = squash(words.join(' '));
  if (termsOf(rest).length < 2) return undefined;
  const body = next() < 0.4 ? rest.toLowerCase().replace(/[,.;:"]/g, '') : rest.charAt(0).toLowerCase() + rest.slice(1);
  return `${wh} ${body}?`;
}

/** General English opposites: a question turned to its opposite is not answered by the sentence (SQuAD 2.0's antonym questions). */
const OPPOSITES: readonly [string, string][] = [
  ['increase', 'decrease'], ['increased', 'decreased'], ['rise', 'fall'], ['rose', 'fell'], ['more', 'less'], ['higher', 'lower'],
  ['first', 'last'], ['before', 'after'], ['won', 'lost'], ['support', 'oppose'], ['supported', 'opposed'], ['largest', 'smallest'],
  ['most', 'least'], ['gain', 'loss'], ['accepted', 'rejected'], ['start', 'end'], ['began', 'ended'], ['open', 'close'],
];

/** The question turned to its opposite by one general antonym, or undefined when it has none. */
export function opposite(question: string): string | undefined {
  for (const [a, b] of OPPOSITES) {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const re = new RegExp(`\\b${from}\\b`, 'i');
      if (re.test(question)) return question.replace(re, to);
    }
  }
  return undefined;
}

/** The question with its first number changed (another year, another count): the sentence no longer answers it. */
export function renumbered(question: string, next: Random): string | undefined {
  const match = /\b\d[\d,]*\b/.exec(question);
  if (!match) return undefined;
  const n = Number(match[0].replace(/,/g, ''));
  const changed = n >= 1000 && n < 2100 ? n + (next() < 0.5 ? -1 : 1) * (1 + Math.floor(next() * 9)) : n * 2 + 1;
  return question.slice(0, match.index) + String(changed) + question.slice(match.index + match[0].length);
}

/**
 * The pairs of one document's sentences: per sentence with a value, one
 * answered question and its negatives (each when it can be made):
 * value-removed — the same sentence without the value (half the time);
 * entity-swapped — another entity of the document put in the question for one the sentence names;
 * renumbered, opposite — the question's number changed, or a word turned to its opposite;
 * neighbour — the nearby sentence sharing most words with the question, holding no value of the kind;
 * same-kind — the sentence of the document sharing most words with it that holds another value of the kind;
 * negated — the question with a "not" after its auxiliary.
 */
export function documentPairs(sentences: readonly TaggedSentence[], next: Random): Pair[] {
  const entities = new Map<ValueKind, Set<string>>();
  for (const s of sentences) for (const t of s.tags) if (SWAPPABLE.includes(t.kind)) (entities.get(t.kind) ?? entities.set(t.kind, new Set()).get(t.kind)!).add(s.text.slice(t.start, t.end));
  const pairs: Pair[] = [];
  sentences.forEach((s, i) => {
    const words = s.text.split(' ').length;
    if (words < 8 || words > 45) return;
    const askable = s.tags.filter((t) => t.kind !== 'proper');
    if (askable.length === 0) return;
    const tag = pick(askable, next);
    const question = questionFor(s, tag, next);
    if (!question) return;
    const asked = tag.kind;
    const add = (q: string, sentence: string, label: 0 | 1, kind: PairKind) => pairs.push({ question: q, sentence, label, kind, asked });
    add(question, s.text, 1, 'answer');
    if (next() < 0.5) add(question, withoutSpan(s.text, tag.start, tag.end), 0, 'value-removed');
    const other = s.tags.find((t) => t !== tag && SWAPPABLE.includes(t.kind) && question.includes(s.text.slice(t.start, t.end)));
    if (other) {
      const name = s.text.slice(other.start, other.end);
      const swaps = [...(entities.get(other.kind) ?? [])].filter((e) => e !== name && !s.text.includes(e));
      if (swaps.length > 0) add(question.replace(name, pick(swaps, next)), s.text, 0, 'entity-swapped');
    }
    const changed = renumbered(question, next);
    if (changed) add(changed, s.text, 0, 'renumbered');
    const turned = opposite(question);
    if (turned) add(turned, s.text, 0, 'opposite');
    // Hard negatives: the sentences sharing most of the question's words.
    const asks = new Set(termsOf(question));
    const shared = (t: TaggedSentence) => (t === s ? 0 : termsOf(t.text).filter((w) => asks.has(w)).length);
    const closest = (pool: readonly TaggedSentence[]) => pool.reduce<TaggedSentence | undefined>((best, t) => (shared(t) > (best ? shared(best) : 0) ? t : best), undefined);
    const near = closest(sentences.slice(Math.max(0, i - 3), i + 4).filter((t) => !t.tags.some((x) => x.kind === asked)));
    if (near) add(question, near.text, 0, 'neighbour');
    const value = s.text.slice(tag.start, tag.end);
    const sameKind = closest(sentences.filter((t) => t.tags.some((x) => x.kind === asked) && !t.text.includes(value)));
    if (sameKind) add(question, sameKind.text, 0, 'same-kind');
    if (AUXILIARY.test(question) && next() < 0.3) add(question.replace(AUXILIARY, '$1 not'), s.text, 0, 'negated');
  });
  return pairs;
}
