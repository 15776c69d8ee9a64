/**
 * A quote cut at its highlights, for front ends that emphasise the answering
 * value (bold in Discord, underlined on a terminal). Joined back, the pieces
 * are the quote's text exactly: emphasis is added around slices, never into them.
 */
import type { Quote } from './select.js';

export interface Piece {
  text: string;
  marked: boolean;
}

export function pieces(quote: Pick<Quote, 'text' | 'start' | 'highlight'>): Piece[] {
  const out: Piece[] = [];
  let at = 0;
  for (const [start, end] of quote.highlight ?? []) {
    const from = Math.max(start - quote.start, at);
    const to = Math.min(end - quote.start, quote.text.length);
    if (to <= from) continue;
    if (from > at) out.push({ text: quote.text.slice(at, from), marked: false });
    out.push({ text: quote.text.slice(from, to), marked: true });
    at = to;
  }
  if (at < quote.text.length) out.push({ text: quote.text.slice(at), marked: false });
  return out;
}
