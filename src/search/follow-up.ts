/**
 * A follow-up question read with the question it follows ("and his
 * stepfather?" after "Who was Daniel's mother?"): general English, nothing of
 * any corpus. The reading is shown to the asker ("Read as: …"), and it is
 * what the engine searches and judges; the quotes stay verbatim.
 *
 * Whether a question leans on the one before is decided from its own words,
 * not their count:
 *   - it follows when it opens with a continuation ("and …", "what about …"),
 *     has no subject of its own (an ellipsis: "for how long?", "in 2013?",
 *     "the safeguarding board?"), or speaks of a person it does not name
 *     ("what did she say about the inspection?");
 *   - it may follow when it has words of its own and a pointer that is often
 *     not one ("it", "that", "there": "Is it true that…"), or one word of
 *     its own ("what was the result?"): the engine decides by asking it both
 *     ways (readInContext);
 *   - otherwise it has its own subject and is read alone.
 * What is carried is the earlier question as the asker typed it, never its
 * reading, so a reading holds one earlier question at most.
 */
import { queryTerms } from '../lexical/terms.js';
import type { Answer, SearchEngine } from './engine.js';

export interface Reading {
  /** What is asked of the engine. */
  question: string;
  /** True when the earlier question changed the reading. */
  followed: boolean;
}

/** How a question stands to the one before it. */
export type Leaning = 'alone' | 'follows' | 'unsure';

/** A question word, with the word that makes it a kind of ask ("how many", "how old"). */
const WH = String.raw`(?:who|whom|whose|what|when|where|why|which|how(?:\s+(?:many|much|old|long|often|far))?)`;
const AUXILIARY = String.raw`(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)`;
/** The opening a question asks with ("Who was", "How many children were", "When did", or the question word alone): kept from the earlier question for an ellipsis. */
const WH_PHRASE = new RegExp(String.raw`^${WH}(?:\s+\w+)?\s+${AUXILIARY}\b|^${WH}\b`, 'i');
/** A question that opens as a question does: with a question word or an auxiliary ("Is…", "Did…"). */
const QUESTION_OPENING = new RegExp(String.raw`^(?:${WH}|${AUXILIARY})\b`, 'i');
/** Openings that hand the rest of the question over to the earlier one. */
const CONTINUATION = /^(?:and what about|and how about|what about|how about|and|but|also|so|then)\b[\s,]*/i;
/** People the question speaks of without naming them: someone the earlier question named. */
const PERSONAL = /\b(?:he|she|they|him|her|them|his|hers|their|theirs)\b/i;
/** Words that may point back, and as often do not ("Is it true…", "the report that…", "is there…"). */
const POINTERS = /\b(?:it|its|that|this|those|these|there|then|the same)\b/i;
/** A term that is only a number or a year: a modifier ("in 2013"), never a subject. */
const NUMBER = /^[\d.,]+$/;
/** A fragment without a question opening this short is an ellipsis ("the safeguarding board?"). */
const FRAGMENT_WORDS = 4;

const withoutMark = (text: string) => text.trim().replace(/[?.!]+$/, '').trim();

/** The earlier question's subject: what follows its opening (and any continuation), without the question mark ("Daniel's mother"). */
export function topicOf(question: string): string {
  const trimmed = withoutMark(question).replace(CONTINUATION, '');
  const opening = WH_PHRASE.exec(trimmed);
  return (opening ? trimmed.slice(opening[0].length) : trimmed).trim();
}

/** Whether a question leans on the one before, from its own words alone. */
export function leaning(question: string): Leaning {
  const asked = withoutMark(question);
  if (CONTINUATION.test(asked)) return 'follows';
  // The words after its opening: "how many" asks, it names nothing.
  const subject = queryTerms(asked.replace(WH_PHRASE, '')).filter((t) => !NUMBER.test(t));
  if (subject.length === 0) return 'follows';
  if (!QUESTION_OPENING.test(asked) && asked.split(/\s+/).length <= FRAGMENT_WORDS) return 'follows';
  if (PERSONAL.test(asked)) return 'follows';
  // One word of its own ("what was the result?", "what is the LSCB?") may name a subject or lean on the earlier one.
  return POINTERS.test(asked) || subject.length === 1 ? 'unsure' : 'alone';
}

