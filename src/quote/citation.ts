/** Where a quote comes from, as every front end shows it under the quote. */
import type { Quote } from './select.js';

/** "Title, Publisher, Date, ¶N", leaving out what the document does not say. */
export function citation(quote: Pick<Quote, 'title' | 'publisher' | 'date' | 'paragraph' | 'doc'>): string {
  return [quote.title ?? quote.doc, quote.publisher, quote.date, `¶${quote.paragraph}`].filter(Boolean).join(', ');
}
