/**
 * Index-time annotation of a document's sentences: the typed values each
 * holds (tagger.ts) and the speaker and subject resolved from the sentences
 * before it (context.ts). Nothing here changes a sentence's text or offsets.
 */
import type { Sentence } from '../segment/document.js';
import { resolveContext } from './context.js';
import { lowercaseWords, type Tagger } from './tagger.js';
import { storeTags, type StoredTags } from './tags.js';

export interface Annotation {
  tags: StoredTags;
  context: string;
}

export function annotateDocument(tagger: Tagger, text: string, sentences: readonly Sentence[]): Annotation[] {
  const lowercase = lowercaseWords(text);
  const tagged = sentences.map((s) => ({ ...s, tags: storeTags(tagger(s.text, s.start, lowercase), s.start) }));
  const context = resolveContext(tagged);
  return tagged.map((s, i) => ({ tags: s.tags, context: context[i]! }));
}
