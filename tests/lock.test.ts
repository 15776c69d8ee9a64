/**
 * One writer at a time. Before the lock, two builds at once could publish a
 * generation the other was still writing, or delete it under its feet; now
 * the second waits for the first and finds nothing left to do.
 */
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIndex } from '../src/store/write/build.js';
import { currentGeneration, FILES } from '../src/store/files/layout.js';
import { loadIndex, loadIndexOrPrevious } from '../src/store/read/load.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { expectFree } from './support/lock.js';
import { scratch } from './support/temp.js';

describe('the index lock', () => {
  it('serialises concurrent builders: every round leaves an index that loads, and a further build finds nothing changed', async () => {
    const paths = await scratch();
    const embedder = fakeEmbedder();
    for (let round = 0; round < 20; round++) {
      const waits: string[] = [];
      const [a, b] = await Promise.all([
        buildIndex({ ...paths, embedder, force: round % 2 === 0, onMessage: (line) => waits.push(line) }),
        buildIndex({ ...paths, embedder, onMessage: (line) => waits.push(line) }),
      ]);
      expect(a.sentences).toBe(b.sentences);
      const index = await loadIndex(paths.indexDir);
      expect(index.passages.length).toBe(a.sentences);
      // Whichever came second waited for the other.
      expect(waits.filter((w) => /Another index build .* is running: waiting/.test(w))).toHaveLength(1);
    }
    const again = await buildIndex({ ...paths, embedder });
    expect(again).toMatchObject({ added: [], changed: [], removed: [], embedded: 0 });
    // The lock is released, and at most the current generation and the one before are kept.
    await expectFree(paths.indexDir);
    const entries = await readdir(paths.indexDir);
    expect(entries.filter((e) => e.startsWith('gen-')).length).toBeLessThanOrEqual(2);
  });

});

describe('publishing', () => {
  it('keeps the generation a --force build replaces, for readers still holding it', async () => {
    const paths = await scratch();
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    const before = (await readdir(paths.indexDir)).filter((e) => e.startsWith('gen-'));
    await buildIndex({ ...paths, embedder, force: true });
    const after = (await readdir(paths.indexDir)).filter((e) => e.startsWith('gen-'));
    expect(after).toHaveLength(2);
    expect(after).toEqual(expect.arrayContaining(before));
  });
});

describe('a damaged current generation', () => {
  it('is read past: readers answer from the generation it replaced, with a warning naming the damaged file', async () => {
    const paths = await scratch();
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    const file = join(paths.corpusDir, '004_8681b80293109f05.txt');
    await writeFile(file, `${await readFile(file, 'utf8')}\n\nA sentence added for the second generation.\n`);
    await buildIndex({ ...paths, embedder });
    const current = (await currentGeneration(paths.indexDir))!;
    await truncate(join(current, FILES.graph), 100);
    await expect(loadIndex(paths.indexDir)).rejects.toThrow(/hnsw\.bin/);
    const warnings: string[] = [];
    const loaded = await loadIndexOrPrevious(paths.indexDir, embedder, (line) => warnings.push(line));
    expect(loaded.dir).not.toBe(current);
    expect([...loaded.passages].map((p) => p.text)).not.toContain('A sentence added for the second generation.');
    expect(warnings).toEqual([expect.stringMatching(/hnsw\.bin.*answering from the previous index/)]);
  });
});
