/**
 * The reader (src/embed/reader.ts): the committed weights built into an ONNX
 * graph give the trained model's scores, a pair's score does not depend on
 * its batch-mates, and a missing or damaged reader file is one clear line.
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { loadReader, READER_WEIGHTS, type Reader } from '../src/embed/reader.js';
import { QuotebotError } from '../src/errors.js';
import { scratch } from './support/temp.js';

/** Largest difference allowed between the ONNX graph's logit and PyTorch's for the same pair (the same fp16 weights, fp32 maths on both; measured: 0.0007 at most). */
const TOLERANCE = 0.005;

interface ParityQuestion {
  question: string;
  candidates: { input: string; score: number; label: number }[];
}

let reader: Reader;
let parity: ParityQuestion[];

beforeAll(async () => {
  const config = loadConfig({});
  reader = await loadReader({ modelsDir: config.modelsDir, threads: 2 });
  parity = (await readFile('tests/fixtures/reader-parity.jsonl', 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as ParityQuestion);
});

describe('the reader', () => {
  it('gives the trained model\'s scores on its validation pairs, in the same order', async () => {
    let pairs = 0;
    for (const { question, candidates } of parity) {
      const scores = await reader.score(question, candidates.map((c) => c.input));
      candidates.forEach((c, i) => expect(Math.abs(scores[i]! - c.score), `${question} | ${c.input.slice(0, 60)}`).toBeLessThan(TOLERANCE));
      const order = (values: ArrayLike<number>) => Array.from(values, (v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
      // Ties within the tolerance may swap; clear ones may not.
      const torch = order(candidates.map((c) => c.score));
      const onnx = order(scores);
      torch.forEach((t, rank) => {
        if (onnx[rank] !== t) expect(Math.abs(candidates[t]!.score - candidates[onnx[rank]!]!.score)).toBeLessThan(2 * TOLERANCE);
      });
      pairs += candidates.length;
    }
    expect(pairs).toBeGreaterThanOrEqual(30);
  });

  it('scores a pair the same alone and among others (fp32: no activation scale shared by the batch)', async () => {
    const { question, candidates } = parity[0]!;
    const together = await reader.score(question, candidates.map((c) => c.input));
    for (const [i, c] of candidates.entries()) {
      const [alone] = await reader.score(question, [c.input]);
      expect(Math.abs(alone! - together[i]!)).toBeLessThan(1e-4);
    }
    expect(await reader.score(question, [])).toEqual(new Float32Array(0));
  });

  it('reports a missing or damaged reader file in one line, and builds again a graph that does not load', async () => {
    const { dir } = await scratch(false);
    const missing = loadReader({ modelsDir: join(dir, 'models'), threads: 1, weights: join(dir, 'gone.safetensors') });
    await expect(missing).rejects.toThrow(QuotebotError);
    await expect(missing).rejects.toThrow(/^The reader model ".*gone\.safetensors" is unreadable \(.*\): restore it with "git checkout -- src\/embed\/reader\.safetensors"/);
    const damaged = join(dir, 'damaged.safetensors');
    await writeFile(damaged, Buffer.from('not a safetensors file at all'));
    await expect(loadReader({ modelsDir: join(dir, 'models'), threads: 1, weights: damaged })).rejects.toThrow(/^The reader model .* is unreadable/);
    // A built graph cut short is rebuilt from the committed weights, not reported.
    const modelsDir = join(dir, 'models-2');
    const weights = join(dir, 'reader.safetensors');
    await copyFile(READER_WEIGHTS, weights);
    await loadReader({ modelsDir, threads: 1, weights });
    await writeFile(join(modelsDir, 'reader', 'model.onnx'), Buffer.alloc(100));
    const rebuilt = await loadReader({ modelsDir, threads: 1, weights });
    expect((await rebuilt.score('Who led the Normans?', ['Normans — Their leader was Rollo.'])).length).toBe(1);
  });
});
