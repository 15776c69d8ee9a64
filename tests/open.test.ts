/** Deciding at start-up whether the index is current, without reading an archive when nothing changed. */
import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { openEngine, preloadIndex, staleness, updateIndex } from '../src/open.js';
import { FORMAT_VERSION } from '../src/store/files/format.js';
import { currentGeneration, FILES } from '../src/store/files/layout.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { scratch } from './support/temp.js';

const FILE = '000_720fcdee8977a856.txt';
let config: ReturnType<typeof loadConfig>;
const embedder = fakeEmbedder();

beforeEach(async () => {
  const paths = await scratch();
  config = loadConfig({ CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir });
});

describe('staleness', () => {
  it('asks for a first build, then finds the index current from file stamps alone', async () => {
    expect((await staleness(config, embedder)).reason).toMatch(/No index yet/);
    await updateIndex(config, embedder, {});
    // Current, decided without reading the corpus.
    expect(await staleness(config, embedder)).toEqual({});
  });

  it('reads the files again when a stamp changes, and reports an edit', async () => {
    await updateIndex(config, embedder, {});
    const file = join(config.corpusDir, FILE);
    const { mtime } = await stat(file);
    // Touched but identical: the content is read and found unchanged; one build records the new stamps.
    await utimes(file, mtime, new Date(mtime.getTime() + 5000));
    const touched = await staleness(config, embedder);
    expect(touched.reason).toMatch(/touched but not changed/);
    const calls = embedder.calls.length;
    await updateIndex(config, embedder, {});
    expect(embedder.calls.length).toBe(calls);
    expect(await staleness(config, embedder)).toEqual({});

    await writeFile(file, `${await readFile(file, 'utf8')}\nOne more sentence at the end.\n`);
    expect((await staleness(config, embedder)).reason).toMatch(/corpus changed/);
  });

  it('uses an index read ahead of the model only while it is the current generation', async () => {
    await updateIndex(config, embedder, {});
    const early = await preloadIndex(config);
    expect((await openEngine(config, embedder, {}, Promise.resolve(early))).index.passages).toBe(early!.passages);

    // A rebuild publishes a new generation: the early read is stale and must not be served.
    await updateIndex(config, embedder, {}, { force: true });
    const engine = await openEngine(config, embedder, {}, Promise.resolve(early));
    expect(engine.index.passages).not.toBe(early!.passages);
    expect(engine.index.generation).toBe(await currentGeneration(config.indexDir));
    expect(await preloadIndex(loadConfig({ CORPUS_DIR: config.corpusDir, INDEX_DIR: join(config.indexDir, 'nowhere') }))).toBeUndefined();
  });

  it('notices a new document and a model change', async () => {
    await updateIndex(config, embedder, {});
    await writeFile(join(config.corpusDir, 'new.txt'), 'A new article about the budget was published today.\n');
    expect((await staleness(config, embedder)).reason).toMatch(/corpus changed/);
    expect((await staleness(config, fakeEmbedder('another-model'))).reason).toMatch(/built with another model/);
  });

  it('says an index of another format was written by another version, not that it is damaged', async () => {
    await updateIndex(config, embedder, {});
    const manifest = join((await currentGeneration(config.indexDir))!, FILES.manifest);
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace(/"format": *\d+/, `"format": ${FORMAT_VERSION - 1}`));
    expect((await staleness(config, embedder)).reason).toBe('The index was written by another version of Quotebot: rebuilding it.');
  });
});
