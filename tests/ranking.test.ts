/** Pure ranking, the verdict and quote selection on fixed data: each case says why the winner wins. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandQuote, highlights, nearDuplicate, selectQuotes, type SentenceRef } from '../src/quote/select.js';
import { decide, idf, probability, weightedCoverage, type DecisionFeatures, type DecisionModel } from '../src/search/decide.js';
import { fuse, type Weights } from '../src/search/fusion.js';
import { storeTags } from '../src/annotate/tags.js';
import { classifyQuestion } from '../src/search/answer-type.js';
import { answeringTags, SIGNAL_NAMES, type Signals } from '../src/search/signals.js';
import { queryTerms, termsOf } from '../src/lexical/terms.js';

const WEIGHTS: Weights = { dense: 1, window: 0.3, paragraph: 0, lexical: 0.6, type: 0.5, speaker: 0.3 };
const signals = (dense: number, lexical: number, extra: Partial<Signals> = {}): Signals =>
  ({ dense, window: dense, paragraph: dense, lexical, type: 0, speaker: 0, ...extra });
const candidate = (item: string, dense: number, lexical: number, extra: Partial<Signals> = {}) => ({ item, signals: signals(dense, lexical, extra) });

describe('fuse', () => {
  it('puts a sentence that is both semantically and lexically close first', () => {
    const ranked = fuse([candidate('paraphrase only', 0.6, 0), candidate('both', 0.58, 9), candidate('keyword only', 0.2, 10)], WEIGHTS);
    expect(ranked[0]!.item).toBe('both');
  });

  it('lets strong meaning beat a weak keyword overlap', () => {
    const ranked = fuse([candidate('meaning', 0.7, 1), candidate('keyword', 0.3, 2), candidate('noise', 0.25, 0)], WEIGHTS);
    expect(ranked[0]!.item).toBe('meaning');
  });

  it('lifts the sentence holding a value of the asked type above an equally close one without it', () => {
    // "How much is being invested?": both sentences are about investment, only one holds a sum.
    const ranked = fuse([candidate('no sum', 0.6, 3), candidate('holds £5.6m', 0.59, 3, { type: 1 }), candidate('noise', 0.2, 0)], WEIGHTS);
    expect(ranked[0]!.item).toBe('holds £5.6m');
    expect(fuse([candidate('no sum', 0.6, 3), candidate('holds £5.6m', 0.59, 3, { type: 1 })], { ...WEIGHTS, type: 0 })[0]!.item).toBe('no sum');
  });

  it('ignores a signal that does not vary instead of dividing by zero', () => {
    const ranked = fuse([candidate('a', 0.5, 3), candidate('b', 0.4, 3)], WEIGHTS);
    expect(ranked.map((r) => r.item)).toEqual(['a', 'b']);
    expect(ranked.every((r) => Number.isFinite(r.score))).toBe(true);
  });

  it('is a permutation of its input, sorted by score, for any signals', () => {
    const signal = fc.double({ min: -1, max: 50, noNaN: true });
    fc.assert(
      fc.property(fc.array(fc.array(signal, { minLength: SIGNAL_NAMES.length, maxLength: SIGNAL_NAMES.length }), { maxLength: 30 }), (rows) => {
        const ranked = fuse(rows.map((row, i) => ({ item: i, signals: Object.fromEntries(SIGNAL_NAMES.map((k, j) => [k, row[j]!])) as unknown as Signals })), WEIGHTS);
        expect(ranked.map((r) => r.item).sort((a, b) => a - b)).toEqual(rows.map((_, i) => i));
        for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1]!.score).toBeGreaterThanOrEqual(ranked[i]!.score);
      }),
    );
  });
});

describe('the verdict', () => {
  const model: DecisionModel = {
    onTopic: { weights: { topDense: 4, documentCoverage: 6 }, bias: -5, threshold: 0.5 },
    answers: { weights: { topDense: 3, passageCoverage: 4, typeOk: 4 }, bias: -6, threshold: 0.5 },
  };
  const features = (f: Partial<DecisionFeatures>): DecisionFeatures => ({ topDense: 0.5, bestParagraph: 0.4, documentCoverage: 0.9, passageCoverage: 0.8, typeOk: 1, typeFound: 0, missingRarity: 0, margin: 1, alignment: 0.5, weakestWord: 0.4, asksValue: 1, typedCoverage: 0.8, typedWeakest: 0.4, readerBest: 0, readerFirst: 0, ...f });

  it('refuses a question whose distinctive words are absent from the best document, however close the cosine', () => {
    expect(decide(features({ topDense: 0.55, documentCoverage: 0.1, passageCoverage: 0.1 }), model)).toBe('refused');
  });

  it('answers an on-topic question whose best passage holds the asked kind of value', () => {
    expect(decide(features({}), model)).toBe('answered');
  });

  it('calls it related, not answered, when the best passage is on topic but holds no value of the asked type', () => {
    // "How old is <a named councillor>?": the passage names them and matches every word but holds no age.
    expect(decide(features({ typeOk: 0 }), model)).toBe('related');
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
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(probability(features({ passageCoverage: hi }), model.answers)).toBeGreaterThanOrEqual(probability(features({ passageCoverage: lo }), model.answers));
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

  it('highlights the values that answer, not a name the question itself gives, in file offsets, merged when they overlap', () => {
    const text = 'Daniel was killed by his stepfather, Mariusz Krezolek, in March 2012.';
    const tags = storeTags([
      { kind: 'person', start: 100, end: 106 }, // Daniel
      { kind: 'person', start: 137, end: 153 }, // Mariusz Krezolek
      { kind: 'date', start: 158, end: 168 }, // March 2012
    ], 100);
    const tagged: SentenceRef[] = [{ doc: 0, paragraph: 1, start: 100, end: 100 + text.length, text, after: '', tags }];
    const who = classifyQuestion("Who was Daniel's stepfather?");
    const answering = (s: SentenceRef) => answeringTags(s, who, new Set(termsOf("Who was Daniel's stepfather?")));
    expect(highlights(tagged, 0, 0, answering).map(([a, b]) => text.slice(a - 100, b - 100))).toEqual(['Mariusz Krezolek']);
    const [quote] = selectQuotes({ sentences: tagged, documents, ranked: [{ position: 0, score: 1 }], top: 1, answering });
    expect(quote!.highlight).toEqual([[137, 153]]);
    const overlapping = () => [{ start: 105, end: 110 }, { start: 108, end: 112 }];
    expect(highlights(tagged, 0, 0, overlapping)).toEqual([[105, 112]]);
    expect(selectQuotes({ sentences: tagged, documents, ranked: [{ position: 0, score: 1 }], top: 1 })[0]!.highlight).toBeUndefined();
  });

  it('returns at most `top` quotes, best first', () => {
    const ranked = [4, 0].map((position, i) => ({ position, score: 5 - i }));
    expect(selectQuotes({ sentences, documents, ranked, top: 1 }).map((q) => q.text)).toEqual(['E.']);
  });
});
