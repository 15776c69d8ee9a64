/**
 * An overlay generation on a file system without hard links copies the base
 * files instead. A copy, unlike a link, is new bytes: each must be fsynced
 * before the manifest that vouches for it is written.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildIndex } from '../src/store/write/build.js';
import { BASE_FILES, currentGeneration } from '../src/store/files/layout.js';
import { loadIndex } from '../src/store/read/load.js';
import { verifyIndex } from '../src/store/read/verify.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { scratch } from './support/temp.js';

const synced: string[] = [];
let linksFail = false;

vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  return {
    ...fs,
    link: (...args: Parameters<typeof fs.link>) =>
      linksFail ? Promise.reject(Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' })) : fs.link(...args),
    open: async (...args: Parameters<typeof fs.open>) => {
      const handle = await fs.open(...args);
      const sync = handle.sync.bind(handle);
      handle.sync = () => (synced.push(String(args[0])), sync());
      return handle;
    },
  };
});

describe('an overlay generation where hard links fail', () => {
  it('copies the base files, fsyncs each copy, and the generation verifies and loads', async () => {
    const paths = await scratch();
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    await mkdir(paths.corpusDir, { recursive: true });
    await writeFile(join(paths.corpusDir, 'late.txt'), 'A late report was filed about the harbour ferry timetable.\n');
    linksFail = true;
    synced.length = 0;
    const report = await buildIndex({ ...paths, embedder });
    linksFail = false;
    expect(report.graph).toBe('overlay');
    const dir = (await currentGeneration(paths.indexDir))!;
    expect(await readdir(dir)).toEqual(expect.arrayContaining([...BASE_FILES]));
    for (const name of BASE_FILES) expect(synced).toContain(join(dir, name));
    const [current] = await verifyIndex(paths.indexDir);
    expect(current!.files.filter((f) => f.problem)).toEqual([]);
    expect((await loadIndex(paths.indexDir)).overlay?.passages.documents.map((d) => d.name)).toEqual(['late.txt']);
  });
});
