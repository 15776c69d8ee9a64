/**
 * Citation metadata read from a page's own header lines: title, publisher,
 * date and byline. General rules for news pages; a sidecar file can
 * override any field when the rules guess wrong.
 */
import { isHeading, wordCount } from './chrome.js';

export interface DocMeta {
  title?: string;
  publisher?: string;
  /** As printed in the document, e.g. "Saturday, 22 March 2014". */
  date?: string;
  byline?: string;
  url?: string;
}

const MONTH = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
const WEEKDAY = '(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,?\\s+)?';
const DAY = '\\d{1,2}(?:st|nd|rd|th)?';
const DATE_PATTERNS = [
  new RegExp(`\\b${WEEKDAY}${DAY}\\s+${MONTH}\\.?,?\\s+\\d{4}\\b`, 'i'),
  new RegExp(`\\b${WEEKDAY}${MONTH}\\.?\\s+${DAY},?\\s+\\d{4}\\b`, 'i'),
  /\b\d{4}-\d{2}-\d{2}\b/,
];
const BYLINE = /^(?:written\s+)?by\s+(.{2,80})$/i;
/** Greedy head, so the split falls on the last separator: "Headline – with dash | Outlet". */
const HEADLINE_OUTLET = /^(.+)\s+[-–—|]\s+(.+)$/;
/** Words that mark the right-hand side of "Headline – Outlet" as an outlet name. */
const OUTLET_WORDS = /\b(?:news|times|observer|telegraph|post|herald|guardian|bbc|journal|gazette|mail|express|standard|echo|chronicle|independent|mirror|star|tribune|review|online|press|daily|weekly|magazine|radio|tv)\b/i;

/** A short, capitalised name with a word outlets use ("The Coventry Observer", "Example News"). */
export function looksLikeOutlet(name: string): boolean {
  return /^\p{Lu}/u.test(name) && wordCount(name) <= 5 && OUTLET_WORDS.test(name);
}

export function findDate(text: string): string | undefined {
  for (const pattern of DATE_PATTERNS) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return undefined;
}

/** Header lines are the non-prose blocks before the first paragraph of the article. */
export function extractMetadata(headerLines: readonly string[]): DocMeta {
  const meta: DocMeta = {};
  const candidates: string[] = [];
  for (const line of headerLines) {
    const byline = BYLINE.exec(line);
    const date = findDate(line);
    if (byline) meta.byline ??= byline[1]!.trim();
    else if (date) meta.date ??= date;
    else if (isHeading(line)) candidates.push(line);
  }
  for (const line of candidates) {
    const split = HEADLINE_OUTLET.exec(line);
    if (!split) continue;
    const [, headline, outlet] = split as unknown as [string, string, string];
    const repeated = candidates.some((other) => other !== line && other === headline);
    if (repeated || looksLikeOutlet(outlet)) {
      meta.publisher ??= outlet;
      meta.title ??= headline;
    }
  }
  // Otherwise the headline is the longest heading-like line: menu labels are short.
  const longest = [...candidates].sort((a, b) => wordCount(b) - wordCount(a))[0];
  if (!meta.title && longest && wordCount(longest) >= 3) meta.title = longest;
  return meta;
}
