/**
 * Sentence segmentation with exact offsets. Intl.Segmenter (ICU) supplies
 * each segment's index, so offsets are never recovered by searching — a
 * sentence that occurs twice keeps both of its true positions.
 *
 * ICU breaks after every abbreviation ("Mr.", "Gov.") and before lowercase
 * continuations; those fragments are merged back into their sentence.
 */
import { trimSpan, type Span } from './blocks.js';

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/** Titles and short forms that end in a period but never end a sentence when a name or number follows. */
const ABBREVIATIONS = new Set(
  [
    'mr', 'mrs', 'ms', 'dr', 'prof', 'gov', 'sen', 'rep', 'st', 'no', 'nos', 'coun', 'cllr', 'rev', 'gen',
    'col', 'capt', 'lt', 'sgt', 'maj', 'cmdr', 'adm', 'jr', 'sr', 'vs', 'inc', 'ltd', 'co', 'corp', 'mt',
    'ft', 'hon', 'pres', 'supt', 'insp', 'det', 'fig', 'approx', 'dept', 'est', 'jan', 'feb', 'mar', 'apr',
    'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'e.g', 'i.e', 'etc', 'cf', 'p', 'pp', 'vol',
  ],
);

function endsWithAbbreviation(sentence: string): boolean {
  const match = /(?:^|[\s(“"‘'])([A-Za-z][A-Za-z.]*)\.$/u.exec(sentence);
  if (!match) return false;
  const word = match[1]!.toLowerCase();
  // Single capitals ("J. Smith", "U.S.") are initials, not sentence ends.
  return ABBREVIATIONS.has(word) || /^[a-z](\.[a-z])*$/.test(word);
}

/** A fragment that cannot start a sentence: lowercase word, or closing punctuation only. */
function isContinuation(next: string): boolean {
  return /^[a-z]/u.test(next) || /^[\p{Pe}\p{Pf}”’"')\]]+$/u.test(next);
}

/** Splits [start, end) of text into sentences; offsets index text itself. */
export function splitSentences(text: string, start: number, end: number): Span[] {
  const raw: Span[] = [];
  for (const segment of segmenter.segment(text.slice(start, end))) {
    const span = trimSpan(text, start + segment.index, start + segment.index + segment.segment.length);
    if (span) raw.push(span);
  }
  const merged: Span[] = [];
  for (const span of raw) {
    const previous = merged.at(-1);
    if (previous && (endsWithAbbreviation(previous.text) || isContinuation(span.text))) {
      merged[merged.length - 1] = { start: previous.start, end: span.end, text: text.slice(previous.start, span.end) };
    } else {
      merged.push(span);
    }
  }
  return merged;
}
