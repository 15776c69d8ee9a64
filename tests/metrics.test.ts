/** Scoring gold answers under three verdicts: only "answered" counts as an answer. */
import { describe, expect, it } from 'vitest';
import { summarise, summariseBy, type ScoredAnswer } from '../src/evaluate/metrics.js';

const quote = (text: string) => ({ text, doc: 'a.txt', start: 0, end: text.length, score: 1, paragraph: 1 });
const scored = (q: string, verdict: ScoredAnswer['verdict'], shown: string[], extra: Partial<ScoredAnswer['gold']> = {}): ScoredAnswer => ({
  gold: { q, expect: ['right answer'], ...extra },
  verdict,
  answered: verdict === 'answered',
  quotes: verdict === 'answered' ? shown.map(quote) : [],
  related: verdict === 'related' ? shown.map(quote) : [],
  nonVerbatim: 0,
});

describe('summarise', () => {
  const results = [
    scored('a', 'answered', ['the right answer'], { type: 'number' }),
    scored('b', 'answered', ['wrong', 'the right answer'], { type: 'number' }),
    scored('c', 'related', ['the right answer'], { type: 'person' }),
    scored('d', 'refused', []),
    scored('near', 'related', ['close'], { expect: [], unanswerable: true, type: 'age' }),
    scored('off', 'refused', [], { expect: [], unanswerable: true, type: 'other' }),
  ];

  it('counts a right quote only when the verdict is answered, and says when a related one held it', () => {
    const s = summarise(results);
    expect(s).toMatchObject({ answerable: 4, unanswerable: 2, recallAt1: 0.25, recallAt3: 0.5, falseAbstention: 0.5, relatedHit: 0.25 });
    expect(s.abstention).toBe(1);
    expect(s.refused).toBe(0.5);
  });

  it('groups by type in first-seen order, unlabelled questions apart', () => {
    expect(summariseBy(results, 'type').map((g) => [g.group, g.summary.questions])).toEqual([['number', 2], ['person', 1], ['unlabelled', 1], ['age', 1], ['other', 1]]);
  });
});
