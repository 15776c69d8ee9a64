/**
 * A deterministic stand-in for the model in store tests: a text's vector is
 * the sum of its words' hash vectors (so texts sharing words are close, as
 * with a real model), and a log of every text it was asked to embed. Its
 * words' vectors are hashes of the words alone, so a word aligns with the
 * same word and with nothing else.
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

/** The text's words' hash vectors summed and normalised; a text without words gets its own hash. */
function textVector(text: string, dims: number): Float32Array {
  const words = wordsOf(text);
  if (words.length === 0) return hashVector(text, dims);
  const sum = new Float32Array(dims);
  for (const word of words) hashVector(word, dims).forEach((x, i) => (sum[i]! += x));
  const norm = Math.hypot(...sum) || 1;
  return sum.map((x) => x / norm);
}

export function fakeEmbedder(id = 'fake-model', dims = 64): FakeEmbedder {
  const calls: string[] = [];
  const wordCalls: string[] = [];
  return {
    id,
    dims,
    calls,
    wordCalls,
    async embed(texts, _onProgress, onVectors) {
      calls.push(...texts);
      const vectors = texts.map((text) => textVector(text, dims));
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
      const words = wordsOf(text);
      const vectors = new Float32Array(words.length * dims);
      words.forEach((word, i) => vectors.set(hashVector(word, dims), i * dims));
      return { vector: textVector(text, dims), words: { words, vectors, dims } };
    },
    // The reader as a word count on the real reader's scale (logits around -4…4): a passage with more than three of the question's words reads as answering.
    async read(question, passages) {
      const asked = new Set(wordsOf(question));
      return Float32Array.from(passages, (passage) => new Set(wordsOf(passage).filter((w) => asked.has(w))).size - 3);
    },
    readerId: async () => 'fake-reader',
  };
}

const wordsOf = (text: string) => (text.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.toLowerCase());
