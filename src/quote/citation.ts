/** Where a quote comes from, as every front end shows it under the quote. */
import { readableDate } from './dates.js';
import type { Quote } from './select.js';

/** "Title, Publisher, Date, ¶N", leaving out what the document does not say; a machine date as a reader writes it. */
export function citation(quote: Pick<Quote, 'title' | 'publisher' | 'date' | 'paragraph' | 'doc'>): string {
  return [quote.title ?? quote.doc, quote.publisher, quote.date && readableDate(quote.date), `¶${quote.paragraph}`].filter(Boolean).join(', ');
}
