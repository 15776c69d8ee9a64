/**
 * Splits a document's text into blocks (paragraph candidates) with exact
 * offsets. A block is a run of lines separated from the next by a blank line;
 * a document with no blank lines at all is treated as one block per line, as
 * plain-text dumps with one paragraph per line are common.
 */
export interface Span {
  start: number;
  end: number;
  text: string;
}

/** Trims white space (including no-break spaces) off a span, keeping offsets exact. */
export function trimSpan(text: string, start: number, end: number): Span | undefined {
  while (start < end && /\s/u.test(text[start]!)) start++;
  while (end > start && /\s/u.test(text[end - 1]!)) end--;
  return start < end ? { start, end, text: text.slice(start, end) } : undefined;
}

function splitBy(text: string, separator: RegExp): Span[] {
  const spans: Span[] = [];
  let from = 0;
  for (const match of text.matchAll(separator)) {
    const span = trimSpan(text, from, match.index);
    if (span) spans.push(span);
    from = match.index + match[0].length;
  }
  const last = trimSpan(text, from, text.length);
  if (last) spans.push(last);
  return spans;
}

export function splitBlocks(text: string): Span[] {
  const paragraphs = splitBy(text, /\r?\n[ \t\u00a0]*\r?\n\s*/g);
  const singleMultiLine = paragraphs.length === 1 && /\n/.test(paragraphs[0]!.text);
  return singleMultiLine ? splitBy(text, /\r?\n/g) : paragraphs;
}
