/**
 * The verbatim guard: a quote leaves the engine only if it is exactly the
 * live file's characters at its offsets. An edit not yet indexed withholds
 * the quote and asks for a re-index; a byte-order mark shifts nothing.
 */
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { liveCorpus, updateIndex } from '../src/open.js';
import { keepVerbatim } from '../src/quote/verify.js';
import type { Tuning } from '../src/search/tuned.js';
import { createSearchEngine } from '../src/search/engine.js';
import { TUNED } from '../src/search/tuned.js';
import { liveDocuments, liveTexts } from '../src/corpus/live.js';
import { fileStamp } from '../src/corpus/read.js';
import { loadIndex } from '../src/store/read/load.js';
import { searchView } from '../src/store/read/search-view.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { scratch } from './support/temp.js';

/** Answers whatever it finds, so these tests do not depend on the fitted verdict. */
const ALWAYS_ANSWER: Tuning = {
  weights: TUNED.weights,
  reader: TUNED.reader,
  pool: TUNED.pool,
  decision: { onTopic: { weights: {}, bias: 0, threshold: 0 }, answers: { weights: {}, bias: 0, threshold: 0 } },
};
const FILE = '000_720fcdee8977a856.txt';
const QUESTION = 'How many children were social workers working with by the end of last month?';

describe('keepVerbatim', () => {
  it('keeps the quotes their documents hold, asks once per document, and reports the documents of the rest', async () => {
    const texts: Record<string, string> = { 'a.txt': 'One two three.', 'b.txt': 'Four five six.' };
    const quote = (doc: string, start: number, end: number, text: string) => ({ doc, start, end, text, score: 1, paragraph: 1 });
    const asked: string[] = [];
    const { kept, stale } = await keepVerbatim(
      [quote('a.txt', 4, 7, 'two'), quote('b.txt', 0, 4, 'Five'), quote('gone.txt', 0, 3, 'One'), quote('a.txt', 0, 3, 'One')],
      async (doc, quotes) => {
        asked.push(doc);
        return quotes.map((q) => texts[doc]?.slice(q.start, q.end) === q.text);
      },
    );
    expect(kept.map((q) => q.text)).toEqual(['two', 'One']);
    expect(stale).toEqual(['b.txt', 'gone.txt']);
    expect(asked.sort()).toEqual(['a.txt', 'b.txt', 'gone.txt']);
  });
});

describe('liveDocuments', () => {
  /** A file whose quote sits after multi-byte characters, indexed with its stamp as it is now. */
  async function indexedFile() {
    const { dir } = await scratch(false);
    const text = '\uFEFF“Ünïcödé” 😀 first.\n\nThe quote: café’s menu.\n';
    const start = text.indexOf('The quote');
    const quote = { doc: 'a.txt', start, end: text.indexOf('\n', start), text: 'The quote: café’s menu.', byteStart: Buffer.byteLength(text.slice(0, start)) };
    const file = join(dir, 'a.txt');
    await writeFile(file, text);
    await utimes(file, 1_700_000_000, 1_700_000_000);
    const stamp = fileStamp(await stat(file));
    return { dir, file, text, quote, stamp };
  }

  it('checks a file with its indexed stamp at the quote\'s own bytes, and drops a quote whose bytes changed behind the same stamp', async () => {
    const { dir, file, text, quote, stamp } = await indexedFile();
    const live = liveDocuments(dir, { indexedStamp: () => stamp });
    expect(await live('a.txt', [quote, { ...quote, byteStart: quote.byteStart + 1 }])).toEqual([true, false]);
    // Same size, same time, one byte of the quote changed: its bytes are read as they are now.
    await writeFile(file, text.replace('menu', 'mend'));
    await utimes(file, 1_700_000_000, 1_700_000_000);
    expect(await live('a.txt', [quote])).toEqual([false]);
  });

  it('reads the whole text of a file whose stamp moved, or a quote without a byte offset, and slices its characters', async () => {
    const { dir, file, text, quote, stamp } = await indexedFile();
    // Wrong byte offsets, so only a check of the characters can keep the quote.
    const misplaced = { ...quote, byteStart: 0 };
    const { byteStart: _, ...withoutBytes } = quote;
    expect(await liveDocuments(dir, { indexedStamp: () => stamp })('a.txt', [withoutBytes])).toEqual([true]);
    await writeFile(file, `${text}More.\n`);
    expect(await liveDocuments(dir, { indexedStamp: () => stamp })('a.txt', [misplaced])).toEqual([true]);
    expect(await liveDocuments(dir)('a.txt', [misplaced])).toEqual([true]);
    expect(await liveDocuments(dir, { indexedStamp: () => stamp })('gone.txt', [quote])).toEqual([false]);
  });
});

