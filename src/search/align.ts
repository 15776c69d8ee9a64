/**
 * Soft alignment: how much of a question a passage says, by meaning rather
 * than spelling. Each content word of the question is matched to its
 * closest word of the passage by contextual vector (embed/words.ts); the
 * score is the IDF-weighted mean of those best cosines. A paraphrase aligns
 * ("mum" with "mother", "pilfer" with "stealing"); a question about
 * something the passage does not say leaves its rare word unmatched ("How
 * old is the council leader?" against a sentence about the leader). Pure.
 */
import type { WordStates } from '../embed/words.js';

/** How many passages, the closest by meaning first, a question is aligned with: its alignment is the best of them. */
export const ALIGNED_PASSAGES = 3;

export interface Alignment {
  /** The IDF-weighted mean of the content words' best cosines. */
  mean: number;
  /** The lowest best cosine of a content word: the one thing the passage says least about. */
  weakest: number;
}

/**
 * Over the question's words that `weightOf` weighs (content words;
 * undefined leaves a word out), each one's best cosine with a passage word:
 * their IDF-weighted mean and their minimum; both 0 when no word is weighed.
 */
export function alignment(question: WordStates, passage: WordStates, weightOf: (word: string) => number | undefined): Alignment {
  const { dims } = question;
  let total = 0;
  let aligned = 0;
  let weakest = Number.POSITIVE_INFINITY;
  question.words.forEach((word, i) => {
    const weight = weightOf(word);
    if (weight === undefined || weight <= 0) return;
    let best = 0;
    for (let j = 0; j < passage.words.length; j++) {
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += question.vectors[i * dims + d]! * passage.vectors[j * dims + d]!;
      if (dot > best) best = dot;
    }
    total += weight;
    aligned += weight * best;
    weakest = Math.min(weakest, best);
  });
  return total > 0 ? { mean: aligned / total, weakest } : { mean: 0, weakest: 0 };
}
