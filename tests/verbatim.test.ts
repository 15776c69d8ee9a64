/**
 * The verbatim guard: a quote leaves the engine only if it is exactly the
 * live file's characters at its offsets. An edit not yet indexed withholds
 * the quote and asks for a re-index; a byte-order mark shifts nothing.
 */
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { updateIndex } from '../src/open.js';
import { keepVerbatim } from '../src/quote/verify.js';
import type { Tuning } from '../src/search/engine.js';
import { createSearchEngine } from '../src/search/engine.js';
import { TUNED } from '../src/search/tuned.js';
import { liveTexts } from '../src/corpus/live.js';
import { loadIndex, searchView } from '../src/store/load.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { scratch } from './support/temp.js';

/** Answers whatever it finds, so these tests do not depend on the fitted verdict. */
const ALWAYS_ANSWER: Tuning = {
  weights: TUNED.weights,
  decision: { onTopic: { weights: {}, bias: 0, threshold: 0 }, answers: { weights: {}, bias: 0, threshold: 0 } },
};
const FILE = '000_720fcdee8977a856.txt';
const QUESTION = 'How many children were social workers working with by the end of last month?';

describe('keepVerbatim', () => {
  it('keeps exact slices and reports the documents of the rest', async () => {
    const texts: Record<string, string> = { 'a.txt': 'One two three.', 'b.txt': 'Four five six.' };
    const quote = (doc: string, start: number, end: number, text: string) => ({ doc, start, end, text, score: 1, paragraph: 1 });
    const { kept, stale } = await keepVerbatim(
      [quote('a.txt', 4, 7, 'two'), quote('b.txt', 0, 4, 'Five'), quote('gone.txt', 0, 3, 'One')],
      async (doc) => texts[doc],
    );
    expect(kept.map((q) => q.text)).toEqual(['two']);
    expect(stale).toEqual(['b.txt', 'gone.txt']);
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
    const engine = createSearchEngine(searchView(await loadIndex(paths.indexDir)), embedder, {
      liveText: liveTexts(paths.corpusDir),
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

  it('counts a byte-order mark in the offsets, so quotes slice the file as read', async () => {
    const paths = await scratch(false);
    const config = loadConfig({ CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir });
    const text = '\uFEFFZoo news\n\nCoventry Zoo welcomed a baby giraffe named Poppy on Tuesday morning, keepers said.\n';
    await mkdir(paths.corpusDir, { recursive: true });
    await writeFile(join(paths.corpusDir, 'zoo.txt'), text);
    const embedder = fakeEmbedder();
    await updateIndex(config, embedder, {});
    const engine = createSearchEngine(searchView(await loadIndex(paths.indexDir)), embedder, { liveText: liveTexts(paths.corpusDir), tuning: ALWAYS_ANSWER });
    const [quote] = (await engine.ask('What was the giraffe called?')).quotes;
    expect(quote!.text).toContain('giraffe named Poppy');
    expect((await readFile(join(paths.corpusDir, 'zoo.txt'), 'utf8')).slice(quote!.start, quote!.end)).toBe(quote!.text);
  });
});
