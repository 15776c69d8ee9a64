/**
 * The reader's training pairs (scripts/train/squad-pairs.ts) on a small
 * SQuAD-shaped fixture: answer spans moved into the corpus file, positives,
 * the engine's near misses, plausible-answer and paragraph negatives, and the
 * split by article.
 */
import { describe, expect, it } from 'vitest';
import { seeded } from '../scripts/lib/random.js';
import { questionPairs, squadArticles, VALIDATION_ARTICLES, type Candidate, type SquadJson } from '../scripts/train/squad-pairs.js';

const P1 = 'The Normans came from Normandy. Their leader was Rollo. They spoke Norman French.';
const P2 = 'Rollo agreed to swear fealty to King Charles III. The treaty was signed in 911.';
const JSON_FIXTURE: SquadJson = {
  data: [
    {
      title: 'Normans_(people)',
      paragraphs: [
        {
          context: P1,
          qas: [
            { id: 'q1', question: 'Who led the Normans?', answers: [{ text: 'Rollo', answer_start: P1.indexOf('Rollo') }] },
            { id: 'q2', question: 'What language did the Vikings speak?', is_impossible: true, answers: [], plausible_answers: [{ text: 'Norman French', answer_start: P1.indexOf('Norman French') }] },
          ],
        },
        { context: P2, qas: [{ id: 'q3', question: 'When was the treaty signed?', answers: [{ text: '911', answer_start: P2.indexOf('911') }] }] },
      ],
    },
  ],
};

const [article] = squadArticles(JSON_FIXTURE);
/** The article's sentences as candidates, found by splitting on ". ". */
const sentences: Candidate[] = (() => {
  const out: Candidate[] = [];
  const re = /[^.\n]+\./g;
  for (const m of article!.text.matchAll(re)) {
    const text = m[0].trim();
    if (text.split(' ').length < 3) continue;
    const start = m.index! + m[0].indexOf(text);
    out.push({ start, end: start + text.length, quote: text, input: `Normans — ${text}` });
  }
  return out;
})();
const byText = (t: string) => sentences.find((s) => s.quote === t)!;

describe('the reader\'s training pairs', () => {
  it('writes the article as a corpus file and moves every answer span to its offset in it', () => {
    expect(article!.name).toBe('Normans_(people).txt');
    expect(article!.text.startsWith('Normans (people)\n\n')).toBe(true);
    for (const q of article!.questions) for (const span of [...q.answers, ...q.plausible]) expect(article!.text.slice(span.start, span.end)).toBe(span.text);
    expect(article!.questions.map((q) => q.answers.length)).toEqual([1, 0, 1]);
  });

  it('makes the answer\'s sentence the positive, the engine\'s wrong quotes and a paragraph sentence the negatives', () => {
    const q1 = article!.questions[0]!;
    const ranked = [byText('The Normans came from Normandy.'), byText('Rollo agreed to swear fealty to King Charles III.'), byText('The treaty was signed in 911.')];
    const pairs = questionPairs(q1, ranked, sentences, seeded(1));
    expect(pairs.filter((p) => p.label === 1).map((p) => p.input)).toEqual(['Normans — Their leader was Rollo.']);
    // The fealty sentence names Rollo too: it may answer, so it is neither positive nor negative.
    expect(pairs.map((p) => p.input)).not.toContain('Normans — Rollo agreed to swear fealty to King Charles III.');
    expect(pairs.filter((p) => p.kind === 'engine').map((p) => p.input)).toEqual(['Normans — The Normans came from Normandy.', 'Normans — The treaty was signed in 911.']);
    // The one other sentence of the answer's paragraph not already used.
    expect(pairs.filter((p) => p.kind === 'paragraph').map((p) => p.input)).toEqual(['Normans — They spoke Norman French.']);
  });

  it('takes the answer\'s sentence even when the engine did not rank it', () => {
    const q3 = article!.questions[2]!;
    const pairs = questionPairs(q3, [byText('The Normans came from Normandy.')], sentences, seeded(1));
    expect(pairs.find((p) => p.label === 1)).toMatchObject({ input: 'Normans — The treaty was signed in 911.', kind: 'answer' });
  });

  it('gives an adversarial question no positive, and its plausible answer\'s sentence as a negative', () => {
    const q2 = article!.questions[1]!;
    const pairs = questionPairs(q2, [byText('Their leader was Rollo.')], sentences, seeded(1));
    expect(pairs.every((p) => p.label === 0)).toBe(true);
    expect(pairs.find((p) => p.kind === 'plausible')!.input).toBe('Normans — They spoke Norman French.');
    expect(pairs.find((p) => p.kind === 'engine')!.input).toBe('Normans — Their leader was Rollo.');
  });

  it('holds five articles out for validation, written down before training', () => {
    expect(VALIDATION_ARTICLES).toHaveLength(5);
    expect(new Set(VALIDATION_ARTICLES).size).toBe(5);
  });
});
