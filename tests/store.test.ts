import { readFile, rm, truncate, writeFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { beforeEach, describe, expect, it } from 'vitest';
import { corpusStamps, readChanged, readCorpus } from '../src/corpus/read.js';
import { QuotebotError } from '../src/errors.js';
import { buildIndex } from '../src/store/write/build.js';
import { currentGeneration, FILES } from '../src/store/files/layout.js';
import { loadIndex } from '../src/store/read/load.js';
import { searchView } from '../src/store/read/search-view.js';
import { verifyIndex } from '../src/store/read/verify.js';
import { openVectorRows } from '../src/store/files/vectors-file.js';
import { decodePassages, encodePassages } from '../src/store/files/passages-file.js';
import { EF_GROWS_FROM, searchEf } from '../src/store/files/format.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { scratch } from './support/temp.js';

const CHANGED = '003_e9982170786f09a2.txt';
let paths: Awaited<ReturnType<typeof scratch>>;

beforeEach(async () => {
  paths = await scratch();
});

async function errorOf(promise: Promise<unknown>): Promise<QuotebotError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(QuotebotError);
  return error as QuotebotError;
}

describe('incremental build', () => {
  it('embeds only the sentences of the file that changed, and reports it', async () => {
    const embedder = fakeEmbedder();
    const first = await buildIndex({ ...paths, embedder });
    expect(first.added).toHaveLength(3);
    const firstCalls = embedder.calls.length;
    expect(firstCalls).toBe(first.sentences);

    const file = join(paths.corpusDir, CHANGED);
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('\n\nBut both parties', '\n\nA brand new paragraph was added to this article today.\n\nBut both parties'));
    embedder.calls.length = 0;
    const second = await buildIndex({ ...paths, embedder });
    expect(second.changed).toEqual([CHANGED]);
    expect(second.unchanged).toHaveLength(2);
    expect(embedder.calls).toEqual(['A brand new paragraph was added to this article today.']);
    expect(second.graph).toBe('patched');

    const index = await loadIndex(paths.indexDir, embedder);
    expect([...index.passages].map((p) => p.text)).toContain('A brand new paragraph was added to this article today.');
  });

  it('puts every live sentence in the graph, found first by its own vector, after a full and an incremental build', async () => {
    const embedder = fakeEmbedder();
    const check = async () => {
      const index = await loadIndex(paths.indexDir);
      expect(index.graph.getCurrentCount() - index.manifest.deletedCount).toBe(new Set([...index.passages].map((p) => p.label)).size);
      for (const p of index.passages) {
        const [own] = await embedder.embed([p.text]);
        const nearest = index.graph.searchKnn(Array.from(own!), 1).neighbors[0]!;
        // A repeated sentence shares its vector with its twin: either label is right.
        expect(index.passages.at(index.passages.position(nearest)!)!.text).toBe(p.text);
      }
    };
    await buildIndex({ ...paths, embedder });
    await check();
    const file = join(paths.corpusDir, CHANGED);
    await writeFile(file, (await readFile(file, 'utf8')).replace('\n\nBut both parties', '\n\nA sentence added between two paragraphs.\n\nBut both parties'));
    await buildIndex({ ...paths, embedder });
    await check();
  });

  it('does not embed anything when nothing changed', async () => {
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    embedder.calls.length = 0;
    const report = await buildIndex({ ...paths, embedder });
    expect(embedder.calls).toEqual([]);
    expect(report.unchanged).toHaveLength(3);
  });

  it('keeps the sentences of unchanged documents, yet re-segments one whose paragraphs moved because a new file made a block boilerplate', async () => {
    const embedder = fakeEmbedder();
    const shared = 'Sign up to our newsletter for the latest news.';
    await writeFile(join(paths.corpusDir, 'a.txt'), `Roads will close for repairs next week, the council said.\n\n${shared}\n\nBuses will run on other routes.\n`);
    await buildIndex({ ...paths, embedder });
    expect([...(await loadIndex(paths.indexDir)).passages].map((p) => p.text)).toContain(shared);

    // A second file repeating the block makes it a site template in a.txt too, though a.txt did not change.
    await writeFile(join(paths.corpusDir, 'b.txt'), `The library opens on Monday at nine.\n\n${shared}\n`);
    await buildIndex({ ...paths, embedder });
    const incremental = await loadIndex(paths.indexDir);
    const fresh = await scratch(false);
    await buildIndex({ corpusDir: paths.corpusDir, indexDir: fresh.indexDir, embedder, force: true });
    const scratchBuilt = await loadIndex(fresh.indexDir);
    const shape = (i: typeof incremental) => [...i.passages].map((p) => [i.documents[p.doc]!.name, p.start, p.end, p.paragraph, p.text, p.after]);
    expect(shape(incremental)).toEqual(shape(scratchBuilt));
    expect([...incremental.passages].map((p) => p.text)).not.toContain(shared);
  });

  it('appends an update\'s new vectors to a copy of the previous file, and the continued CRC-32 is the new file\'s own', async () => {
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    const old = await readFile(join((await currentGeneration(paths.indexDir))!, FILES.vectors));
    const file = join(paths.corpusDir, CHANGED);
    await writeFile(file, (await readFile(file, 'utf8')).replace('\n\nBut both parties', '\n\nA sentence about the council budget was added to this article today.\n\nBut both parties'));
    const report = await buildIndex({ ...paths, embedder });
    expect(report.graph).toBe('patched');
    const index = await loadIndex(paths.indexDir, embedder);
    const grown = await readFile(join(index.dir, FILES.vectors));
    expect(grown.length).toBeGreaterThan(old.length);
    expect(grown.subarray(0, old.length).equals(old)).toBe(true);
    // Every live sentence's row, old or appended, is its text's vector.
    const passages = [...index.passages];
    const expected = await embedder.embed(passages.map((p) => p.text));
    passages.forEach((p, i) => expect(index.vectors.row(p.label)).toEqual(expected[i]));
    const [current] = await verifyIndex(paths.indexDir);
    expect(current!.files).toContainEqual({ file: join(index.dir, FILES.vectors) });
    expect(current!.files.filter((f) => 'problem' in f)).toEqual([]);
  });

  it('drops a deleted document from the index and the graph', async () => {
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    await rm(join(paths.corpusDir, CHANGED));
    const report = await buildIndex({ ...paths, embedder });
    expect(report.removed).toEqual([CHANGED]);
    const index = await loadIndex(paths.indexDir, embedder);
    expect(index.documents.map((d) => d.name)).not.toContain(CHANGED);
    const live = new Set([...index.passages].map((p) => p.label));
    const vector = Array.from(index.vectors.row(index.passages.label(0)));
    // Ask for every live point: a deleted label must never be among them.
    for (const label of index.graph.searchKnn(vector, report.sentences).neighbors) {
      expect(live.has(label)).toBe(true);
    }
  });

  it('--force re-embeds everything', async () => {
    const embedder = fakeEmbedder();
    const first = await buildIndex({ ...paths, embedder });
    embedder.calls.length = 0;
    await buildIndex({ ...paths, embedder, force: true });
    expect(embedder.calls).toHaveLength(first.embedded);
  });
});

