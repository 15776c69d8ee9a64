/**
 * The building side of the scale bench (scripts/bench-scale.ts), run as a
 * child process: a 2 M-sentence build leaves ~13 GB of garbage in the process
 * that ran it, which no collection frees while the bench waits on its other
 * children, so the one-document update after it ran out of memory (24 GiB)
 * and the cold start was timed beside it. Builds the copied corpus through
 * the real plan → execute → write path and prints one JSON line.
 *   tsx scripts/lib/scale-build.ts <sourceDir> <corpusDir> <indexDir>
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/env.js';
import { readCorpus } from '../../src/corpus/read.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { openEmbedder } from '../../src/open.js';
import { segmentCorpus } from '../../src/segment/document.js';
import { buildIndex } from '../../src/store/write/build.js';
import type { BuildPlan } from '../../src/store/write/plan.js';
import { seeded } from './random.js';

/** Per-dimension noise of a copy's vector: cosine ≈ 0.97 with the original at 384 dimensions, as a near-duplicate sentence. */
const NOISE = 0.0125;

/** The real sentences of the addresses and their vectors, embedded once per model and cached. */
async function sotuVectors(sourceDir: string, cacheDir: string, embedder: Embedder): Promise<Map<string, Float32Array>> {
  const key = createHash('sha256').update(embedder.id).digest('hex').slice(0, 16);
  const textsFile = join(cacheDir, `sotu-${key}.texts.json`);
  const vectorsFile = join(cacheDir, `sotu-${key}.f32`);
  const cached = await Promise.all([readFile(textsFile, 'utf8'), readFile(vectorsFile)]).catch(() => undefined);
  let texts: string[];
  let vectors: Float32Array;
  if (cached) {
    texts = JSON.parse(cached[0]) as string[];
    vectors = new Float32Array(new Uint8Array(cached[1]).buffer);
  } else {
    const { documents } = await readCorpus(sourceDir);
    texts = [...new Set(segmentCorpus(documents.map((d) => d.text)).flatMap((s) => s.sentences.map((x) => x.text)))];
    vectors = new Float32Array(texts.length * embedder.dims);
    (await embedder.embed(texts)).forEach((v, i) => vectors.set(v, i * embedder.dims));
    // Written under temp names and renamed: an interrupted run leaves no half cache for the next to trust.
    await writeFile(`${vectorsFile}.tmp`, new Uint8Array(vectors.buffer));
    await writeFile(`${textsFile}.tmp`, JSON.stringify(texts));
    await rename(`${vectorsFile}.tmp`, vectorsFile);
    await rename(`${textsFile}.tmp`, textsFile);
  }
  if (vectors.length !== texts.length * embedder.dims) throw new Error(`${vectorsFile} does not match ${textsFile}: delete both`);
  return new Map(texts.map((t, i) => [t, vectors.subarray(i * embedder.dims, (i + 1) * embedder.dims)]));
}

/**
 * Splits each text of the plan per label, so every copy of a sentence gets a
 * vector of its own. A text's labels are in reading order and the files sort
 * by copy, so its first label is the first copy's: that one keeps the real vector.
 */
export function perLabel(plan: BuildPlan): BuildPlan {
  return {
    ...plan,
    toEmbed: plan.toEmbed.flatMap(({ text, labels }) => labels.map((label, k) => ({ text: `${k === 0 ? 0 : 1}\u0000${label}\u0000${text}`, labels: [label] }))),
  };
}

/**
 * The model's id and size, the cached real vectors for the sentences: the
 * first copy's exactly, later copies' perturbed (seeded by label, so a rerun
 * builds the same archive). Hands vectors over in slices, as the worker pool
 * does, so the graph is built while the rest are made.
 */
export function benchEmbedder(real: Embedder, vectors: Map<string, Float32Array>): Embedder {
  const dims = real.dims;
  const vectorOf = (key: string): Float32Array => {
    const [perturbed, label, text] = key.split('\u0000') as [string, string, string];
    const base = vectors.get(text);
    if (!base) throw new Error(`not a sentence of the addresses: ${text.slice(0, 60)}`);
    if (perturbed === '0') return base.slice();
    const random = seeded(Number(label));
    const v = base.map((x) => {
      // Box–Muller: Gaussian noise, the same in every direction.
      const u = 1 - random();
      return x + NOISE * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    });
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  return {
    id: real.id,
    dims,
    // Questions are the model's own: only the copies of sentences need made-up vectors.
    embedWords: (text) => real.embedWords(text),
    read: (question, passages) => real.read(question, passages),
    readerId: () => real.readerId(),
    async embed(texts, onProgress, onVectors) {
      const out: Float32Array[] = [];
      const SLICE = 4096;
      for (let first = 0; first < texts.length; first += SLICE) {
        const indices = Array.from({ length: Math.min(SLICE, texts.length - first) }, (_, k) => first + k);
        const made = indices.map((i) => vectorOf(texts[i]!));
        out.push(...made);
        onVectors?.(indices, made);
        onProgress?.(out.length);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return out;
    },
  };
}

async function main(sourceDir: string, corpusDir: string, indexDir: string): Promise<void> {
  const real = await openEmbedder(loadConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir }));
  const vectors = await sotuVectors(sourceDir, dirname(sourceDir), real);
  const started = performance.now();
  const report = await buildIndex({
    corpusDir,
    indexDir,
    embedder: benchEmbedder(real, vectors),
    force: true,
    replan: perLabel,
    onProgress: (done, total) => done % 65536 < 4096 && process.stderr.write(`vectors handed to the graph: ${done}/${total}\n`),
  });
  process.stdout.write(`${JSON.stringify({ sentences: report.sentences, seconds: (performance.now() - started) / 1000 })}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [sourceDir, corpusDir, indexDir] = process.argv.slice(2);
  await main(sourceDir!, corpusDir!, indexDir!);
}
