/**
 * Tells article prose from site chrome (navigation, headings, datelines,
 * promos, footers) by general shape rules, never by known strings:
 *  - prose ends in sentence punctuation and has a few words;
 *  - a footer promo is a tail of alternating heading / one-line blurb pairs;
 *  - a block repeated in several documents is a site template, not news.
 */
import type { Span } from './blocks.js';

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’.,%£$€-]*/gu;

export function wordCount(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

/** wordCount(text) >= n, without counting a long paragraph to its end: every block of an archive is asked. */
function hasWords(text: string, n: number): boolean {
  let count = 0;
  for (const _ of text.matchAll(WORD)) if (++count >= n) return true;
  return false;
}

/** Blocks longer than this are never treated as a repeated template. */
const TEMPLATE_MAX_WORDS = 40;

/** Ends a sentence: . ! ? … possibly followed by closing quotes or brackets. */
const TERMINAL = /[.!?…][\p{Pf}\p{Pe}”’"')\]]*$/u;

export function isProse(text: string): boolean {
  return TERMINAL.test(text) && hasWords(text, 3);
}

/** A short line with no sentence punctuation: a heading, menu item or label. */
export function isHeading(text: string): boolean {
  return !/[.!?…:;]$/u.test(text) && !text.includes('\n') && !hasWords(text, 13);
}

/** A one-sentence line of at most 20 words: a promo blurb when it follows a heading. */
function isBlurb(text: string): boolean {
  if (hasWords(text, 21)) return false;
  return (text.match(/[.!?…](?=\s|$)/gu)?.length ?? 0) <= 1;
}

/**
 * Index of the first block of a trailing promo zone (heading, blurb, heading,
 * blurb…), or blocks.length when there is none. Two headings at least: one
 * subheading followed by a short closing paragraph is ordinary journalism.
 */
export function footerStart(blocks: readonly Span[]): number {
  let start = blocks.length;
  let headings = 0;
  let i = blocks.length - 1;
  while (i >= 0) {
    const current = blocks[i]!.text;
    if (isHeading(current)) {
      headings++;
      start = i;
      i--;
    } else if (isBlurb(current) && i > 0 && isHeading(blocks[i - 1]!.text)) {
      start = i - 1;
      headings++;
      i -= 2;
    } else {
      break;
    }
  }
  return headings >= 2 ? start : blocks.length;
}

function normaliseBlock(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

export function isBoilerplate(text: string, boilerplate: ReadonlySet<string>): boolean {
  return boilerplate.size > 0 && !hasWords(text, TEMPLATE_MAX_WORDS + 1) && boilerplate.has(normaliseBlock(text));
}

/**
 * A document's candidates for a site template: its distinct short blocks,
 * normalised. A build records them per document (store/blocks-file), so an
 * update can tell whether a changed document moves any other's boilerplate.
 */
export function templateKeys(blocks: readonly Span[]): string[] {
  return [...new Set(blocks.filter((b) => !hasWords(b.text, TEMPLATE_MAX_WORDS + 1)).map((b) => normaliseBlock(b.text)))];
}

/** Short blocks found in two or more documents (given their templateKeys): templates shared by a site's pages. */
export function findBoilerplate(keysByDocument: readonly (readonly string[])[]): Set<string> {
  const seenIn = new Map<string, number>();
  for (const keys of keysByDocument) for (const key of keys) seenIn.set(key, (seenIn.get(key) ?? 0) + 1);
  return new Set([...seenIn].filter(([, count]) => count >= 2).map(([key]) => key));
}
