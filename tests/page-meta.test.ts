/**
 * Citations from saved news pages (issue 31): what a page carries, read in
 * order of trust, and machine dates shown as a reader writes them, in the
 * CLI's citation and JSON, a Discord answer and /sources.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../src/corpus/html.js';
import { pageMeta, splitTitle } from '../src/corpus/page-meta.js';
import { answerReply } from '../src/discord/respond.js';
import { sourcesOf, sourcesReply } from '../src/discord/sources.js';
import type { SearchIndex } from '../src/index-view.js';
import { citation } from '../src/quote/citation.js';
import { isMachineDate, readableDate } from '../src/quote/dates.js';
import { cli } from './support/cli.js';
import { scratch } from './support/temp.js';

const BODY = '<body><article><p>The council approved a children’s services budget of £12 million for the coming year on Tuesday evening.</p></article></body>';
const page = (head: string) => `<html><head>${head}</head>${BODY}</html>`;
const meta = (head: string) => pageMeta(parse(page(head)));
const ld = (value: unknown) => `<script type="application/ld+json">${JSON.stringify(value)}</script>`;

describe('metadata of a saved news page', () => {
  it('reads a JSON-LD NewsArticle: headline, date, publisher and every author', () => {
    expect(
      meta(
        '<title>Council budget approved | Site</title>' +
          ld({
            '@context': 'https://schema.org',
            '@type': 'NewsArticle',
            headline: 'Council approves children’s services budget',
            datePublished: '2014-04-02T09:00:00Z',
            publisher: { '@type': 'Organization', name: 'Example News' },
            author: [{ '@type': 'Person', name: 'Jane Smith' }, 'John Doe', 'https://example.com/staff/rita'],
          }),
      ),
    ).toEqual({ title: 'Council approves children’s services budget', date: '2014-04-02T09:00:00Z', publisher: 'Example News', byline: 'Jane Smith, John Doe' });
  });

  it('reads Open Graph and article:* meta, and an author given as a profile URL is no name', () => {
    expect(
      meta(
        '<meta property="og:title" content="Council approves budget"><meta property="og:site_name" content="The Town Gazette">' +
          '<meta property="article:published_time" content="2014-04-02"><meta property="article:author" content="https://facebook.com/jane">' +
          '<meta name="author" content="Jane Smith"><meta property="og:url" content="https://gazette.example/budget">',
      ),
    ).toEqual({ title: 'Council approves budget', publisher: 'The Town Gazette', date: '2014-04-02', byline: 'Jane Smith', url: 'https://gazette.example/budget' });
  });

  it('takes the title\'s trailing " - Site" as the publisher when nothing else names one, and cuts it from the headline', () => {
    expect(meta('<title>Coventry council sets children\'s services budget - Example News</title><link rel="canonical" href="https://news.example/b">')).toEqual({
      title: "Coventry council sets children's services budget",
      publisher: 'Example News',
      url: 'https://news.example/b',
    });
    // A dash that is the headline's own stays in it: no outlet word, not the site's host.
    expect(splitTitle('Daniel Pelka - what went wrong', 'news.example')).toEqual({ headline: 'Daniel Pelka - what went wrong' });
    expect(splitTitle('Budget approved – Coventrylive', 'coventrylive.co.uk')).toEqual({ headline: 'Budget approved', site: 'Coventrylive' });
    // og:site_name names the publisher: the title's suffix is still cut from the headline.
    expect(meta('<title>Budget approved | Town Gazette</title><meta property="og:site_name" content="The Town Gazette">')).toMatchObject({
      title: 'Budget approved',
      publisher: 'The Town Gazette',
    });
  });

  it('skips JSON-LD that is not JSON, never crashing, and falls back to the next source', () => {
    const head = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Broken</script><meta property="og:title" content="Budget approved">';
    expect(meta(head)).toEqual({ title: 'Budget approved' });
    expect(() => htmlToText(page(head))).not.toThrow();
  });

  it('takes the article of a @graph, not its WebPage, and resolves the publisher it refers to', () => {
    const graph = {
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'WebPage', '@id': 'https://news.example/b#page', name: 'Budget page - Example News', datePublished: '2020-01-01' },
        { '@type': ['NewsArticle', 'Article'], headline: 'Council approves budget', datePublished: '2014-04-02T10:00:00+01:00', publisher: { '@id': '#org' }, author: { '@type': 'Person', name: 'Jane Smith' } },
        { '@type': 'Organization', '@id': '#org', name: 'Example News' },
      ],
    };
    expect(meta(ld(graph))).toEqual({ title: 'Council approves budget', date: '2014-04-02T10:00:00+01:00', publisher: 'Example News', byline: 'Jane Smith' });
    // No article at all: a WebPage's name is not taken for a headline.
    expect(meta(ld({ '@type': 'WebPage', name: 'Home' }))).toEqual({});
  });
});

describe('dates', () => {
  it('shows a machine date as a reader writes it, on the day the string itself states', () => {
    expect(readableDate('2014-04-02')).toBe('Wednesday, 2 April 2014');
    expect(readableDate('2014-04-02T09:00:00Z')).toBe('Wednesday, 2 April 2014');
    // Half past midnight in its own zone is still that day, though it was the day before in UTC.
    expect(readableDate('2014-04-02T00:30:00+01:00')).toBe('Wednesday, 2 April 2014');
    expect(readableDate('2014-03-22T18:05')).toBe('Saturday, 22 March 2014');
  });

  it('leaves a date written in the text, and a string that is no real date, as written', () => {
    for (const written of ['10th Apr, 2014', 'Saturday, 22 March 2014', '2014-02-30', '2014-04-02T25:00:00Z', 'spring 2014']) {
      expect(readableDate(written)).toBe(written);
      expect(isMachineDate(written)).toBe(false);
    }
  });
});

describe('citations of a saved news page', () => {
  const quote = { text: 'The council approved a budget.', doc: 'budget.html', start: 0, end: 30, score: 1, title: 'Coventry council sets children\'s services budget', publisher: 'Example News', date: '2014-04-02T09:00:00Z', paragraph: 1 };

  it('read headline, publisher, date, paragraph, in the CLI and its JSON (which keeps the machine date too)', async () => {
    const paths = await scratch(false);
    await mkdir(paths.corpusDir, { recursive: true });
    await writeFile(
      join(paths.corpusDir, 'budget.html'),
      page('<title>Coventry council sets children\'s services budget - Example News</title><meta property="article:published_time" content="2014-04-02T09:00:00Z">'),
    );
    const env = { CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir };
    const text = await cli(['ask', 'How much is the children’s services budget?'], env);
    expect(text.stdout).toContain("— Coventry council sets children's services budget, Example News, Wednesday, 2 April 2014, ¶1");
    const json = JSON.parse((await cli(['ask', '--json', 'How much is the children’s services budget?'], env)).stdout) as { quotes: object[]; related: object[] };
    expect([...json.quotes, ...json.related][0]).toMatchObject({ publisher: 'Example News', date: 'Wednesday, 2 April 2014', datetime: '2014-04-02T09:00:00Z' });
  });

  it('read the same in a Discord answer and in /sources', () => {
    expect(citation(quote)).toBe("Coventry council sets children's services budget, Example News, Wednesday, 2 April 2014, ¶1");
    const reply = answerReply({ question: 'How much?', verdict: 'answered', answered: true, quotes: [quote], related: [] }, []);
    expect(reply.embeds![0]!.description).toContain('Example News, Wednesday, 2 April 2014, ¶1');
    const passage = { doc: 0, paragraph: 1, start: 0, end: 30, text: quote.text, after: '', tags: '', context: '' };
    const documents = [{ name: 'budget.html', meta: { title: quote.title, publisher: 'Example News', date: quote.date } }];
    const index = { documents, covered: documents, passages: [passage], documentSpan: () => [0, 1] } as unknown as SearchIndex;
    const sources = sourcesReply(sourcesOf(index), 1, []);
    expect(sources.embeds![0]!.description).toContain('Example News, Wednesday, 2 April 2014');
  });
});
