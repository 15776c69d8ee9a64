/**
 * BM25 over flat postings. MiniSearch, the library the scores were first
 * computed with, is the oracle: the flat arrays must rank exactly as it did.
 */
import fc from 'fast-check';
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { buildLexicalData, combinedLexicalIndex, lexicalIndex, recallCounts } from '../src/lexical/bm25.js';
import { queryTerms, termsOf } from '../src/lexical/terms.js';
import { decodeLexical, encodeLexical } from '../src/store/files/lexical-file.js';

const WORDS = ['council', 'children', 'ofsted', 'inadequate', 'social', 'workers', 'budget', 'the', 'of', 'report', 'Coventry', '£5.6m', 'board', 'safeguarding'];
const sentence = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 14 }).map((w) => `${w.join(' ')}.`);

function miniSearchScores(texts: string[], terms: string[]): Map<number, number> {
  const engine = new MiniSearch<{ id: number; text: string }>({ fields: ['text'], idField: 'id', tokenize: termsOf, processTerm: (t) => t });
  engine.addAll(texts.map((text, id) => ({ id, text })));
  const scores = new Map<number, number>();
  if (terms.length === 0) return scores;
  for (const hit of engine.search(terms.join(' '), { tokenize: (q) => q.split(' '), processTerm: (t) => t, combineWith: 'OR' })) {
    scores.set(hit.id as number, hit.score);
  }
  return scores;
}

describe('BM25 postings', () => {
  it('scores every passage as MiniSearch BM25+ does, on random corpora and questions', () => {
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 1, maxLength: 30 }), sentence, (texts, question) => {
        const terms = queryTerms(question);
        const index = lexicalIndex(buildLexicalData(texts));
        const oracle = miniSearchScores(texts, terms);
        // The best k are the oracle's ranking (ties broken by position), cut at k.
        const ranked = [...oracle].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([position]) => position);
        for (const k of [1, 3, texts.length]) {
          const ours = index.search(terms, k);
          texts.forEach((_, position) => expect(ours.scoreOf(position)).toBeCloseTo(oracle.get(position) ?? 0, 9));
          expect(ours.best).toHaveLength(Math.min(k, ranked.length));
          ours.best.forEach((position, i) => expect(ours.scoreOf(position)).toBeCloseTo(oracle.get(ranked[i]!)!, 9));
        }
      }),
    );
  });

  it('keeps exactly the k best of scoring every passage, ties to the lower position, while skipping common terms (MaxScore)', () => {
    // Few words, many passages: long postings, many ties, and terms that stop being walked part way through.
    const few = fc.array(fc.constantFrom('council', 'children', 'ofsted', 'board', 'report'), { minLength: 1, maxLength: 6 }).map((w) => `${w.join(' ')}.`);
    fc.assert(
      fc.property(fc.array(few, { minLength: 1, maxLength: 300 }), few, fc.integer({ min: 1, max: 60 }), (texts, question, k) => {
        const hits = lexicalIndex(buildLexicalData(texts)).search(queryTerms(question), k);
        const exhaustive = texts
          .map((_, position) => ({ position, score: hits.scoreOf(position) }))
          .filter((p) => p.score > 0)
          .sort((a, b) => b.score - a.score || a.position - b.position)
          .slice(0, k)
          .map((p) => p.position);
        expect(hits.best).toEqual(exhaustive);
      }),
      { numRuns: 300 },
    );
  });

  it('ranks the passage with the rarer term above one with only a common term', () => {
    const texts = ['The council met.', 'The council met again.', 'The council rated the service inadequate.'];
    const hits = lexicalIndex(buildLexicalData(texts)).search(queryTerms('Was the service inadequate?'), 10);
    // Only the third passage has "inadequate" and "service"; the others share nothing with the question.
    expect(hits.best).toEqual([2]);
    expect(hits.scoreOf(0)).toBe(0);
    // "council" is in every passage, so only the rare "inadequate" separates them.
    expect(lexicalIndex(buildLexicalData(texts)).search(queryTerms('council inadequate'), 1).best).toEqual([2]);
  });

  it('keeps each search\'s scores its own: an earlier search leaves nothing behind in the next, and its scores stay readable', () => {
    const texts = ['The council met.', 'The service was inadequate.', 'The council rated the service inadequate.'];
    const index = lexicalIndex(buildLexicalData(texts));
    const first = index.search(queryTerms('council'), 3);
    const before = texts.map((_, position) => first.scoreOf(position));
    const second = index.search(queryTerms('inadequate service'), 3);
    // Passage 0 has neither word of the second question, whatever the first search summed for it.
    expect(second.scoreOf(0)).toBe(0);
    expect([...second.best].sort()).toEqual([1, 2]);
    expect(texts.map((_, position) => first.scoreOf(position))).toEqual(before);
    expect(index.search(queryTerms('council'), 3).best).toEqual(first.best);
  });

  it('counts in how many passages a term occurs', () => {
    const index = lexicalIndex(buildLexicalData(['Budget cuts.', 'A budget, a budget.', 'Nothing here.']));
    expect(index.documentFrequency(termsOf('budget')[0]!)).toBe(2);
    expect(index.documentFrequency('absent')).toBe(0);
    expect(index.passageCount).toBe(3);
  });
});