describe('a failed graph insert', () => {
  it('fails the build with the insert\'s error, leaving no unhandled rejection, and the published index as it was', async () => {
    const embedder = fakeEmbedder();
    const first = await buildIndex({ ...paths, embedder });
    // The binding's methods cannot be replaced, so the class is: a graph whose 11th insert fails as hnswlib does when out of memory.
    const Real = hnswlib.HierarchicalNSW;
    let inserts = 0;
    hnswlib.HierarchicalNSW = class extends Real {
      override addPoint(...args: Parameters<InstanceType<typeof Real>['addPoint']>) {
        if (++inserts > 10) throw new Error('std::bad_alloc');
        super.addPoint(...args);
      }
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(buildIndex({ ...paths, embedder, force: true })).rejects.toThrow('std::bad_alloc');
      // Long enough for Node to have reported a rejection nobody awaited.
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      hnswlib.HierarchicalNSW = Real;
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(basename((await currentGeneration(paths.indexDir))!)).toBe(first.generation);
    expect((await buildIndex({ ...paths, embedder })).embedded).toBe(0);
  });
});

describe('index files', () => {
  it('publishes complete generations only: current.json points at a folder with every file', async () => {
    await buildIndex({ ...paths, embedder: fakeEmbedder() });
    const dir = await currentGeneration(paths.indexDir);
    for (const file of Object.values(FILES)) await expect(readFile(join(dir!, file))).resolves.toBeTruthy();
  });

  it('rejects an index built with another model, and a rebuild replaces it with a message', async () => {
    await buildIndex({ ...paths, embedder: fakeEmbedder('model-a') });
    const other = fakeEmbedder('model-b');
    expect((await errorOf(loadIndex(paths.indexDir, other))).code).toBe('INDEX_MODEL_MISMATCH');
    const messages: string[] = [];
    const report = await buildIndex({ ...paths, embedder: other, onMessage: (m) => messages.push(m) });
    expect(messages.join('\n')).toMatch(/model-a.*rebuilding from scratch/);
    expect(report.embedded).toBe(report.sentences);
    await expect(loadIndex(paths.indexDir, other)).resolves.toBeTruthy();
  });

  it('rejects a corrupt manifest and an index from another format version with one-line errors', async () => {
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    const dir = (await currentGeneration(paths.indexDir))!;
    const manifest = JSON.parse(await readFile(join(dir, FILES.manifest), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, FILES.manifest), JSON.stringify({ ...manifest, format: 99 }));
    const version = await errorOf(loadIndex(paths.indexDir, embedder));
    expect(version.code).toBe('INDEX_VERSION');
    expect(version.message).toContain('--force');
    await writeFile(join(dir, FILES.manifest), '{ not json');
    expect((await errorOf(loadIndex(paths.indexDir, embedder))).code).toBe('INDEX_CORRUPT');
  });

  it('rejects truncated vectors', async () => {
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    const dir = (await currentGeneration(paths.indexDir))!;
    await writeFile(join(dir, FILES.vectors), Buffer.alloc(12));
    const error = await errorOf(loadIndex(paths.indexDir, embedder));
    expect(error.code).toBe('INDEX_CORRUPT');
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('rejects a damaged passage, naming the file and the passage, even when the manifest agrees with its size', async () => {
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    const dir = (await currentGeneration(paths.indexDir))!;
    const file = join(dir, FILES.store);
    const manifest = JSON.parse(await readFile(join(dir, FILES.manifest), 'utf8')) as { labelCount: number; files: Record<string, { bytes: number }> };
    const stored = decodePassages(await readFile(file), manifest.labelCount);
    const passages = [...stored];
    for (const damage of [{ start: -1 }, { end: 0, start: 5 }, { paragraph: 0 }, { label: manifest.labelCount }, { label: passages[0]!.label }, { doc: 99 }, { tags: 'X' }, { byteStart: -2 }]) {
      const bytes = encodePassages(stored.documents, passages.map((p, i) => (i === 2 ? { ...p, ...damage } : p)));
      await writeFile(file, bytes);
      // As a faulty build would have written it: the size check passes, the column checks must not.
      manifest.files[FILES.store]!.bytes = bytes.length;
      await writeFile(join(dir, FILES.manifest), JSON.stringify(manifest));
      const error = await errorOf(loadIndex(paths.indexDir, embedder));
      expect(error.code, JSON.stringify(damage)).toBe('INDEX_CORRUPT');
      expect(error.message).toContain(file);
      expect(error.message).toContain('passages.2');
    }
  });

  it('rejects a damaged BM25 file, naming it', async () => {
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    const dir = (await currentGeneration(paths.indexDir))!;
    const file = join(dir, FILES.lexical);
    const bytes = await readFile(file);
    await writeFile(file, bytes.subarray(0, bytes.length - 8));
    const error = await errorOf(loadIndex(paths.indexDir, embedder));
    expect(error.code).toBe('INDEX_CORRUPT');
    expect(error.message).toContain(FILES.lexical);
  });

  it('gives a query the vectors of a file left on disk from the loaded graph, reading nothing from the file', async () => {
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    const index = await loadIndex(paths.indexDir, embedder);
    expect(index.vectors.resident).toBe(true);
    const file = join(index.dir, FILES.vectors);
    const onDisk = openVectorRows(file, index.manifest.model.dims, index.manifest.labelCount, 0);
    const positions = [0, 5, 1, 5, index.passages.length - 1];
    const fromFile = searchView(index).vectors(positions);
    // An unpatched binding (installed with --ignore-scripts) has no getPointsInto: the rows are read from the file.
    const unpatched = Object.defineProperty(Object.create(index.graph) as typeof index.graph, 'getPointsInto', { value: undefined });
    expect(searchView({ ...index, graph: unpatched, vectors: onDisk }).vectors(positions)).toEqual(fromFile);
    // Emptied after opening: a read of the file now fails.
    await truncate(file, 0);
    expect(() => onDisk.rowsOf([index.passages.label(0)])).toThrow(/ends at byte/);
    const fromGraph = searchView({ ...index, vectors: onDisk }).vectors(positions);
    expect(fromGraph).toHaveLength(positions.length);
    fromGraph.forEach((row, i) => row.forEach((x, d) => expect(x).toBeCloseTo(fromFile[i]![d]!, 6)));
  });

  it('says how to build an index that does not exist', async () => {
    const error = await errorOf(loadIndex(join(paths.dir, 'nowhere'), fakeEmbedder()));
    expect(error.code).toBe('INDEX_MISSING');
    expect(error.message).toContain('npm run index');
  });
});

describe('corpus input', () => {
  it('warns about a binary or non-UTF-8 file and indexes the rest', async () => {
    await writeFile(join(paths.corpusDir, 'photo.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    await writeFile(join(paths.corpusDir, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e]));
    const report = await buildIndex({ ...paths, embedder: fakeEmbedder() });
    expect(report.warnings).toEqual([
      'Skipped "latin1.txt": it is not valid UTF-8 text.',
      'Skipped "photo.txt": it looks binary (contains NUL bytes).',
    ]);
    expect(report.added).toHaveLength(3);
  });

  it('refuses an empty corpus with a clear error', async () => {
    const empty = join(paths.dir, 'empty');
    await mkdir(empty);
    const error = await errorOf(buildIndex({ corpusDir: empty, indexDir: paths.indexDir, embedder: fakeEmbedder() }));
    expect(error.code).toBe('EMPTY_CORPUS');
  });

  it('stamps every document, and a document\'s stamp changes when its sidecar appears or changes', async () => {
    const before = await corpusStamps(paths.corpusDir);
    const { documents } = await readCorpus(paths.corpusDir);
    expect([...before.keys()]).toEqual(documents.map((d) => d.name));
    const sidecar = join(paths.corpusDir, `${CHANGED}.meta.json`);
    await writeFile(sidecar, JSON.stringify({ publisher: 'Override Weekly' }));
    const added = await corpusStamps(paths.corpusDir);
    await writeFile(sidecar, JSON.stringify({ publisher: 'Override Weekly, corrected' }));
    const edited = await corpusStamps(paths.corpusDir);
    expect(added.get(CHANGED)).not.toBe(before.get(CHANGED));
    expect(edited.get(CHANGED)).not.toBe(added.get(CHANGED));
    // The sidecar is not a document, and the other documents' stamps did not move.
    expect([...edited.keys()]).toEqual([...before.keys()]);
    for (const name of before.keys()) if (name !== CHANGED) expect(edited.get(name)).toBe(before.get(name));
  });

  it('reads only the documents whose stamps it does not know, and hands back the rest unread', async () => {
    const stamps = await corpusStamps(paths.corpusDir);
    await writeFile(join(paths.corpusDir, CHANGED), 'An edited article with one sentence.\n');
    await writeFile(join(paths.corpusDir, 'binary.txt'), Buffer.from([0, 1, 2]));
    const read = await readChanged(paths.corpusDir, (name, stamp) => stamps.get(name) === stamp);
    expect(read.documents.map((d) => d.name)).toEqual([CHANGED]);
    expect(read.documents[0]!.text).toBe('An edited article with one sentence.\n');
    expect([...read.unread.keys()].sort()).toEqual([...stamps.keys()].filter((name) => name !== CHANGED).sort());
    expect(read.warnings.join('\n')).toMatch(/binary\.txt.*binary/);
    const empty = join(paths.dir, 'empty');
    await mkdir(empty);
    expect((await errorOf(readChanged(empty, () => true))).code).toBe('EMPTY_CORPUS');
  });

  it('lets a sidecar override metadata, and reads HTML pages as text', async () => {
    await writeFile(join(paths.corpusDir, `${CHANGED}.meta.json`), JSON.stringify({ publisher: 'Override Weekly', date: '2014-04-10' }));
    await writeFile(
      join(paths.corpusDir, 'page.html'),
      '<html><head><title>Bridge to reopen</title><meta property="og:site_name" content="Town News"></head>' +
        '<body><nav>Home | Sport</nav><article><p>The old bridge will reopen to traffic on Monday morning.</p>' +
        '<p>Engineers finished the repairs &amp; checks early.</p></article><footer>© Town News</footer></body></html>',
    );
    const { documents } = await readCorpus(paths.corpusDir);
    expect(documents.find((d) => d.name === CHANGED)!.metaOverride).toEqual({ publisher: 'Override Weekly', date: '2014-04-10' });
    const page = documents.find((d) => d.name === 'page.html')!;
    expect(page.metaOverride).toMatchObject({ title: 'Bridge to reopen', publisher: 'Town News' });
    expect(page.text).toBe('The old bridge will reopen to traffic on Monday morning.\n\nEngineers finished the repairs & checks early.');
  });
});

describe('what a build says about its input', () => {
  it('warns about a document with no article text, and still indexes the rest', async () => {
    const paths = await scratch();
    await writeFile(join(paths.corpusDir, 'empty.txt'), '\n\n   \n');
    await writeFile(join(paths.corpusDir, 'links.md'), 'Home\n\nNews\n\nContact\n');
    const report = await buildIndex({ ...paths, embedder: fakeEmbedder() });
    expect(report.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/"empty\.txt" has no article text/), expect.stringMatching(/"links\.md" has no article text/)]));
    expect(report.sentences).toBeGreaterThan(0);
  });

  it('says CORPUS_DIR is a file, not that the folder is missing', async () => {
    const paths = await scratch();
    const file = join(paths.corpusDir, '000_720fcdee8977a856.txt');
    const error = await errorOf(buildIndex({ ...paths, corpusDir: file, embedder: fakeEmbedder() }));
    expect(error.code).toBe('CORPUS_NOT_FOLDER');
    expect(error.message).toContain(file);
  });
});

describe('search ef', () => {
  it('searches a graph up to EF_GROWS_FROM points at the manifest\'s ef, and a larger one at an ef in proportion to its size', () => {
    const sizes = [0, 1, 61_607, EF_GROWS_FROM, EF_GROWS_FROM + 1, 2 * EF_GROWS_FROM, 4 * EF_GROWS_FROM, 10 ** 8];
    const efs = sizes.map((count) => searchEf(100, count));
    expect(efs.slice(0, 4)).toEqual([100, 100, 100, 100]);
    // Never below the manifest's, never falling as the graph grows, and twice the graph twice the ef.
    efs.forEach((ef, i) => expect(ef).toBeGreaterThanOrEqual(i === 0 ? 100 : efs[i - 1]!));
    expect(searchEf(100, 4 * EF_GROWS_FROM)).toBe(2 * searchEf(100, 2 * EF_GROWS_FROM));
    expect(searchEf(250, 2 * EF_GROWS_FROM)).toBe(500);
  });

  it('loads an index with that ef set on its graph', async () => {
    const embedder = fakeEmbedder();
    await buildIndex({ ...paths, embedder });
    const index = await loadIndex(paths.indexDir, embedder);
    expect(index.graph.getEf()).toBe(searchEf(index.manifest.hnsw.ef, index.graph.getCurrentCount()));
  });
});
