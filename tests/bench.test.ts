/** Exercises the benchmark code on a tiny corpus so it cannot rot; the figures themselves are not asserted. */
import { describe, expect, it } from 'vitest';
import { runBench } from '../scripts/bench.js';
import { perFourfold } from '../scripts/bench-scale.js';
import { benchEmbedder, perLabel } from '../scripts/lib/scale-build.js';
import { HNSW_DEFAULTS } from '../src/store/files/format.js';

describe('bench', () => {
  it('measures every reported key on two addresses', async () => {
    const results = await runBench({ addresses: 2, embedSample: 20, queries: 8, replies: 2 });
    for (const key of ['sentences', 'build_s', 'embed_per_s', 'incremental_s', 'query_p50_ms', 'query_p95_ms', 'cold_start_ms', 'hnsw_recall_at_10', 'hnsw_speedup_vs_exact', 'peak_rss_mb', 'embed_parallel_ratio', 'embed_steady_per_s', 'discord_reply_p50_ms']) {
      expect(results[key], key).toBeTypeOf('number');
    }
    expect(results.sentences).toBeGreaterThan(100);
    expect(results.cold_start_ms).toBeGreaterThan(0);
    expect(results.discord_reply_p50_ms).toBeGreaterThan(0);
    expect(results.hnsw_recall_at_10).toBeGreaterThan(0.9);
  }, 120_000);
});

describe('scale bench', () => {
  const dims = 384;
  const unit = (seed: number) => {
    const v = Float32Array.from({ length: dims }, (_, i) => Math.sin(seed * 7 + i));
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

  it('splits every text to embed per label, the first occurrence keeping the real vector', () => {
    const plan = { passages: [], labelCount: 5, rebuildGraph: true, hnsw: HNSW_DEFAULTS, deletions: [], deletedCount: 0, copies: [], toEmbed: [{ text: 'A.', labels: [0, 3] }, { text: 'B.', labels: [1] }] };
    expect(perLabel(plan).toEmbed).toEqual([
      { text: '0\u00000\u0000A.', labels: [0] },
      { text: '1\u00003\u0000A.', labels: [3] },
      { text: '0\u00001\u0000B.', labels: [1] },
    ]);
  });

  it('gives a copy of a sentence its real vector slightly perturbed: a unit vector, near the original, the same on every run', async () => {
    const notAsked = () => Promise.reject(new Error('not asked'));
    const real = { id: 'model-x', dims, embed: async () => [], embedWords: notAsked, read: notAsked, readerId: notAsked };
    const embedder = benchEmbedder(real, new Map([['A.', unit(1)], ['B.', unit(2)]]));
    const keys = ['0\u00000\u0000A.', '1\u00003\u0000A.', '1\u00004\u0000A.', '0\u00001\u0000B.'];
    const [first, copy, other, b] = await embedder.embed(keys);
    expect(embedder).toMatchObject({ id: 'model-x', dims });
    expect(first).toEqual(unit(1));
    expect(b).toEqual(unit(2));
    expect(dot(copy!, copy!)).toBeCloseTo(1, 5);
    expect(dot(copy!, first!)).toBeGreaterThan(0.95);
    expect(dot(copy!, first!)).toBeLessThan(0.99);
    expect(dot(copy!, other!)).toBeLessThan(0.99);
    expect((await embedder.embed([keys[1]!]))[0]).toEqual(copy);
    await expect(embedder.embed(['0\u00009\u0000Not an address sentence.'])).rejects.toThrow(/not a sentence of the addresses/);
  });

  it('says how a figure grows per 4× data', () => {
    expect(perFourfold(10, 40, 1000, 4000)).toBeCloseTo(4);
    expect(perFourfold(10, 20, 1000, 16000)).toBeCloseTo(Math.SQRT2);
  });
});
