/**
 * Soft alignment (search/align.ts) and the word states it reads
 * (embed/words.ts): a question's words met by meaning, not spelling. The
 * model-backed cases use the real int8 MiniLM: a paraphrase, a possessive
 * and a typo align; a question about something the passage does not say
 * leaves its word unmet.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import type { Embedder } from '../src/embed/embedder.js';
import { wordStates } from '../src/embed/words.js';
import { openEmbedder } from '../src/open.js';
import { alignment } from '../src/search/align.js';

describe('wordStates', () => {
  it('joins WordPiece continuations into their word, skips special tokens and punctuation, and averages each word to unit length', () => {
    const pieces = ['[CLS]', 'daniel', "'", 's', 'step', '##father', '?', '[SEP]'];
    // One 2-d state per piece: the two pieces of "stepfather" average to (1, 1)/√2.
    const hidden = [9, 9, 3, 0, 7, 7, 0, 5, 1, 0, 0, 1, 9, 9, 9, 9];
    const { words, vectors } = wordStates(pieces, hidden, 2);
    expect(words).toEqual(['daniel', 's', 'stepfather']);
    expect(Array.from(vectors)).toEqual([1, 0, 0, 1, Math.SQRT1_2, Math.SQRT1_2].map((x) => expect.closeTo(x, 6)));
  });
});

describe('alignment', () => {
  const states = (rows: Record<string, number[]>) => ({ words: Object.keys(rows), vectors: Float32Array.from(Object.values(rows).flat()), dims: 2 });
  it('is the IDF-weighted mean of each weighed question word\'s best cosine, and its weakest', () => {
    const question = states({ how: [1, 0], old: [1, 0], leader: [0, 1] });
    const passage = states({ the: [1, 0], council: [0.6, 0.8], leader: [0, 1] });
    // "how" is not weighed; "old" meets "the" (1·1) at weight 1, "leader" meets itself at weight 3.
    const weights: Record<string, number> = { old: 1, leader: 3 };
    expect(alignment(question, passage, (w) => weights[w])).toEqual({ mean: 1, weakest: 1 });
    const elsewhere = states({ council: [0.6, 0.8] });
    const result = alignment(question, elsewhere, (w) => weights[w]);
    expect(result.mean).toBeCloseTo((1 * 0.6 + 3 * 0.8) / 4, 6);
    expect(result.weakest).toBeCloseTo(0.6, 6);
    expect(alignment(question, passage, () => undefined)).toEqual({ mean: 0, weakest: 0 });
  });
});

describe('alignment with the model', () => {
  let embedder: Embedder;
  beforeAll(async () => {
    embedder = await openEmbedder({ ...loadConfig({}), precision: 'int8' });
  });
  const content = (...words: string[]) => (word: string) => (words.includes(word) ? 1 : undefined);
  const aligned = async (question: string, passage: string, weighOf: (w: string) => number | undefined) =>
    alignment((await embedder.embedWords(question)).words, (await embedder.embedWords(passage)).words, weighOf);
  const mother = 'Daniel Pelka was murdered by his mother, Magdelena Luczak, and her partner in March 2012.';
  const unrelated = 'The library opens at nine on weekdays and at ten on Saturdays.';

  it('meets a casual synonym ("mum" for "mother") and a possessive without its apostrophe ("daniels") better than an unrelated sentence does', async () => {
    const weigh = content('daniels', 'mum', 'called');
    const paraphrase = await aligned('what was daniels mum called', mother, weigh);
    const elsewhere = await aligned('what was daniels mum called', unrelated, weigh);
    expect(paraphrase.mean).toBeGreaterThan(elsewhere.mean + 0.15);
    expect(paraphrase.weakest).toBeGreaterThan(elsewhere.weakest);
  });

  it('meets a misspelt word ("educaton") in the sentence that spells it right', async () => {
    const weigh = content('head', 'educaton');
    const right = await aligned('who is the head of educaton', 'Lisa Thompson is the head of education at the council.', weigh);
    const elsewhere = await aligned('who is the head of educaton', unrelated, weigh);
    expect(right.weakest).toBeGreaterThan(elsewhere.weakest + 0.15);
  });

  it('leaves the asked word of a question about what the passage does not say weaker than a question it answers', async () => {
    const passage = 'Council leader Ann Lucas said the report made grim reading.';
    const answered = await aligned('What did the council leader say about the report?', passage, content('council', 'leader', 'say', 'report'));
    const notSaid = await aligned('How old is the council leader?', passage, content('old', 'council', 'leader'));
    expect(answered.weakest).toBeGreaterThan(notSaid.weakest);
  });
});