describe('liveTexts', () => {
  it('keeps a text while its file is unchanged, holds no more characters than its cap, and re-reads an edited file', async () => {
    const { dir } = await scratch(false);
    const live = liveTexts(dir, 1000);
    const a = join(dir, 'a.txt');
    // Whole seconds, so the time set again below is exactly the same.
    const time = 1_700_000_000;
    await writeFile(a, 'a'.repeat(600));
    await utimes(a, time, time);
    await writeFile(join(dir, 'b.txt'), 'b'.repeat(600));
    expect(await live('a.txt')).toBe('a'.repeat(600));
    // Rewritten behind its back with the same size and time: the kept text is what comes back, so it was not read again.
    await writeFile(a, 'A'.repeat(600));
    await utimes(a, time, time);
    expect(await live('a.txt')).toBe('a'.repeat(600));
    // 600 + 600 characters are over the cap of 1000: reading b drops a, so a is read again, as it is now.
    expect(await live('b.txt')).toBe('b'.repeat(600));
    expect(await live('a.txt')).toBe('A'.repeat(600));
    await writeFile(join(dir, 'b.txt'), 'edited');
    expect(await live('b.txt')).toBe('edited');
    expect(await live('gone.txt')).toBeUndefined();
  });
});

describe('the engine', () => {
  it('withholds a quote from a file edited since it was indexed, and reports the file for re-indexing', async () => {
    const paths = await scratch();
    const config = loadConfig({ CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir });
    const embedder = fakeEmbedder();
    await updateIndex(config, embedder, {});
    const stale: string[] = [];
    const index = await loadIndex(paths.indexDir);
    const engine = createSearchEngine(searchView(index), embedder, {
      live: liveCorpus(config, index),
      onStale: (docs) => stale.push(...docs),
      tuning: ALWAYS_ANSWER,
    });
    const before = await engine.ask(QUESTION);
    expect(before.quotes.some((q) => q.doc === FILE && q.text.includes('4,529'))).toBe(true);
    expect(stale).toEqual([]);

    // An editor corrects the figure; the index still holds the old sentence at the old offsets.
    const file = join(paths.corpusDir, FILE);
    await writeFile(file, (await readFile(file, 'utf8')).replace('4,529', '4,531'));
    const after = await engine.ask(QUESTION);
    expect(after.quotes.some((q) => q.text.includes('4,529'))).toBe(false);
    expect(stale).toContain(FILE);
    const live = await readFile(file, 'utf8');
    for (const q of after.quotes.filter((q) => q.doc === FILE)) expect(live.slice(q.start, q.end)).toBe(q.text);
  });

  it('counts a byte-order mark and multi-byte characters in the offsets, so quotes slice the file as read and pass the check of their bytes', async () => {
    const paths = await scratch(false);
    const config = loadConfig({ CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir });
    const text = '\uFEFFZoo news 😀\n\n“Coventry Zoo” welcomed a baby giraffe named Poppy on Tuesday morning, keepers said.\n';
    await mkdir(paths.corpusDir, { recursive: true });
    await writeFile(join(paths.corpusDir, 'zoo.txt'), text);
    const embedder = fakeEmbedder();
    await updateIndex(config, embedder, {});
    const index = await loadIndex(paths.indexDir);
    const stale: string[] = [];
    const engine = createSearchEngine(searchView(index), embedder, { live: liveCorpus(config, index), onStale: (docs) => stale.push(...docs), tuning: ALWAYS_ANSWER });
    const [quote] = (await engine.ask('What was the giraffe called?')).quotes;
    expect(stale).toEqual([]);
    expect(quote!.byteStart).toBe(Buffer.byteLength(text.slice(0, quote!.start)));
    expect(quote!.text).toContain('giraffe named Poppy');
    expect((await readFile(join(paths.corpusDir, 'zoo.txt'), 'utf8')).slice(quote!.start, quote!.end)).toBe(quote!.text);
  });
});
