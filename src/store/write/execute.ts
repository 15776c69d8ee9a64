/**
 * Carries out a build plan in memory: vectors copied or embedded, points
 * added to (or deleted from) the HNSW graph. Nothing is written here; the
 * result goes to store/write/write.
 */
import hnswlib from 'hnswlib-node';
import type { Embedder } from '../../embed/embedder.js';
import type { BuildPlan } from './plan.js';
import type { VectorRows } from '../files/vectors-file.js';

/** The previous generation's graph and vectors, which a patching plan extends in place. */
export interface PreviousVectors {
  graph: hnswlib.HierarchicalNSW;
  /** labelCount × dims of the previous generation, row = label, on disk. */
  vectors: VectorRows;
}

export interface Executed {
  graph: hnswlib.HierarchicalNSW;
  /** Rows [firstRow, plan.labelCount) × dims, row = label − firstRow. */
  vectors: Float32Array;
  /**
   * Labels below it keep the previous generation's rows, unchanged: a patched
   * graph never reuses a label, so its vectors file only grows (store/write/write
   * copies the old one and appends). 0 for a new graph.
   */
  firstRow: number;
}

/**
 * Adds points to the graph in slices, yielding between them so the worker
 * threads embedding the rest are fed their next chunks without waiting.
 * A failed insert (hnswlib out of memory, say) is kept, not left as a
 * rejection nobody awaits, which would take the whole process down in the
 * middle of a bot's background re-index: later points are dropped and
 * `done()` throws it, so the build fails like any other and publishes nothing.
 */
function graphInserter(graph: hnswlib.HierarchicalNSW, vectors: Float32Array, firstRow: number, dims: number) {
  const queue: number[] = [];
  let running: Promise<void> | undefined;
  let failed: { error: unknown } | undefined;
  const SLICE = 64;
  const rowOf = (label: number) => vectors.subarray((label - firstRow) * dims, (label - firstRow + 1) * dims);
  // Started with a non-empty queue, so it always yields before clearing `running` (which `add` sets after calling it).
  const drain = async () => {
    while (queue.length > 0) {
      try {
        for (const label of queue.splice(0, SLICE)) graph.addPoint(Array.from(rowOf(label)), label);
      } catch (error) {
        failed = { error };
        queue.length = 0;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    running = undefined;
  };
  return {
    add(label: number, vector: Float32Array) {
      if (label < firstRow) throw new RangeError(`label ${label} is the previous generation's (below ${firstRow}): labels are never reused`);
      if (failed) return;
      rowOf(label).set(vector);
      queue.push(label);
      running ??= drain();
    },
    async done() {
      while (running) await running;
      if (failed) throw failed.error;
    },
  };
}

function graphFor(plan: BuildPlan, previous: PreviousVectors | undefined, dims: number): hnswlib.HierarchicalNSW {
  if (plan.rebuildGraph || !previous) {
    const graph = new hnswlib.HierarchicalNSW(plan.hnsw.space, dims);
    graph.initIndex({ maxElements: Math.max(plan.labelCount, 1), m: plan.hnsw.m, efConstruction: plan.hnsw.efConstruction, randomSeed: 100 });
    return graph;
  }
  const graph = previous.graph;
  for (const label of plan.deletions) graph.markDelete(label);
  if (plan.labelCount > graph.getMaxElements()) graph.resizeIndex(Math.ceil(plan.labelCount * 1.25));
  return graph;
}

/**
 * Points go into the graph as soon as their vectors exist: copied ones at
 * once, new ones while the rest are still being embedded, so graph building
 * overlaps embedding instead of following it. Only the texts of `plan.toEmbed` that `known` lacks reach the model.
 */
export async function executePlan(
  plan: BuildPlan,
  previous: PreviousVectors | undefined,
  embedder: Embedder,
  options: {
    onProgress?: (done: number, total: number) => void;
    /** Vectors of texts another part of the index holds (an overlay's, store/write/overlay): used instead of the model. */
    known?: ReadonlyMap<string, Float32Array>;
  } = {},
): Promise<Executed & { embedded: number }> {
  const dims = embedder.dims;
  const graph = graphFor(plan, previous, dims);
  // Only the new rows are held: at 2 M sentences the old ones were 3 GB read into memory to be written out again.
  const firstRow = previous && !plan.rebuildGraph ? previous.vectors.rows : 0;
  const vectors = new Float32Array((plan.labelCount - firstRow) * dims);
  const inserter = graphInserter(graph, vectors, firstRow, dims);
  for (const [label, from] of plan.copies) inserter.add(label, previous!.vectors.row(from));
  const toEmbed = plan.toEmbed.filter(({ text, labels }) => {
    const vector = options.known?.get(text);
    for (const label of vector ? labels : []) inserter.add(label, vector!);
    return !vector;
  });

  const texts = toEmbed.map((e) => e.text);
  const arrived = new Set<number>();
  const deliver = (i: number, vector: Float32Array) => {
    if (arrived.has(i)) return;
    arrived.add(i);
    for (const label of toEmbed[i]!.labels) inserter.add(label, vector);
  };
  const fresh = await embedder.embed(
    texts,
    (done) => options.onProgress?.(done, texts.length),
    (indices, chunk) => indices.forEach((i, k) => deliver(i, chunk[k]!)),
  );
  // An embedder that reports no chunks still delivers everything here.
  fresh.forEach((vector, i) => deliver(i, vector));
  await inserter.done();
  return { graph, vectors, firstRow, embedded: texts.length };
}