describe('occursBetween', () => {
  it('finds a term only inside the given run of positions, for any run', () => {
    fc.assert(
      fc.property(fc.array(sentence, { minLength: 1, maxLength: 25 }), fc.constantFrom(...WORDS), fc.nat(), fc.nat(), (texts, word, a, b) => {
        const [from, to] = [a % (texts.length + 1), b % (texts.length + 1)].sort((x, y) => x - y) as [number, number];
        const term = termsOf(word)[0];
        if (!term) return;
        const index = lexicalIndex(buildLexicalData(texts));
        const expected = texts.slice(from, to).some((t) => termsOf(t).includes(term));
        expect(index.occursBetween(term, from, to)).toBe(expected);
      }),
    );
  });
});

describe('an update reusing earlier counts', () => {
  it('builds exactly the postings a fresh build does, whatever was kept, moved, repeated or added', () => {
    fc.assert(
      fc.property(fc.array(sentence, { maxLength: 20 }), fc.array(sentence, { maxLength: 10 }), fc.array(fc.nat()), (before, added, picks) => {
        // The new corpus: some earlier texts (in any order, some twice) mixed with texts never seen.
        const kept = before.length > 0 ? picks.map((n) => before[n % before.length]!) : [];
        const after = [...kept, ...added].sort();
        const fresh = buildLexicalData(after);
        const updated = buildLexicalData(after, recallCounts(buildLexicalData(before), before));
        expect(updated.terms).toEqual(fresh.terms);
        for (const key of ['offsets', 'postings', 'frequencies', 'lengths'] as const) expect(Array.from(updated[key])).toEqual(Array.from(fresh[key]));
      }),
    );
  });
});

describe('lexical.bin', () => {
  it('round-trips any postings through the file format', () => {
    fc.assert(
      fc.property(fc.array(sentence, { maxLength: 20 }), (texts) => {
        const data = buildLexicalData(texts);
        const decoded = decodeLexical(encodeLexical(data));
        expect(decoded.terms).toEqual(data.terms);
        for (const key of ['offsets', 'postings', 'frequencies', 'lengths'] as const) expect(Array.from(decoded[key])).toEqual(Array.from(data[key]));
      }),
    );
  });

  it('rejects a truncated file and a file of another kind', () => {
    const bytes = encodeLexical(buildLexicalData(['One sentence here.', 'Another sentence.']));
    expect(() => decodeLexical(bytes.slice(0, bytes.length - 8))).toThrow(/bytes, expected/);
    expect(() => decodeLexical(new Uint8Array(64))).toThrow(/not a lexical index/);
  });
});

describe('BM25 over parts', () => {
  /** Random passages cut into a base and an overlay, with some base spans masked. */
  const parted = fc
    .record({
      base: fc.array(sentence, { minLength: 1, maxLength: 25 }),
      overlay: fc.array(sentence, { maxLength: 10 }),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
    })
    .map(({ base, overlay, cuts }) => {
      // Sorted cut points pair up into disjoint masked spans [a, b).
      const points = [...new Set(cuts.map((c) => c % (base.length + 1)))].sort((a, b) => a - b);
      const masked: [number, number][] = [];
      for (let i = 0; i + 1 < points.length; i += 2) if (points[i]! < points[i + 1]!) masked.push([points[i]!, points[i + 1]!]);
      return { base, overlay, masked };
    });

  it('scores every live passage exactly as one index of the live passages does, and ranks them alike', () => {
    fc.assert(
      fc.property(parted, sentence, ({ base, overlay, masked }, question) => {
        const isMasked = (p: number) => masked.some(([a, b]) => p >= a && p < b);
        const live = [...base.map((text, p) => ({ text, at: p })).filter(({ at }) => !isMasked(at)), ...overlay.map((text, i) => ({ text, at: base.length + i }))];
        const whole = lexicalIndex(buildLexicalData(live.map((l) => l.text)));
        const parts = combinedLexicalIndex([
          { data: buildLexicalData(base), offset: 0, masked },
          { data: buildLexicalData(overlay), offset: base.length, masked: [] },
        ]);
        const terms = queryTerms(question);
        expect(parts.passageCount).toBe(whole.passageCount);
        for (const term of terms) expect(parts.documentFrequency(term)).toBe(whole.documentFrequency(term));
        const k = 5;
        const ours = parts.search(terms, k);
        const theirs = whole.search(terms, k);
        // Bit for bit: the statistics are the same integers, the sums run in the same order.
        live.forEach(({ at }, i) => expect(ours.scoreOf(at)).toBe(theirs.scoreOf(i)));
        // Live positions keep their order in both numberings, so even ties break alike.
        expect(ours.best).toEqual(theirs.best.map((i) => live[i]!.at));
        for (const [a, b] of masked) for (let p = a; p < b; p++) expect(ours.best).not.toContain(p);
      }),
      { numRuns: 300 },
    );
  });
});
