/**
 * A follow-up question read with the question it follows ("and his
 * stepfather?" after "Who was Daniel's mother?"): pure, general English,
 * nothing of any corpus. The reading is shown to the asker ("Read as: …"),
 * and it is what the engine searches and judges; the quotes stay verbatim.
 *
 * A question that stands on its own (its own wh-word, no pronoun or
 * ellipsis to resolve, and words of its own to search) is read as it is.
 */
import { termsOf } from '../lexical/terms.js';

export interface Reading {
  /** What is asked of the engine. */
  question: string;
  /** True when the earlier question changed the reading. */
  followed: boolean;
}

/** A question word, with the word that makes it a kind of ask ("how many", "how old"). */
const WH = String.raw`(?:who|whom|whose|what|when|where|why|which|how(?:\s+(?:many|much|old|long|often|far))?)`;
/** The opening a question asks with ("Who was", "How many children were", "When did", or the question word alone): kept from the earlier question for an ellipsis. */
const WH_PHRASE = new RegExp(String.raw`^${WH}(?:\s+\w+)?\s+(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would)\b|^${WH}\b`, 'i');
/** Openings that hand the rest of the question over to the earlier one. */
const CONTINUATION = /^(?:and|but|also|so|then|what about|how about|and what about|and how about)\b[\s,]*/i;
/** Words that point back at something the earlier question named. */
const POINTERS = /\b(?:he|she|it|they|him|her|them|his|hers|its|their|theirs|that|this|those|these|there|then|the same)\b/i;
/** A question with fewer words of its own than this leans on the one before. */
const OWN_TERMS = 3;

/** The earlier question's subject: what follows its opening, without the question mark ("Daniel's mother"). */
export function topicOf(question: string): string {
  const trimmed = question.trim().replace(/[?.!]+$/, '');
  const opening = WH_PHRASE.exec(trimmed);
  return (opening ? trimmed.slice(opening[0].length) : trimmed).trim();
}

export function readFollowUp(question: string, earlier: string | undefined): Reading {
  const asked = question.trim();
  // Nothing to resolve, or nothing typed (the engine says what is wrong with an empty question).
  if (!earlier?.trim() || !/[\p{L}\p{N}]/u.test(asked)) return { question: asked, followed: false };
  const continues = CONTINUATION.test(asked);
  const points = POINTERS.test(asked);
  const ownTerms = termsOf(asked).length;
  if (!continues && !points && ownTerms >= OWN_TERMS) return { question: asked, followed: false };
  const rest = asked.replace(CONTINUATION, '').replace(/[?.!]+$/, '').trim();
  const topic = topicOf(earlier);
  // An ellipsis ("and his stepfather?") asks what the earlier question asked, of something else.
  const opening = WH_PHRASE.exec(earlier.trim())?.[0];
  const body = WH_PHRASE.test(rest) || !opening ? rest : `${opening} ${rest}`;
  const reading = `${body.charAt(0).toUpperCase()}${body.slice(1)}? (${topic})`;
  return { question: reading, followed: true };
}
