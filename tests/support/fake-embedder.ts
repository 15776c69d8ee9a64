/**
 * A deterministic stand-in for the model in store tests: vectors derived
 * from a hash of the text, and a log of every text it was asked to embed.
 */
import { createHash } from 'node:crypto';
import type { Embedder } from '../../src/embed/embedder.js';

export interface FakeEmbedder extends Embedder {
  calls: string[];
}

export function fakeEmbedder(id = 'fake-model', dims = 16): FakeEmbedder {
  const calls: string[] = [];
  return {
    id,
    dims,
    calls,
    async embed(texts, _onProgress, onVectors) {
      calls.push(...texts);
      const vectors = texts.map((text) => {
        const bytes = createHash('sha256').update(text).digest();
        const v = Float32Array.from({ length: dims }, (_, i) => bytes[i % bytes.length]! - 127.5);
        const norm = Math.hypot(...v);
        return v.map((x) => x / norm);
      });
      // Like the worker pool: batches handed over early, out of input order.
      for (let end = texts.length; end > 0; end -= 5) {
        const indices = Array.from({ length: Math.min(5, end) }, (_, k) => end - 1 - k);
        onVectors?.(indices, indices.map((i) => vectors[i]!));
        await new Promise((resolve) => setImmediate(resolve));
      }
      return vectors;
    },
  };
}
