/**
 * What the reader (embed/reader.ts) reads of a candidate: the document's
 * title, the sentence's resolved speaker or subject, then the quote itself.
 * A sentence that answers through a pronoun ("He died on …") says whom it
 * is about only through its title or context. Pure, and the one function
 * both the training data (scripts/train) and the engine use, so the model
 * reads at query time exactly what it was trained on.
 */

/** A document's title as shown when it has none of its own: the file name without folder, extension or underscores. */
export function titleOf(doc: { name: string; meta: { title?: string } }): string {
  return doc.meta.title ?? (doc.name.split('/').pop() ?? doc.name).replace(/\.[^.]+$/, '').replace(/_/g, ' ');
}

export function readerText(title: string, quote: string, context = ''): string {
  // A context the quote or title already names adds nothing but tokens (each one costs time).
  const about = context && !quote.includes(context) && !title.includes(context) ? `${context}: ` : '';
  return `${title} — ${about}${quote}`;
}
