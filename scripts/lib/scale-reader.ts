/**
 * The reading side of the scale bench (scripts/bench-scale.ts), run as a
 * fresh process so its figures are a reader's own, not those of the process
 * that built the index: warm latencies of the engine the CLI and the bot
 * use, then recall@10 of the HNSW search against an exact scan of every
 * vector. Prints one JSON line.
 *   tsx scripts/lib/scale-reader.ts <corpusDir> <indexDir> <queries> <probes>
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/env.js';
import { engineOver, openEmbedder } from '../../src/open.js';
import type { Timings } from '../../src/search/engine.js';
import { FILES } from '../../src/store/files/layout.js';
import { loadIndex, type LoadedIndex } from '../../src/store/read/load.js';
import { ARCHIVE_QUESTIONS } from './questions.js';
import { percentile } from '../../src/percentile.js';

const NEIGHBOURS = 10;
const EF_CURVE = [50, 100, 200, 400, 800];

/** Keeps the k smallest distances seen, with their labels, sorted. */
function nearestList(k: number) {
  const labels: number[] = [];
  const distances: number[] = [];
  return {
    labels,
    distances,
    offer(label: number, distance: number) {
      if (distances.length === k && distance >= distances[k - 1]!) return;
      let at = distances.length === k ? k - 1 : distances.length;
      while (at > 0 && distances[at - 1]! > distance) {
        distances[at] = distances[at - 1]!;
        labels[at] = labels[at - 1]!;
        at--;
      }
      distances[at] = distance;
      labels[at] = label;
    },
  };
}

/**
 * HNSW (as the engine searches it: at searchEf) against an exact scan
 * of vectors.f32 in slices, every probe at once, live labels only (an
 * overlay's masked ones are dead: the base graph's recall is measured). A sentence
 * probe's own point is left out. A neighbour counts when it is as close as the
 * 10th true one: of two equidistant points (a repeated sentence), either is right.
 */
async function recallAt10(
  index: LoadedIndex,
  probes: { vector: Float32Array; self: number }[],
): Promise<{ ef: number; recall: number; knnMs: number; byEf: Record<number, { recall: number; knnMs: number }> }> {
  const dims = index.manifest.model.dims;
  const exact = probes.map(() => nearestList(NEIGHBOURS + 1));
  const masked = new Set(index.overlay?.maskedLabels);
  const handle = await open(join(index.dir, FILES.vectors), 'r');
  const slice = new Float32Array(16384 * dims);
  const bytes = new Uint8Array(slice.buffer);
  try {
    for (let first = 0; first < index.manifest.labelCount; first += 16384) {
      const rows = Math.min(16384, index.manifest.labelCount - first);
      await handle.read(bytes, 0, rows * dims * 4, first * dims * 4);
      for (let r = 0; r < rows; r++) {
        const label = first + r;
        if (index.passages.position(label) === undefined || masked.has(label)) continue;
        const row = slice.subarray(r * dims, (r + 1) * dims);
        probes.forEach(({ vector }, p) => {
          let dot = 0;
          for (let i = 0; i < dims; i++) dot += vector[i]! * row[i]!;
          exact[p]!.offer(label, 1 - dot);
        });
      }
    }
  } finally {
    await handle.close();
  }
  const truths = probes.map(({ self }, p) =>
    exact[p]!.labels.map((label, i) => ({ label, distance: exact[p]!.distances[i]! })).filter((n) => n.label !== self).slice(0, NEIGHBOURS),
  );
  /** Recall@10 over the question probes, the sentence probes and both, and the median search time, at the graph's current ef. */
  const measure = () => {
    const hits = { question: 0, sentence: 0 };
    const expected = { question: 0, sentence: 0 };
    const times: number[] = [];
    probes.forEach(({ vector, self }, p) => {
      const kind = self < 0 ? 'question' : 'sentence';
      const truth = truths[p]!;
      const started = performance.now();
      const found = index.graph.searchKnn(Array.from(vector), NEIGHBOURS + 1);
      times.push(performance.now() - started);
      const approx = found.neighbors.map((label, i) => ({ label, distance: found.distances[i]! })).filter((n) => n.label !== self).slice(0, NEIGHBOURS);
      const bound = truth.at(-1)!.distance + 1e-6;
      hits[kind] += approx.filter((n) => n.distance <= bound).length;
      expected[kind] += truth.length;
    });
    const recall = (hits.question + hits.sentence) / (expected.question + expected.sentence);
    return { recall, questions: hits.question / expected.question, sentences: hits.sentence / expected.sentence, knnMs: percentile(times, 50) };
  };
  const engineEf = index.graph.getEf();
  const atEngineEf = measure();
  // How recall and search time trade at other ef values, to fit how ef should grow with the graph (store/files/format.ts).
  const byEf: Record<number, { recall: number; knnMs: number }> = {};
  for (const ef of EF_CURVE) {
    index.graph.setEf(ef);
    byEf[ef] = measure();
  }
  index.graph.setEf(engineEf);
  return { ef: engineEf, ...atEngineEf, byEf };
}

