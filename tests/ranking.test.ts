/** Pure ranking, abstention and quote selection on fixed data: each case says why the winner wins. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandQuote, nearDuplicate, selectQuotes, type SentenceRef } from '../src/quote/select.js';
import { answerProbability, idf, shouldAnswer, unmatchedWords, weightedCoverage, type AbstainModel } from '../src/search/abstain.js';
import { chooseAskFloor, leaveOneOut } from '../scripts/ask-floor.js';
import { fuse, type Signals } from '../src/search/fusion.js';
import { queryTerms, termsOf } from '../src/search/terms.js';

const candidate = (item: string, dense: number, lexical: number, context = dense) => ({ item, signals: { dense, context, lexical } satisfies Signals });

describe('fuse', () => {
  it('puts a sentence that is both semantically and lexically close first', () => {
    const ranked = fuse([candidate('paraphrase only', 0.6, 0), candidate('both', 0.58, 9), candidate('keyword only', 0.2, 10)]);
    expect(ranked[0]!.item).toBe('both');
  });

  it('lets strong meaning beat a weak keyword overlap', () => {
    const ranked = fuse([candidate('meaning', 0.7, 1), candidate('keyword', 0.3, 2), candidate('noise', 0.25, 0)]);
    expect(ranked[0]!.item).toBe('meaning');
  });

  it('ignores a signal that does not vary instead of dividing by zero', () => {
    const ranked = fuse([candidate('a', 0.5, 3), candidate('b', 0.4, 3)]);
    expect(ranked.map((r) => r.item)).toEqual(['a', 'b']);
    expect(ranked.every((r) => Number.isFinite(r.score))).toBe(true);
  });

  it('is a permutation of its input, sorted by score, for any signals', () => {
    const signal = fc.double({ min: -1, max: 50, noNaN: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(signal, signal, signal), { maxLength: 30 }), (rows) => {
        const ranked = fuse(rows.map(([d, c, l], i) => ({ item: i, signals: { dense: d, context: c, lexical: l } })));
        expect(ranked.map((r) => r.item).sort((a, b) => a - b)).toEqual(rows.map((_, i) => i));
        for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
      }),
    );
  });
});

describe('abstention', () => {
  const model: AbstainModel = { weights: { topDense: 2, topContext: 0, documentCoverage: 5, passageCoverage: 3 }, bias: -5, threshold: 0.5 };

  it('refuses a question whose distinctive words are absent from the corpus, however close the cosine', () => {
    const offTopic = { topDense: 0.55, topContext: 0.5, documentCoverage: 0.15, passageCoverage: 0.1 };
    const onTopic = { topDense: 0.45, topContext: 0.45, documentCoverage: 0.9, passageCoverage: 0.6 };
    expect(shouldAnswer(offTopic, model)).toBe(false);
    expect(shouldAnswer(onTopic, model)).toBe(true);
  });

  it('splits a question into the words a document has and those it lacks, keeping word order', () => {
    const has = new Set(['social', 'worker', 'mani']);
    expect(unmatchedWords('How many social workers were sacked?', (t) => has.has(t))).toEqual({ kept: 'How many social workers were', missing: ['sacked?'] });
    // Function words have no search terms, so they are never "missing"; a possessive is judged by its stem.
    expect(unmatchedWords("What did the Prime Minister's office say?", () => false)).toEqual({ kept: 'What did the say?', missing: ['Prime', "Minister's", 'office'] });
    expect(unmatchedWords('  ', () => false)).toEqual({ kept: '', missing: [] });
  });

  it('chooses the ask floor that separates answerable from unanswerable questions, and none when nothing is gained', () => {
    const answerable = [0.05, 0.01, 0, -0.004].map((askDelta) => ({ answerable: true, modelAnswers: true, askDelta }));
    const nearTopic = [-0.03, -0.07, -0.12].map((askDelta) => ({ answerable: false, modelAnswers: true, askDelta }));
    const floor = chooseAskFloor([...answerable, ...nearTopic]);
    expect(floor).toBeGreaterThan(-0.03);
    expect(floor).toBeLessThanOrEqual(-0.004);
    // Unanswerable questions the model already refuses leave the check nothing to earn.
    expect(chooseAskFloor([...answerable, ...nearTopic.map((e) => ({ ...e, modelAnswers: false }))])).toBe(-Infinity);
    // Left out, a question is decided by the others' floor: here every decision stays right.
    expect(leaveOneOut([...answerable, ...nearTopic, ...nearTopic])).toEqual([true, true, true, true, false, false, false, false, false, false]);
  });

  it('weights rare words above common ones in coverage', () => {
    const df: Record<string, number> = { coventri: 60, weather: 0 };
    const weight = (t: string) => idf(df[t] ?? 0, 74);
    expect(weight('weather')).toBeGreaterThan(weight('coventri'));
    expect(weightedCoverage(['coventri', 'weather'], weight, (t) => (df[t] ?? 0) > 0)).toBeLessThan(0.5);
    expect(weightedCoverage([], weight, () => true)).toBe(0);
  });

  it('is monotone: more coverage never lowers the probability of answering', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const base = { topDense: 0.4, topContext: 0.4, passageCoverage: 0.3 };
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(answerProbability({ ...base, documentCoverage: hi }, model)).toBeGreaterThanOrEqual(answerProbability({ ...base, documentCoverage: lo }, model));
      }),
    );
  });
});

describe('terms', () => {
  it('stems, lower-cases, drops possessives and function words, keeps numbers whole', () => {
    expect(termsOf("The council's caseloads rose 46% to 4,529")).toEqual(['council', 'caseload', 'rose', '46', '4,529']);
    expect(queryTerms('What did the council say? What did it say?')).toEqual(['council']);
  });
});

describe('selectQuotes', () => {
  // Two paragraphs of doc 0, one of doc 1; offsets as in a file "A. “B. C.” D.\n\nE.".
  const sentences: SentenceRef[] = [
    { doc: 0, paragraph: 1, start: 0, end: 2, text: 'A.', after: ' ' },
    { doc: 0, paragraph: 1, start: 3, end: 6, text: '“B.', after: ' ' },
    { doc: 0, paragraph: 1, start: 7, end: 10, text: 'C.”', after: ' ' },
    { doc: 0, paragraph: 1, start: 11, end: 13, text: 'D.', after: '' },
    { doc: 0, paragraph: 2, start: 15, end: 17, text: 'E.', after: '' },
    { doc: 1, paragraph: 1, start: 0, end: 2, text: 'A.', after: '' },
  ];
  const documents = [{ name: 'one.txt', meta: { title: 'One', date: '1 May 2014' } }, { name: 'two.txt', meta: {} }];

  it('extends a sentence that opens a quotation until the quotation closes, verbatim', () => {
    expect(expandQuote(sentences, 1)).toEqual({ first: 1, last: 2 });
    const [quote] = selectQuotes({ sentences, documents, ranked: [{ position: 1, score: 2 }], top: 3 });
    expect(quote).toMatchObject({ text: '“B. C.”', start: 3, end: 10, doc: 'one.txt', title: 'One', paragraph: 1 });
    expect('A. “B. C.” D.\n\nE.'.slice(quote!.start, quote!.end)).toBe(quote!.text);
  });

  it('gives one quote per paragraph and drops near-duplicates from other files', () => {
    const ranked = [0, 3, 4, 5].map((position, i) => ({ position, score: 10 - i }));
    const quotes = selectQuotes({ sentences, documents, ranked, top: 5 });
    expect(quotes.map((q) => q.text)).toEqual(['A.', 'E.']);
    expect(nearDuplicate('The council met today.', 'the council met today')).toBe(true);
  });

  it('returns at most `top` quotes, best first', () => {
    const ranked = [4, 0].map((position, i) => ({ position, score: 5 - i }));
    expect(selectQuotes({ sentences, documents, ranked, top: 1 }).map((q) => q.text)).toEqual(['E.']);
  });
});
