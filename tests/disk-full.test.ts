/**
 * A full disk, simulated without root: the file system module is wrapped so
 * that, once "full", every write to a file opened for writing, every append
 * and every copy fails with ENOSPC after landing half its bytes — as a real
 * full disk does.
 */
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { QuotebotError } from '../src/errors.js';
import { buildIndex } from '../src/store/write/build.js';
import { currentGeneration, FILES, OVERLAY_FILES, POINTER } from '../src/store/files/layout.js';
import { searchView } from '../src/store/read/search-view.js';
import { loadIndex } from '../src/store/read/load.js';
import { verifyIndex } from '../src/store/read/verify.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { scratch } from './support/temp.js';

const disk = vi.hoisted(() => ({ writesLeft: Infinity }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  const open: typeof real.open = async (path, flags, mode) => {
    const handle = await real.open(path, flags, mode);
    if (flags !== 'w') return handle;
    const writeFile = handle.writeFile.bind(handle);
    handle.writeFile = async (data: string | Uint8Array) => {
      if (disk.writesLeft-- > 0) return writeFile(data);
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      await writeFile(bytes.subarray(0, bytes.length >> 1));
      throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
    };
    return handle;
  };
  const full = () => Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
  // An update appends its new vectors to a copy of the previous file: the append is a write, and the copy fails once the disk is full.
  const appendFile: typeof real.appendFile = async (path, data, options) => {
    if (disk.writesLeft-- > 0) return real.appendFile(path, data, options);
    const bytes = typeof data === 'string' ? Buffer.from(data) : (data as Uint8Array);
    await real.appendFile(path, bytes.subarray(0, bytes.length >> 1));
    throw full();
  };
  const copyFile: typeof real.copyFile = async (from, to, mode) => {
    if (disk.writesLeft > 0) return real.copyFile(from, to, mode);
    const bytes = await real.readFile(from);
    await real.writeFile(to, bytes.subarray(0, bytes.length >> 1));
    throw full();
  };
  const wrapped = { open, appendFile, copyFile };
  return { ...real, ...wrapped, default: { ...real, ...wrapped } };
});

const embedder = fakeEmbedder();

/** Every sentence the current generation answers from, an overlay's included. */
async function indexedTexts(indexDir: string): Promise<string[]> {
  const { passages } = searchView(await loadIndex(indexDir, embedder));
  return Array.from({ length: passages.length }, (_, p) => passages.at(p)!.text);
}
const ADDED = 'A sentence for a generation the disk has no room for.';

describe('a full disk', () => {
  // The writes of each kind of build, in order (hnswlib writes a graph itself; an overlay links the base's files), then the pointer.
  it.each([
    ['an overlay update', false, [OVERLAY_FILES.vectors, OVERLAY_FILES.lexical, OVERLAY_FILES.store, FILES.manifest, POINTER]],
    ['a full build', true, [FILES.vectors, FILES.lexical, FILES.templates, FILES.store, FILES.manifest, POINTER]],
  ] as const)('at each file of %s → the build fails naming that file; the index in use is untouched; nothing is left behind; freeing space lets the next build through', async (_build, force, order) => {
    const paths = await scratch();
    await buildIndex({ ...paths, embedder });
    const before = (await currentGeneration(paths.indexDir))!;
    await fs.writeFile(join(paths.corpusDir, 'added.txt'), `${ADDED}\n`);
    for (const [k, file] of order.entries()) {
      disk.writesLeft = k;
      const error = (await buildIndex({ ...paths, embedder, force }).catch((e: unknown) => e)) as QuotebotError;
      disk.writesLeft = Infinity;
      expect(error).toBeInstanceOf(QuotebotError);
      expect(error.code).toBe('INDEX_WRITE_FAILED');
      expect(error.message).toMatch(new RegExp(`/${file.replace(/\./g, '\\.')}" \\(the disk is full\\).*run "npm run index" again`));
      if (file !== POINTER) {
        // Nothing half-written stays: neither the new generation's folder nor a temp file.
        expect((await fs.readdir(paths.indexDir)).filter((e) => e.startsWith('gen-') || e.endsWith('.tmp'))).toEqual([before.split('/').at(-1)]);
      }
      expect(await currentGeneration(paths.indexDir)).toBe(before);
      expect(await indexedTexts(paths.indexDir)).not.toContain(ADDED);
    }
    // What a build killed mid-write leaves (its atomic writes cannot clean up after a kill -9): a partial folder, a temp file.
    await fs.mkdir(join(paths.indexDir, 'gen-killed-1'));
    await fs.writeFile(join(paths.indexDir, 'gen-killed-1', `.${FILES.vectors}.1a2b.tmp`), 'half');
    await fs.writeFile(join(paths.indexDir, `.${POINTER}.3c4d.tmp`), '{"gen');
    const messages: string[] = [];
    const report = await buildIndex({ ...paths, embedder, force, onMessage: (line) => messages.push(line) });
    // Those two, and the complete but unpublished generation the pointer's failed write left, are removed first.
    expect(messages).toContain('Removed 3 leftovers of an interrupted build.');
    expect((await fs.readdir(paths.indexDir)).filter((e) => e.endsWith('.tmp') || e === 'gen-killed-1')).toEqual([]);
    expect(report.added).toEqual(force ? (await fs.readdir(paths.corpusDir)).sort() : ['added.txt']);
    expect(await indexedTexts(paths.indexDir)).toContain(ADDED);
    const [current] = await verifyIndex(paths.indexDir);
    expect(current!.files.filter((f) => f.problem)).toEqual([]);
  });
});