async function main(corpusDir: string, indexDir: string, queries: number, probeCount: number): Promise<void> {
  const config = loadConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir });
  const embedder = await openEmbedder(config);
  const index = await loadIndex(indexDir, embedder);
  const engine = engineOver(config, index, embedder);
  const WARM_UP = 5;
  const latencies: number[] = [];
  // A question's first ask pays for what no earlier question touched (its terms' bounds, its documents' text, code
  // paths not yet compiled); its repeats show the steady state. Both are in the p95; they are also reported apart.
  const firstAsks: number[] = [];
  const repeats: number[] = [];
  /** The candidates alone (the question's vector, the graph, BM25, signals and fusion), without the models that read them. */
  const retrieval: number[] = [];
  const stages: Record<keyof Timings, number[]> = { embedMs: [], vectorMs: [], lexicalMs: [], alignMs: [], readMs: [], fuseMs: [], verifyMs: [] };
  for (let i = 0; i < queries + WARM_UP; i++) {
    const started = performance.now();
    const { timings } = await engine.explain(ARCHIVE_QUESTIONS[i % ARCHIVE_QUESTIONS.length]!);
    if (i < WARM_UP) continue;
    const elapsed = performance.now() - started;
    latencies.push(elapsed);
    (i < ARCHIVE_QUESTIONS.length ? firstAsks : repeats).push(elapsed);
    for (const [stage, ms] of Object.entries(timings)) stages[stage as keyof Timings].push(ms);
    retrieval.push(timings.embedMs + timings.vectorMs + timings.lexicalMs + timings.fuseMs);
  }
  // The questions, then indexed sentences spread over the archive.
  const asked = await embedder.embed(ARCHIVE_QUESTIONS.slice(0, probeCount));
  const sentences = Math.max(0, probeCount - asked.length);
  const spread = Array.from({ length: sentences }, (_, k) => index.passages.label(Math.floor(((k + 0.5) * index.passages.length) / sentences)));
  const probes = [...asked.map((vector) => ({ vector, self: -1 })), ...spread.map((label) => ({ vector: index.vectors.row(label), self: label }))];
  const { ef, recall, knnMs, byEf } = await recallAt10(index, probes);
  // Where the time goes: each stage's p50 and p95 (the query's own p95 is not their sum).
  const stageMs = Object.fromEntries(Object.entries(stages).map(([stage, ms]) => [stage, [percentile(ms, 50), percentile(ms, 95)]]));
  const summary = {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    retrievalP95: percentile(retrieval, 95),
    p95FirstAsk: percentile(firstAsks, 95),
    p95Repeat: percentile(repeats, 95),
    recall,
    ef,
    knnMs,
    byEf,
    stageMs,
    probes: probes.length,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [corpusDir, indexDir, queries, probes] = process.argv.slice(2);
  await main(corpusDir!, indexDir!, Number(queries), Number(probes));
}
