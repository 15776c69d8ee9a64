/**
 * The installed hnswlib-node carries patches/hnswlib-node+3.0.0.patch
 * (docs/architecture.md): a loaded graph's base layer is mapped from its file,
 * every page of it mapped in while loading, it loads full, a build can still grow and save it, a query copies
 * several points' vectors out at once, and a damaged file is still refused. If the patch did not apply at install, the first test says so.
 */
import { readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { describe, expect, it } from 'vitest';
import { scratch } from './support/temp.js';

const DIMS = 8;
const COUNT = 300;

/** A unit vector per label, spread so that each label is its own nearest neighbour. */
function vector(label: number): number[] {
  const v = Array.from({ length: DIMS }, (_, i) => Math.sin(label * 1.7 + i * 0.9) + (i === label % DIMS ? 2 : 0));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/** COUNT points (or `count` points of `dims` dimensions), label 7 deleted, saved with room for twice as many. */
async function savedGraph(count = COUNT, dims = DIMS): Promise<string> {
  const { dir } = await scratch(false);
  const graph = new hnswlib.HierarchicalNSW('cosine', dims);
  // Room for more than it holds, as a build leaves after growing a graph.
  graph.initIndex({ maxElements: count * 2, m: 8, efConstruction: 50, randomSeed: 1 });
  for (let label = 0; label < count; label++) graph.addPoint(dims === DIMS ? vector(label) : Array.from({ length: dims }, (_, i) => Math.sin(label * 0.37 + i)), label);
  graph.markDelete(7);
  const file = join(dir, 'hnsw.bin');
  await graph.writeIndex(file);
  return file;
}

async function loaded(file: string): Promise<hnswlib.HierarchicalNSW> {
  const graph = new hnswlib.HierarchicalNSW('cosine', DIMS);
  await graph.readIndex(file);
  graph.setEf(100);
  return graph;
}

describe('the patched HNSW binding', () => {
  it('loads a graph full, with every point, its labels and its deletion marks, and searches it as it was saved', async () => {
    const graph = await loaded(await savedGraph());
    // Mapped graphs load with no spare room (the patch); upstream kept the saved capacity, 600.
    expect(graph.getMaxElements()).toBe(COUNT);
    expect(graph.getCurrentCount()).toBe(COUNT);
    expect(new Set(graph.getIdsList())).toEqual(new Set(Array.from({ length: COUNT }, (_, label) => label)));
    for (const label of [0, 1, 150, 299]) expect(graph.searchKnn(vector(label), 1).neighbors).toEqual([label]);
    // Deleted before saving: marked still after loading, so never found (unmarked, it is its own nearest).
    expect(graph.searchKnn(vector(7), 5).neighbors).not.toContain(7);
    graph.unmarkDelete(7);
    expect(graph.searchKnn(vector(7), 1).neighbors).toEqual([7]);
  });

  it('maps every page of the graph into the reader while loading, so no search is the first to touch one', async () => {
    // A graph of some megabytes, written and so in the page cache.
    const file = await savedGraph(20_000, 64);
    const mappedFileKb = async () => Number(/RssFile:\s+(\d+)/.exec(await readFile('/proc/self/status', 'utf8'))![1]);
    const before = await mappedFileKb();
    const graph = new hnswlib.HierarchicalNSW('cosine', 64);
    await graph.readIndex(file);
    // The file's pages count in this process once loaded (upstream read it into fresh memory instead: not RssFile).
    const { size } = await stat(file);
    expect((await mappedFileKb()) - before).toBeGreaterThan((0.9 * size) / 1024);
    expect(graph.getCurrentCount()).toBe(20_000);
  });

  it('copies the vectors of several labels into one array, row after row, as getPoint gives them, and refuses a deleted label or a wrong array', async () => {
    const graph = await loaded(await savedGraph());
    const labels = Uint32Array.from([299, 0, 150, 0]);
    const rows = new Float32Array(labels.length * DIMS);
    graph.getPointsInto(labels, rows);
    labels.forEach((label, i) => expect(Array.from(rows.subarray(i * DIMS, (i + 1) * DIMS))).toEqual(graph.getPoint(label)));
    // Stored normalised: within a float of the vector added.
    labels.forEach((label, i) => rows.subarray(i * DIMS, (i + 1) * DIMS).forEach((x, d) => expect(x).toBeCloseTo(vector(label)[d]!, 6)));
    expect(() => graph.getPointsInto(Uint32Array.from([1, 7]), new Float32Array(2 * DIMS))).toThrow(/Label not found: 7/);
    expect(() => graph.getPointsInto(Uint32Array.from([1]), new Float32Array(DIMS + 1))).toThrow(/labels.length × 8 floats/);
    expect(() => graph.getPointsInto([1] as unknown as Uint32Array, new Float32Array(DIMS))).toThrow(/Expected \(labels: Uint32Array, into: Float32Array\)/);
    expect(() => graph.getPointsInto(Uint32Array.from([1]), new Float64Array(DIMS) as unknown as Float32Array)).toThrow(/Expected/);
  });

  it('lets a build delete, grow, add and save a loaded graph, and leaves the file it was loaded from as it was', async () => {
    const file = await savedGraph();
    const before = await readFile(file);
    const graph = await loaded(file);
    graph.markDelete(3);
    expect(() => graph.addPoint(vector(COUNT), COUNT)).toThrow(/exceeds the specified limit/);
    graph.resizeIndex(COUNT + 10);
    graph.addPoint(vector(COUNT), COUNT);
    const next = join(file, '..', 'next.bin');
    await graph.writeIndex(next);
    expect(await readFile(file)).toEqual(before);
    const reloaded = await loaded(next);
    expect(reloaded.searchKnn(vector(COUNT), 1).neighbors).toEqual([COUNT]);
    expect(reloaded.searchKnn(vector(3), 5).neighbors).not.toContain(3);
    expect(reloaded.searchKnn(vector(150), 1).neighbors).toEqual([150]);
  });

  it('refuses a graph file cut short anywhere, or with a link list whose length no level has', async () => {
    const file = await savedGraph();
    const whole = await readFile(file);
    for (const cut of [96, 96 + 1000, whole.length - 4, whole.length - 1]) {
      await writeFile(file, whole);
      await truncate(file, cut);
      await expect(loaded(file)).rejects.toThrow(/corrupted or unsupported/);
    }
    // The first element's upper-level list length, right after the level-0 blocks, made odd.
    const damaged = Buffer.from(whole);
    const levelZero = 96 + COUNT * Number(whole.readBigUInt64LE(24));
    damaged.writeUInt32LE(3, levelZero);
    await writeFile(file, damaged);
    await expect(loaded(file)).rejects.toThrow(/corrupted or unsupported/);
  });

  it('releases what a refused load had mapped: a file whose link lists are cut short leaves no mapping of it behind', async () => {
    const file = await savedGraph();
    const whole = await readFile(file);
    // Past the mapped level-0 blocks, inside the link lists: the load maps the file, then refuses it.
    await truncate(file, whole.length - 4);
    const mappingsOfFile = async () => (await readFile('/proc/self/maps', 'utf8')).split('\n').filter((line) => line.endsWith(file)).length;
    for (let k = 0; k < 20; k++) await expect(loaded(file)).rejects.toThrow(/corrupted or unsupported/);
    expect(await mappingsOfFile()).toBe(0);
    // A good graph loaded from the same path is mapped while it lives: the check above can see a mapping.
    await writeFile(file, whole);
    const graph = await loaded(file);
    expect(await mappingsOfFile()).toBeGreaterThan(0);
    expect(graph.getCurrentCount()).toBe(COUNT);
  });
});
