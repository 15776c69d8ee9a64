/**
 * Fault injection on the index files: each file of the current generation
 * truncated, garbled or deleted, then what a reader, `index --verify` and the
 * next build do about it. Test names read "fault → outcome": the fault table
 * in docs/reliability.md is this suite's output (`npm run test:faults`).
 */
import { cp, readdir, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config/env.js';
import { openEngine, updateIndex } from '../src/open.js';
import { graphFileProblem } from '../src/store/files/hnsw-file.js';
import { currentGeneration, FILES, POINTER, previousGeneration } from '../src/store/files/layout.js';
import { decodePassages } from '../src/store/files/passages-file.js';
import { verifyIndex } from '../src/store/read/verify.js';
import { cli } from './support/cli.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { scratch } from './support/temp.js';

const embedder = fakeEmbedder();
const ADDED = 'A sentence only the second generation holds.';
let pristine: { corpusDir: string; indexDir: string; dir: string };

/**
 * Two generations (the second adds one sentence), built once and copied for
 * each case. File times are whole seconds, which a copy keeps exactly, so a
 * copy's corpus matches its index and readers do not re-index it.
 */
beforeAll(async () => {
  pristine = await scratch();
  const config = loadConfig({ CORPUS_DIR: pristine.corpusDir, INDEX_DIR: pristine.indexDir });
  const wholeSeconds = async () => {
    for (const name of await readdir(pristine.corpusDir)) await utimes(join(pristine.corpusDir, name), 1_700_000_000, 1_700_000_000);
  };
  await wholeSeconds();
  await updateIndex(config, embedder, {});
  await writeFile(join(pristine.corpusDir, 'added.txt'), `${ADDED}\n`);
  await wholeSeconds();
  await updateIndex(config, embedder, {});
});

async function copyOfIndex(): Promise<Config> {
  const { dir } = await scratch(false);
  await cp(pristine.corpusDir, join(dir, 'corpus'), { recursive: true, preserveTimestamps: true });
  await cp(pristine.indexDir, join(dir, 'index'), { recursive: true, preserveTimestamps: true });
  return loadConfig({ CORPUS_DIR: join(dir, 'corpus'), INDEX_DIR: join(dir, 'index') });
}

type Damage = 'truncated' | 'garbled' | 'deleted';

async function damage(file: string, how: Damage): Promise<void> {
  if (how === 'deleted') return rm(file);
  const bytes = await readFile(file);
  if (how === 'truncated') return truncate(file, Math.floor(bytes.length / 2));
  // Bit rot: the size stays, 64 bytes in the middle change.
  const at = Math.floor(bytes.length / 2);
  for (let i = at; i < Math.min(at + 64, bytes.length); i++) bytes[i] = bytes[i]! ^ 0x5a;
  return writeFile(file, bytes);
}

/** Asks through the same path the CLI and the bot take; returns the generation answered from and what was said. */
async function read(config: Config): Promise<{ generation: string; holdsAdded: boolean; messages: string[] }> {
  const messages: string[] = [];
  const engine = await openEngine(config, embedder, { onMessage: (line) => messages.push(line) });
  await engine.ask('What did Ofsted find?', 3);
  const index = engine.index.generation;
  const { labelCount } = JSON.parse(await readFile(join(index, FILES.manifest), 'utf8')) as { labelCount: number };
  const passages = decodePassages(await readFile(join(index, FILES.store)), labelCount);
  return { generation: index, holdsAdded: [...passages].some((p) => p.text === ADDED), messages };
}

/** Every file of the current generation verifies: sizes, checksums, and a full load. */
async function expectIntact(indexDir: string): Promise<void> {
  const [current] = await verifyIndex(indexDir);
  expect(current!.files.filter((f) => f.problem)).toEqual([]);
}

/** The next build repairs: afterwards every file verifies and a further build finds nothing to do. */
async function expectRepairedBy(config: Config, options: { force?: boolean } = {}): Promise<void> {
  await updateIndex(config, embedder, {}, options);
  await expectIntact(config.indexDir);
  expect(await updateIndex(config, embedder, {})).toMatchObject({ added: [], changed: [], removed: [], embedded: 0 });
}

const DATA_FILES = [FILES.store, FILES.vectors, FILES.graph, FILES.lexical];

describe('a data file of the current generation damaged', () => {
  for (const name of DATA_FILES) {
    for (const how of ['truncated', 'deleted'] as const) {
      it(`${name} ${how} → readers answer from the previous generation with a warning naming it; --verify names it; the next index repairs it`, async () => {
        const config = await copyOfIndex();
        const current = (await currentGeneration(config.indexDir))!;
        const previous = (await previousGeneration(config.indexDir))!;
        await damage(join(current, name), how);

        const seen = await read(config);
        expect(seen.generation).toBe(previous);
        expect(seen.holdsAdded).toBe(false);
        expect(seen.messages).toEqual([expect.stringMatching(new RegExp(`${name.replace('.', '\\.')}.*answering from the previous index`))]);

        const [verdict] = await verifyIndex(config.indexDir);
        expect(verdict!.files.filter((f) => f.problem).map((f) => f.file)).toEqual([join(current, name)]);
        await expectRepairedBy(config);
        expect((await read(config)).holdsAdded).toBe(true);
      });
    }
    it(`${name} garbled (same size) → --verify names it by its checksum; "index --force" repairs it`, async () => {
      const config = await copyOfIndex();
      const current = (await currentGeneration(config.indexDir))!;
      await damage(join(current, name), 'garbled');
      const [verdict] = await verifyIndex(config.indexDir);
      expect(verdict!.files.filter((f) => f.problem)).toEqual([{ file: join(current, name), problem: expect.stringMatching(/checksum/) }]);
      await expectRepairedBy(config, { force: true });
    });
  }
});

describe('the manifest or the pointer damaged', () => {
  for (const how of ['truncated', 'garbled', 'deleted'] as const) {
    it(`${FILES.manifest} ${how} → readers rebuild the index before answering; --verify names it`, async () => {
      const config = await copyOfIndex();
      const current = (await currentGeneration(config.indexDir))!;
      await damage(join(current, FILES.manifest), how);
      const [verdict] = await verifyIndex(config.indexDir);
      expect(verdict!.files).toEqual([{ file: join(current, FILES.manifest), problem: expect.any(String) }]);
      const seen = await read(config);
      expect(seen.messages).toContain('The index is unreadable: rebuilding it.');
      expect(seen.holdsAdded).toBe(true);
      await expectRepairedBy(config);
    });

    it(`${POINTER} ${how} → readers build a new index; the generations it no longer names are removed`, async () => {
      const config = await copyOfIndex();
      const before = [(await currentGeneration(config.indexDir))!, (await previousGeneration(config.indexDir))!];
      await damage(join(config.indexDir, POINTER), how);
      const seen = await read(config);
      expect(seen.messages[0]).toMatch(/No index yet/);
      expect(before).not.toContain(seen.generation);
      expect(seen.holdsAdded).toBe(true);
      await expectIntact(config.indexDir);
    });
  }
});

describe('both generations damaged', () => {
  it('hnsw.bin truncated in the current and the previous generation → readers rebuild under the lock and answer', async () => {
    const config = await copyOfIndex();
    for (const dir of [await currentGeneration(config.indexDir), await previousGeneration(config.indexDir)]) await damage(join(dir!, FILES.graph), 'truncated');
    const seen = await read(config);
    expect(seen.messages).toEqual(expect.arrayContaining([expect.stringMatching(/hnsw\.bin.*no usable index left: rebuilding it/)]));
    expect(seen.holdsAdded).toBe(true);
    await expectIntact(config.indexDir);
  });
});

describe('npm run index -- --verify', () => {
  it('a data file garbled → exit 1, the file named with its problem, and the way out said; intact → exit 0', async () => {
    const config = await copyOfIndex();
    const env = { CORPUS_DIR: config.corpusDir, INDEX_DIR: config.indexDir };
    const intact = await cli(['index', '--verify'], env);
    expect(intact.code).toBe(0);
    expect(intact.stderr).toMatch(/The index is intact\.\n$/);
    const current = (await currentGeneration(config.indexDir))!;
    await damage(join(current, FILES.lexical), 'garbled');
    const damaged = await cli(['index', '--verify'], env);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toContain(`  damaged  ${join(current, FILES.lexical)}: its checksum differs`);
    expect(damaged.stderr).toMatch(/readers answer from the previous one\. Run "npm run index -- --force"/);
  });
});

describe('the graph file as hnswlib writes it', () => {
  it('hnsw.bin written short (hnswlib on a full disk reports nothing) or too long → named a problem before it is renamed in', async () => {
    const { dir } = await scratch(false);
    const graph = new hnswlib.HierarchicalNSW('cosine', 8);
    graph.initIndex({ maxElements: 300, m: 16, efConstruction: 100, randomSeed: 7 });
    for (let i = 0; i < 250; i++) graph.addPoint(Array.from({ length: 8 }, (_, k) => Math.sin(i * 7 + k)), i);
    const file = join(dir, 'hnsw.bin');
    await graph.writeIndex(file);
    const expected = { count: 250, maxElements: 300 };
    expect(await graphFileProblem(file, expected)).toBeUndefined();
    expect(await graphFileProblem(file, { count: 249, maxElements: 300 })).toMatch(/holds 250 of 300 elements/);
    const whole = await readFile(file);
    for (const cut of [0, 50, 96, whole.length - 4000, whole.length - 1]) {
      await writeFile(file, whole.subarray(0, cut));
      expect(await graphFileProblem(file, expected), `cut at ${cut}`).toMatch(/bytes/);
    }
    await writeFile(file, Buffer.concat([whole, Buffer.alloc(4)]));
    expect(await graphFileProblem(file, expected)).toMatch(/bytes, expected/);
  });
});
