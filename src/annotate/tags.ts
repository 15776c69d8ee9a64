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

/** On disk a tag is [kind index, start, end]: an archive holds hundreds of thousands. */
export type StoredTag = [number, number, number];

export function storeTags(tags: readonly Tag[]): StoredTag[] {
  return tags.map((t) => [VALUE_KINDS.indexOf(t.kind), t.start, t.end]);
}

export function isStoredTag(value: unknown): value is StoredTag {
  return (
    Array.isArray(value) && value.length === 3 && value.every((n) => Number.isInteger(n) && (n as number) >= 0) &&
    (value[0] as number) < VALUE_KINDS.length && (value[1] as number) <= (value[2] as number)
  );
}

export function loadTags(stored: readonly StoredTag[]): Tag[] {
  return stored.map(([k, start, end]) => ({ kind: VALUE_KINDS[k]!, start, end }));
}