/** The question read with the earlier one: its own ask, the earlier subject beside it in parentheses. */
export function readWith(question: string, earlier: string): string {
  const rest = withoutMark(question).replace(CONTINUATION, '');
  // An ellipsis ("and his stepfather?") asks what the earlier question asked, of something else.
  const opening = WH_PHRASE.exec(withoutMark(earlier).replace(CONTINUATION, ''))?.[0];
  const body = QUESTION_OPENING.test(rest) || !opening ? rest : `${opening} ${rest}`;
  return `${body.charAt(0).toUpperCase()}${body.slice(1)}? (${topicOf(earlier)})`;
}

/** The reading a question gets from its words alone; an unsure one is read alone here (readInContext asks the engine). */
export function readFollowUp(question: string, earlier: string | undefined): Reading {
  const asked = question.trim();
  // Nothing to resolve, or nothing typed (the engine says what is wrong with an empty question).
  if (!earlier?.trim() || !/[\p{L}\p{N}]/u.test(asked) || leaning(asked) !== 'follows') return { question: asked, followed: false };
  return { question: readWith(asked, earlier), followed: true };
}

/**
 * The reading with the earlier question wins an unsure question only when the engine finds it clearly better.
 * Never for an off-topic question (refused alone), nor when the question brings a word of its own that no
 * article uses at all ("Is it going to rain tomorrow?" after a question about caseloads brings "rain": it is
 * about something else, whatever the earlier question finds). Otherwise: when alone it is not answered and
 * with the earlier question it is at least on topic ("when did it take place?" alone asks about nothing); or
 * when both are answered and the engine is surer of the answer with the earlier question.
 */
export function clearlyBetter(question: string, alone: Judged, followed: Judged, known: (term: string) => boolean): boolean {
  if (alone.verdict === 'refused' || followed.verdict === 'refused' || !queryTerms(question).every(known)) return false;
  if (alone.verdict === 'related') return true;
  return followed.verdict === 'answered' && (followed.trace?.scores.answers ?? 0) > (alone.trace?.scores.answers ?? 0);
}

/** What the comparison reads of an answer: its verdict, and how sure the verdict was. */
export type Judged = Pick<Answer, 'verdict' | 'trace'>;

/** What reading in context needs of the engine: its answers, and which words its articles use. */
export type Asker = Pick<SearchEngine, 'ask' | 'index'>;

/** A question → its answer, read with the earlier question when it leans on it; the engine settles an unsure one. */
export async function readInContext(engine: Asker, question: string, earlier: string | undefined, top = 3): Promise<{ reading: Reading; answer: Answer }> {
  const asked = question.trim();
  const alone: Reading = { question: asked, followed: false };
  const ask = (q: string) => engine.ask(q, top);
  if (!earlier?.trim() || !/[\p{L}\p{N}]/u.test(asked)) return { reading: alone, answer: await ask(asked) };
  const lean = leaning(asked);
  const followed: Reading = { question: readWith(asked, earlier), followed: true };
  if (lean === 'alone') return { reading: alone, answer: await ask(asked) };
  if (lean === 'follows') return { reading: followed, answer: await ask(followed.question) };
  const answerAlone = await ask(asked);
  if (answerAlone.verdict === 'refused') return { reading: alone, answer: answerAlone };
  const answerFollowed = await ask(followed.question);
  const known = (term: string) => engine.index.lexical.documentFrequency(term) > 0;
  return clearlyBetter(asked, answerAlone, answerFollowed, known) ? { reading: followed, answer: answerFollowed } : { reading: alone, answer: answerAlone };
}
