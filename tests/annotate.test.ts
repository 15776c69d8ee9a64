/** Index-time annotation: typed values found by the NLP models, and speakers resolved across paragraphs. */
import { beforeAll, describe, expect, it } from 'vitest';
import { annotateDocument } from '../src/annotate/annotate.js';
import { resolveContext } from '../src/annotate/context.js';
import { createTagger, type Tagger } from '../src/annotate/tagger.js';
import { isStoredTags, loadTags, storeTags, type ValueKind } from '../src/annotate/tags.js';
import { segmentDocument } from '../src/segment/document.js';

let tagger: Tagger;
beforeAll(async () => {
  tagger = await createTagger();
});

/** "kind:text" of every tag, read back from the text at the tag's offsets. */
const tagged = (sentence: string, offset = 0, text = sentence) => tagger(sentence, offset).map((t) => `${t.kind}:${text.slice(t.start, t.end)}`);

describe('tagger', () => {
  it('is loaded once per process: a bot re-indexing all day asks for it far more than the 20 loads wink\'s model survives', async () => {
    for (let build = 0; build < 30; build++) expect(await createTagger()).toBe(tagger);
    expect(tagged('It cost £5.6 million.')).toContain('money:£5.6 million');
  });

  it('finds sums, shares, counts, dates, durations and ages at exact offsets', () => {
    expect(tagged('An additional £5.6 million is being invested, a 46% rise on 3,085 in March 2013.')).toEqual(
      expect.arrayContaining(['money:£5.6 million', 'percent:46%', 'number:3,085', 'date:March 2013']),
    );
    expect(tagged('£5.6m is now set to be pumped in over the coming year.')).toEqual(expect.arrayContaining(['money:£5.6m', 'date:coming year']));
    expect(tagged('They were jailed for a minimum of 30 years after a three-week trial.')).toEqual(
      expect.arrayContaining(['duration:30 years', 'duration:three-week']),
    );
    const age = tagged('The death of four-year-old Daniel Pelka shocked the city.');
    expect(age).toContain('age:four-year-old');
    // The duration inside the age is not a second value.
    expect(age.filter((t) => t.startsWith('duration'))).toEqual([]);
  });

  it('tells people from places and other names by titles, given names and a place lexicon', () => {
    const tags = tagged('Mr Duggins met Amy Weir and Ofsted inspectors in Coventry.');
    expect(tags).toEqual(expect.arrayContaining(['person:Mr Duggins', 'person:Amy Weir', 'proper:Ofsted', 'place:Coventry']));
  });

  it('does not take a capitalised common word opening a sentence for a name when the document writes it in lower case', () => {
    expect(tagger('Inspectors added that more work was needed.', 0, new Set(['inspectors'])).map((t) => t.kind)).not.toContain('proper');
  });

  it('gives document offsets: every tag slices the document to its own text', () => {
    const text = 'Headline\n\nThe council said £5.6 million would go to Coventry by March 2015.';
    const [sentence] = segmentDocument(text).sentences;
    for (const tag of tagger(sentence!.text, sentence!.start)) expect(text.slice(tag.start, tag.end)).toBe(sentence!.text.slice(tag.start - sentence!.start, tag.end - sentence!.start));
    const tags = tagged(sentence!.text, sentence!.start, text);
    expect(tags).toEqual(expect.arrayContaining(['money:£5.6 million', 'place:Coventry']));
    expect(tags.some((t) => /^date:.*March 2015$/.test(t))).toBe(true);
  });

  it('round-trips tags through their stored form', () => {
    const tags = tagger('Brian Walsh said 4,500 children were referred in 2013.', 10);
    expect(loadTags(storeTags(tags, 10), 10)).toEqual(tags);
    expect(isStoredTags(storeTags(tags, 10))).toBe(true);
    expect(isStoredTags('9.1.2,oops')).toBe(false);
    expect(isStoredTags('')).toBe(true);
  });
});

describe('speaker and subject context', () => {
  const sentence = (text: string, paragraph: number, names: [kind: ValueKind, name: string][] = []) => {
    const start = paragraph * 1000;
    const tags = names.map(([kind, name]) => ({ kind, start: start + text.indexOf(name), end: start + text.indexOf(name) + name.length }));
    return { text, paragraph, start, tags: storeTags(tags, start) };
  };

  it('carries the speaker across paragraphs that continue a quotation, and stops at one that does not', () => {
    const context = resolveContext([
      sentence('George Duggins, the cabinet member, promised rapid improvement.', 1, [['person', 'George Duggins']]),
      sentence('Mr Duggins said: “There is no hiding from the fact that the findings are disappointing.', 2, [['person', 'Mr Duggins']]),
      sentence('“As the report reflects, the findings are not a verdict on the staff.', 3),
      sentence('“We have already added another team of social workers.”', 4),
      sentence('Inspectors found that children were left at risk of harm.', 5),
    ]);
    // The full name is used once it is known: "Mr Duggins" → "George Duggins".
    expect(context).toEqual(['', 'George Duggins', 'George Duggins', 'George Duggins', '']);
  });

  it('resolves "He added" and "the boy" to the last person named', () => {
    const context = resolveContext([
      sentence('Daniel died after months of abuse at the family home in Coventry.', 1, [['person', 'Daniel'], ['place', 'Coventry']]),
      sentence('The little boy was beaten and arrived at school with two black eyes.', 2),
      sentence('He was also kept locked in a boxroom.', 3),
    ]);
    expect(context).toEqual(['', 'Daniel', 'Daniel']);
  });

  it('annotates a real document without changing a sentence', () => {
    const text = 'Title here\n\nAmy Weir said she was disappointed.\n\n“There is more to be done,” she added.';
    const { sentences } = segmentDocument(text);
    const annotations = annotateDocument(tagger, text, sentences);
    expect(annotations).toHaveLength(sentences.length);
    expect(annotations.at(-1)!.context).toBe('Amy Weir');
  });
});
