/** Links from a citation to the quote in its document (quote/source-link.ts), and both front ends showing them. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatQuote } from '../src/discord/respond.js';
import { sourceLink, textDirective } from '../src/quote/source-link.js';
import { cli } from './support/cli.js';
import { scratch } from './support/temp.js';

/** The terms of a text directive as a browser reads them back. */
const terms = (link: string) => link.slice(link.indexOf(':~:text=') + ':~:text='.length).split(',').map(decodeURIComponent);

describe('sourceLink', () => {
  it('matches a short quote whole, percent-encoding the directive\'s own syntax and what would end a Markdown link', () => {
    const text = 'Rated - again - "inadequate", costs & (new) checks.';
    const link = sourceLink('https://news.example/story', text)!;
    expect(link.startsWith('https://news.example/story#:~:text=')).toBe(true);
    const directive = link.slice(link.indexOf('text=') + 5);
    // "-", "&" and "," are the directive's syntax; spaces and parentheses would end a Markdown link.
    expect(directive).not.toMatch(/[-&, ()]/);
    expect(terms(link)).toEqual([text]);
  });

  it('matches a long quote by its first and last words, whitespace collapsed', () => {
    const text = 'By the end of last month, social workers in Coventry were working with\n4,529 children in the city - up from 3,085 in March 2013, the council said.';
    expect(terms(`x#:~:${textDirective(text)}`)).toEqual(['By the end of last', 'March 2013, the council said.']);
  });

  it('keeps the page\'s own fragment, and encodes parentheses in the URL itself', () => {
    expect(sourceLink('https://en.example/wiki/Sky_(UK)#History', 'Sky launched.')).toBe('https://en.example/wiki/Sky_%28UK%29#History:~:text=Sky%20launched.');
  });

  it('gives no link without an http(s) URL: a sidecar is hostile input', () => {
    expect(sourceLink(undefined, 'x')).toBeUndefined();
    expect(sourceLink('javascript:alert(1)', 'x')).toBeUndefined();
    expect(sourceLink('not a url', 'x')).toBeUndefined();
    expect(sourceLink('file:///etc/passwd', 'x')).toBeUndefined();
  });

  it('links the citation in Discord, its brackets escaped, and leaves a quote without a URL as it was', () => {
    const base = { text: 'The bridge reopens [today].', doc: 'a.txt', start: 0, end: 27, score: 1, paragraph: 2, title: 'Bridge [update]' };
    expect(formatQuote(base)).toBe('> The bridge reopens [today].\n— Bridge [update], ¶2');
    const linked = formatQuote({ ...base, url: 'https://town.example/bridge' }).split('\n')[1]!;
    expect(linked).toBe('— [Bridge \\[update\\], ¶2](https://town.example/bridge#:~:text=The%20bridge%20reopens%20%5Btoday%5D.)');
  });
});

describe('a document with a URL, end to end', () => {
  it('reaches the CLI\'s JSON from an HTML page\'s canonical link, and a sidecar\'s url overrides it', async () => {
    const paths = await scratch(false);
    const env = { CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir };
    await mkdir(paths.corpusDir, { recursive: true });
    await writeFile(
      join(paths.corpusDir, 'bridge.html'),
      '<html><head><title>Bridge to reopen</title><link rel="canonical" href="https://town.example/news/bridge"></head>' +
        '<body><article><p>The old bridge will reopen to traffic on Monday morning after two years of repairs.</p>' +
        '<p>Engineers finished the repairs and the safety checks three weeks early.</p></article></body></html>',
    );
    const ask = async () => {
      const result = await cli(['ask', '--json', 'When will the old bridge reopen to traffic?'], env);
      expect(result.code).toBe(0);
      const answer = JSON.parse(result.stdout) as { quotes: { text: string; link: string | null }[]; related: { text: string; link: string | null }[] };
      return [...answer.quotes, ...answer.related][0]!;
    };
    const first = await ask();
    expect(first.link).toBe(sourceLink('https://town.example/news/bridge', first.text));
    await writeFile(join(paths.corpusDir, 'bridge.html.meta.json'), JSON.stringify({ url: 'https://town.example/archive/bridge' }));
    expect((await ask()).link!.startsWith('https://town.example/archive/bridge#:~:text=')).toBe(true);
  });
});
