/** Exercises the benchmark code on a tiny corpus so it cannot rot; the figures themselves are not asserted. */
import { describe, expect, it } from 'vitest';
import { runBench } from '../scripts/bench.js';

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
