/**
 * BM25 over sentences (MiniSearch), plus the document frequency of every
 * term, which abstention uses to tell whether a question's words exist in
 * the corpus at all.
 */
import MiniSearch from 'minisearch';
import { termsOf } from './terms.js';

export interface LexicalIndex {
  /** BM25 score by passage position, for every passage matching any term. */
  search(terms: readonly string[]): Map<number, number>;
  /** In how many passages a (processed) term occurs. */
  documentFrequency(term: string): number;
  readonly passageCount: number;
}

export function buildLexicalIndex(texts: readonly string[]): LexicalIndex {
  const engine = new MiniSearch<{ id: number; text: string }>({
    fields: ['text'],
    idField: 'id',
    // Terms are produced by termsOf; MiniSearch must not re-process them.
    tokenize: termsOf,
    processTerm: (term) => term,
    searchOptions: { tokenize: (q) => q.split(' '), processTerm: (t) => t, combineWith: 'OR' },
  });
  const frequency = new Map<string, number>();
  texts.forEach((text) => {
    for (const term of new Set(termsOf(text))) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  });
  engine.addAll(texts.map((text, id) => ({ id, text })));
  return {
    passageCount: texts.length,
    documentFrequency: (term) => frequency.get(term) ?? 0,
    search(terms) {
      const scores = new Map<number, number>();
      if (terms.length === 0) return scores;
      for (const hit of engine.search(terms.join(' '))) scores.set(hit.id as number, hit.score);
      return scores;
    },
  };
}
