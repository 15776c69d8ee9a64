import { describe, expect, it } from 'vitest';
import { documentPairs, opposite, questionFor, renumbered, withoutSpan, type TaggedSentence } from '../scripts/train/pairs.js';
import { seeded } from '../scripts/lib/random.js';
import type { Tag, ValueKind } from '../src/annotate/tags.js';

/** A sentence tagged at the given substrings. */
function tagged(text: string, values: [ValueKind, string][]): TaggedSentence {
  const tags: Tag[] = values.map(([kind, value]) => ({ kind, start: text.indexOf(value), end: text.indexOf(value) + value.length }));
  return { text, tags };
}

const DOCUMENT = [
  tagged('In 2010, the Senate passed the budget after months of debate in Washington.', [['date', '2010'], ['organisation', 'Senate'], ['place', 'Washington']]),
  tagged('The House of Representatives debated the budget for many weeks before the vote.', [['organisation', 'House of Representatives']]),
  tagged('Unemployment rose to 9 percent in the spring as factories closed across the country.', [['percent', '9 percent']]),
  tagged('The budget will increase spending on schools by $40 billion over the next decade.', [['money', '$40 billion']]),
  tagged('Farmers in Iowa saw prices increase sharply during the harvest season this year.', [['place', 'Iowa']]),
];

describe('training pairs for the answerability cross-encoder', () => {
  it('asks for the value with the wh-phrase of its kind, and leaves the value out of the question', () => {
    const s = DOCUMENT[3]!;
    const questions = Array.from({ length: 20 }, (_, seed) => questionFor(s, s.tags[0]!, seeded(seed + 1))).filter((q) => q !== undefined);
    // Undefined only when the dropped words leave too little to ask about: rare for a sentence this long.
    expect(questions.length).toBeGreaterThanOrEqual(15);
    for (const q of questions) {
      expect(q).toMatch(/^How much( money)? /);
      expect(q).not.toContain('$40 billion');
      expect(q.endsWith('?')).toBe(true);
    }
  });

  it('drops the preposition a removed value leaves dangling', () => {
    const s = DOCUMENT[0]!;
    expect(withoutSpan(s.text, s.tags[2]!.start, s.tags[2]!.end)).toBe('In 2010, the Senate passed the budget after months of debate');
  });

  it('labels only the sentence holding the value as answering, and each negative lacks it or changes the question', () => {
    const pairs = documentPairs(DOCUMENT, seeded(3));
    expect(pairs.some((p) => p.label === 1)).toBe(true);
    for (const p of pairs) {
      const source = DOCUMENT.find((s) => s.text === p.sentence || withoutSpan(s.text, s.tags[0]!.start, s.tags[0]!.end) === p.sentence);
      if (p.kind === 'answer') {
        expect(p.label).toBe(1);
        expect(DOCUMENT.some((s) => s.text === p.sentence && s.tags.some((t) => t.kind === p.asked))).toBe(true);
      } else {
        expect(p.label).toBe(0);
      }
      if (p.kind === 'neighbour') expect(DOCUMENT.find((s) => s.text === p.sentence)!.tags.some((t) => t.kind === p.asked)).toBe(false);
      if (p.kind === 'value-removed') expect(source === undefined || !DOCUMENT.includes(source) || source.text !== p.sentence).toBe(true);
    }
    // Every negative of a question-side kind pairs a changed question with the answering sentence.
    const answers = new Map(pairs.filter((p) => p.kind === 'answer').map((p) => [p.sentence, p.question]));
    for (const p of pairs.filter((x) => ['entity-swapped', 'renumbered', 'opposite', 'negated'].includes(x.kind))) {
      expect(answers.get(p.sentence)).toBeDefined();
      expect(p.question).not.toBe(answers.get(p.sentence));
    }
  });

  it('is the same for the same seed', () => {
    expect(documentPairs(DOCUMENT, seeded(9))).toEqual(documentPairs(DOCUMENT, seeded(9)));
  });

  it('turns a question to its opposite by a general antonym, and changes its number', () => {
    expect(opposite('How much did prices increase in Iowa?')).toBe('How much did prices decrease in Iowa?');
    expect(opposite('Who chaired the board?')).toBeUndefined();
    const changed = renumbered('What happened in 2010 to the budget?', seeded(1))!;
    expect(changed).toMatch(/^What happened in (200\d|201\d) to the budget\?$/);
    expect(changed).not.toContain('2010');
    expect(renumbered('How many jobs?', seeded(1))).toBeUndefined();
  });
});
