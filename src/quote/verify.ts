/**
 * The verbatim guarantee, enforced where quotes leave the engine: a quote is
 * sent only if its text is exactly the live document's characters at its
 * offsets. A file edited since the last index (or any other drift) fails the
 * check; that quote is dropped and its document reported, never sent.
 */
import type { Quote } from './select.js';

/** The document's text as it is now (undefined when it is gone or unreadable). */
export type LiveText = (doc: string) => Promise<string | undefined>;

export async function keepVerbatim(quotes: readonly Quote[], liveText: LiveText): Promise<{ kept: Quote[]; stale: string[] }> {
  // Each document read once, all at once: one after another, six quotes from six files cost six reads in a row.
  const docs = [...new Set(quotes.map((quote) => quote.doc))];
  const texts = new Map(await Promise.all(docs.map(async (doc) => [doc, await liveText(doc)] as const)));
  const kept: Quote[] = [];
  const stale = new Set<string>();
  for (const quote of quotes) {
    const text = texts.get(quote.doc);
    if (text !== undefined && text.slice(quote.start, quote.end) === quote.text) kept.push(quote);
    else stale.add(quote.doc);
  }
  return { kept, stale: [...stale] };
}
