/**
 * A deterministic stand-in for the model in store tests: vectors derived
 * from a hash of the text, and a log of every text it was asked to embed.
 * Its words' vectors are hashes of the words alone, so a word aligns with
 * the same word and with nothing else.
 */
import { createHash } from 'node:crypto';
import type { Embedder } from '../../src/embed/embedder.js';

export interface FakeEmbedder extends Embedder {
  /** Texts embedded in batches (a build's). */
  calls: string[];
  /** Texts run one at a time for their words (a question, and the passages it is aligned with). */
  wordCalls: string[];
}

function hashVector(text: string, dims: number): Float32Array {
  const bytes = createHash('sha256').update(text).digest();
  const v = Float32Array.from({ length: dims }, (_, i) => bytes[i % bytes.length]! - 127.5);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

export function fakeEmbedder(id = 'fake-model', dims = 16): FakeEmbedder {
  const calls: string[] = [];
  const wordCalls: string[] = [];
  return {
    id,
    dims,
    calls,
    wordCalls,
    async embed(texts, _onProgress, onVectors) {
      calls.push(...texts);
      const vectors = texts.map((text) => hashVector(text, dims));
      // Like the worker pool: batches handed over early, out of input order.
      for (let end = texts.length; end > 0; end -= 5) {
        const indices = Array.from({ length: Math.min(5, end) }, (_, k) => end - 1 - k);
        onVectors?.(indices, indices.map((i) => vectors[i]!));
        await new Promise((resolve) => setImmediate(resolve));
      }
      return vectors;
    },
    async embedWords(text) {
      wordCalls.push(text);
      const words = (text.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.toLowerCase());
      const vectors = new Float32Array(words.length * dims);
      words.forEach((word, i) => vectors.set(hashVector(word, dims), i * dims));
      return { vector: hashVector(text, dims), words: { words, vectors, dims } };
    },
  };
}
