/**
 * Typed values found in a sentence at index time: who, what organisation,
 * which place, which number, sum, share, date, duration or age it holds.
 * Offsets index the document text, like the sentence's own, so a quote can
 * point at the value that answers without ever changing the quote.
 */
export const VALUE_KINDS = ['person', 'organisation', 'place', 'proper', 'number', 'money', 'percent', 'date', 'duration', 'age'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

export interface Tag {
  kind: ValueKind;
  start: number;
  end: number;
}

/**
 * A sentence's tags as stored: "kind.start.end" triples joined by commas,
 * kind as its index in VALUE_KINDS, offsets from the sentence's start in base
 * 36 ("4.2v.30,7.3c.3m"). An archive holds hundreds of thousands of tags: as
 * JSON arrays they were that many small objects to parse and collect at every
 * start; as one short string per sentence they are decoded only for the few
 * sentences a question touches.
 */
export type StoredTags = string;

export function storeTags(tags: readonly Tag[], sentenceStart: number): StoredTags {
  return tags.map((t) => `${VALUE_KINDS.indexOf(t.kind)}.${(t.start - sentenceStart).toString(36)}.${(t.end - sentenceStart).toString(36)}`).join(',');
}

/** Every kind index is one digit while there are at most ten kinds. */
const STORED = /^(?:[0-9]\.[0-9a-z]+\.[0-9a-z]+(?:,[0-9]\.[0-9a-z]+\.[0-9a-z]+)*)?$/;

/** A well-formed stored string; checked by pattern alone, since a start checks every passage of an archive. */
export function isStoredTags(value: unknown): value is StoredTags {
  return typeof value === 'string' && STORED.test(value);
}

export function loadTags(stored: StoredTags, sentenceStart: number): Tag[] {
  if (stored === '') return [];
  return stored.split(',').map((triple) => {
    const [k, start, end] = triple.split('.');
    return { kind: VALUE_KINDS[Number(k)]!, start: sentenceStart + parseInt(start!, 36), end: sentenceStart + parseInt(end!, 36) };
  });
}
