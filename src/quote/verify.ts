/**
 * The verbatim guarantee, enforced where quotes leave the engine: a quote is
 * sent only if its text is exactly the live document's characters at its
 * offsets. A file edited since the last index (or any other drift) fails the
 * check; that quote is dropped and its document reported, never sent.
 */
import { groupBy } from '../group.js';
import type { LiveCheck, QuoteAt } from '../corpus/live.js';

export async function keepVerbatim<Q extends QuoteAt>(quotes: readonly Q[], holds: LiveCheck): Promise<{ kept: Q[]; stale: string[] }> {
  // Each document checked once, all at once: one after another, six quotes from six files cost six reads in a row.
  const byDoc = groupBy(quotes, (quote) => quote.doc);
  const verdicts = new Map<Q, boolean>();
  await Promise.all(
    [...byDoc].map(async ([doc, ofDoc]) => (await holds(doc, ofDoc)).forEach((ok, i) => verdicts.set(ofDoc[i]!, ok))),
  );
  const kept = quotes.filter((quote) => verdicts.get(quote));
  const stale = [...new Set(quotes.filter((quote) => !verdicts.get(quote)).map((quote) => quote.doc))];
  return { kept, stale };
}
