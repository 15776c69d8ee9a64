import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config/env.js';
import { footerStart, isProse } from '../src/segment/chrome.js';
import { splitBlocks } from '../src/segment/blocks.js';
import { segmentCorpus, segmentDocument } from '../src/segment/document.js';
import { extractMetadata } from '../src/segment/metadata.js';
import { splitSentences } from '../src/segment/sentences.js';

const corpusDir = join(PROJECT_ROOT, 'corpus');
const files = readdirSync(corpusDir).filter((f) => f.endsWith('.txt'));
const texts = files.map((f) => readFileSync(join(corpusDir, f), 'utf8'));
const segmented = segmentCorpus(texts);

describe('offsets', () => {
  it.each(files.map((f, i) => [f, i] as const))('every sentence and paragraph of %s is an exact slice', (_, i) => {
    const doc = segmented[i]!;
    expect(doc.sentences.length).toBeGreaterThan(10);
    for (const s of [...doc.sentences, ...doc.paragraphs]) expect(texts[i]!.slice(s.start, s.end)).toBe(s.text);
  });

  it('keeps both positions of a repeated sentence', () => {
    const text = 'The council met. Nothing changed. The council met.';
    const sentences = splitSentences(text, 0, text.length);
    expect(sentences.map((s) => s.start)).toEqual([0, 17, 34]);
  });

  it('holds for arbitrary text: slices match, sentences are ordered and disjoint', () => {
    const word = fc.stringMatching(/^[A-Za-z£%0-9,’“”"'.-]{1,8}$/);
    const sentence = fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => `${w.join(' ')}${'.!?'[w.length % 3]}`);
    const paragraph = fc.array(sentence, { minLength: 1, maxLength: 4 }).map((s) => s.join(' '));
    fc.assert(
      fc.property(fc.array(paragraph, { minLength: 1, maxLength: 5 }), (paragraphs) => {
        const text = paragraphs.join('\n\n');
        const { sentences } = segmentDocument(text);
        let previousEnd = 0;
        for (const s of sentences) {
          expect(text.slice(s.start, s.end)).toBe(s.text);
          expect(s.start).toBeGreaterThanOrEqual(previousEnd);
          previousEnd = s.end;
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('sentences', () => {
  const split = (text: string) => splitSentences(text, 0, text.length).map((s) => s.text);

  it('does not break after titles and abbreviations', () => {
    expect(split('Mr. Duggins said so. Gov. Smith left at 3 p.m. yesterday. Coun Lucas agreed.')).toEqual([
      'Mr. Duggins said so.',
      'Gov. Smith left at 3 p.m. yesterday.',
      'Coun Lucas agreed.',
    ]);
  });

  it('keeps money, percentages and thousands inside one sentence', () => {
    expect(split('An extra £5.6m, or £5.6 million, is up 46% to 4,529 cases. Next.')).toHaveLength(2);
  });

  it('splits a quotation that spans sentences at its sentence ends', () => {
    expect(split('She told them: “Step up. It is crucial.”')).toEqual(['She told them: “Step up.', 'It is crucial.”']);
  });
});

describe('chrome', () => {
  const all = segmented.flatMap((d) => d.sentences.map((s) => s.text)).join('\n');

  it('never indexes navigation, bylines, datelines or footer promos of the shipped pages', () => {
    for (const chrome of ['Public Notices', 'Advertise with', 'Social Media', 'Written by', 'Updated:', 'Printing', 'Find a career']) {
      expect(all).not.toContain(chrome);
    }
  });

  it('removes a promo footer of heading/blurb pairs from any page', () => {
    const page = [
      'Home',
      'Local team wins the cup after a dramatic final on Saturday afternoon.',
      'The manager praised the players for their effort.',
      'Subscribe',
      'Get our newsletter every morning.',
      'Jobs',
      'Browse hundreds of local vacancies today.',
    ].join('\n\n');
    const blocks = splitBlocks(page);
    expect(footerStart(blocks)).toBe(3);
    expect(segmentDocument(page).sentences.map((s) => s.text)).toEqual([
      'Local team wins the cup after a dramatic final on Saturday afternoon.',
      'The manager praised the players for their effort.',
    ]);
  });

  it('keeps a closing paragraph after a single subheading: one heading is journalism, not a footer', () => {
    const blocks = splitBlocks('First paragraph is here.\n\nWhat next\n\nThe council meets again in May.');
    expect(footerStart(blocks)).toBe(blocks.length);
  });

  it('drops blocks repeated across documents (site templates)', () => {
    const template = 'Sign up to our daily newsletter for the latest news.';
    const docs = segmentCorpus([`Story one is about roads and bridges here.\n\n${template}`, `Story two is about schools and teachers.\n\n${template}`]);
    expect(docs.flatMap((d) => d.sentences.map((s) => s.text))).not.toContain(template);
  });

  it('treats only punctuated lines of a few words as prose', () => {
    expect(isProse('Council warns child protection groups after Ofsted mauling')).toBe(false);
    expect(isProse('The council met on Tuesday.')).toBe(true);
    expect(isProse('Yes.')).toBe(false);
  });
});

describe('metadata', () => {
  it('reads date, byline and title from a page header', () => {
    expect(extractMetadata(['Menu', 'Saturday, 22 March 2014', 'Roadworks to close the ring road for a month', 'Written by Jane Smith'])).toEqual({
      date: 'Saturday, 22 March 2014',
      byline: 'Jane Smith',
      title: 'Roadworks to close the ring road for a month',
    });
  });

  it('splits "Headline – Outlet" when the headline repeats or the outlet looks like one', () => {
    expect(extractMetadata(['Mayor resigns - The Leamington Herald', 'Mayor resigns', 'Posted 3rd May, 2019'])).toMatchObject({
      title: 'Mayor resigns',
      publisher: 'The Leamington Herald',
      date: '3rd May, 2019',
    });
    expect(extractMetadata(['Budget day – what it means for you'])).toEqual({ title: 'Budget day – what it means for you' });
  });

  it('finds the shipped pages\' dates and titles by these rules', () => {
    expect(segmented.map((d) => d.meta.date)).toEqual(['Saturday, 22 March 2014', '10th Apr, 2014', 'Friday, 21 March 2014']);
    expect(segmented[1]!.meta.publisher).toBe('The Coventry Observer');
    expect(segmented.every((d) => (d.meta.title ?? '').length > 20)).toBe(true);
  });
});
