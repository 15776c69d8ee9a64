/**
 * The model edge every stage uses: texts in, unit vectors out; and a
 * question against candidate quotes in, the reader's logits out
 * (reader.ts). Queries and small updates run on one in-process encoder; a
 * large batch (a first build, a new archive) is spread over worker threads.
 * Both run the same model with one thread per session, so a text gets the
 * same vector either way. The reader runs on a thread of its own, loaded on
 * first use: an index build never needs it.
 */
import { availableParallelism } from 'node:os';
import { DEFAULT_MODEL } from '../config/env.js';
import { loadEncoder, modelFile, type Precision } from './encoder.js';
import { cachedFileHash } from './file-hash.js';
import { prepareModel } from './prepare-model.js';
import type { WordStates } from './words.js';
import { embedInWorkers, type OnVectors } from './worker-pool.js';
import type { Reader } from './reader.js';
import { startReaderThread } from './reader-thread.js';
import { inTurn } from './session-turns.js';

export interface Embedder {
  /** Model id plus weights hash and precision: two indexes are compatible iff these match. */
  readonly id: string;
  readonly dims: number;
  /**
   * Vectors in input order. onVectors, when given, also hands over each batch as it is ready
   * (input indices and their vectors, in any order), so a caller can use them before the rest exist.
   */
  embed(texts: readonly string[], onProgress?: (done: number) => void, onVectors?: OnVectors): Promise<Float32Array[]>;
  /** One text's vector (as embed gives it) and its words' contextual vectors, from the same run of the model. */
  embedWords(text: string): Promise<{ vector: Float32Array; words: WordStates }>;
  /** The reader's logit for the question against each passage, in order (reader.ts). */
  read(question: string, passages: readonly string[]): Promise<Float32Array>;
  /** Loads the reader if it is not yet loaded (a front end does so while the index loads) and names it. */
  readerId(): Promise<string>;
}

export interface EmbedderOptions {
  model: string;
  modelsDir: string;
  precision: Precision;
  /** Worker threads for large batches; 1 keeps everything in-process. */
  workers?: number;
}

/** The reader's onnxruntime threads: a pool of a few pairs runs about 1.6× faster on two than on one (docs/reader.md). */
const READER_THREADS = Math.min(2, availableParallelism());

/** Below this many texts, starting workers (~0.3 s each) costs more than it saves. */
const WORKER_THRESHOLD = 256;

export async function createEmbedder(options: EmbedderOptions): Promise<Embedder> {
  const hash =
    options.model === DEFAULT_MODEL
      ? (await prepareModel(options.modelsDir, options.model)).hash
      : await cachedFileHash(modelFile(options), `${modelFile(options)}.sha256.json`, options.model);
  const encoderOptions = { modelsDir: options.modelsDir, model: options.model, precision: options.precision, threads: 1 };
  const encoder = await inTurn(() => loadEncoder(encoderOptions));
  const workers = options.workers ?? availableParallelism();
  let reader: Promise<Reader> | undefined;
  // On its own thread: a pool's tens of milliseconds of onnxruntime never hold up the thread that answers Discord.
  const loadedReader = () => (reader ??= startReaderThread({ modelsDir: options.modelsDir, threads: READER_THREADS }));
  return {
    id: `${options.model}@${hash.slice(0, 16)}/${options.precision}`,
    dims: encoder.dims,
    async embed(texts, onProgress, onVectors) {
      if (workers > 1 && texts.length >= WORKER_THRESHOLD) return embedInWorkers(texts, { ...encoderOptions, workers }, onProgress, onVectors);
      const vectors: Float32Array[] = [];
      for (const text of texts) {
        const vector = await encoder.encode(text);
        vectors.push(vector);
        onVectors?.([vectors.length - 1], [vector]);
        onProgress?.(vectors.length);
      }
      return vectors;
    },
    embedWords: (text) => encoder.encodeWords(text),
    read: async (question, passages) => (await loadedReader()).score(question, passages),
    readerId: async () => (await loadedReader()).id,
  };
}
