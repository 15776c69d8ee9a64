/**
 * The model edge: loads a transformers.js feature-extraction pipeline
 * (mean pooling, L2-normalised) and embeds texts one at a time.
 *
 * Batch size 1 on purpose: int8 dynamic quantization takes its scale from
 * the whole batch tensor, so a sentence's vector would shift with its
 * batch-mates. One at a time, a sentence always gets the same vector, which
 * is what lets the index cache embeddings by content hash and lets queries
 * (always alone) match the corpus exactly as it was embedded.
 */
import { DEFAULT_MODEL } from '../config/env.js';
import { fail, oneLine } from '../errors.js';
import { prepareModel } from './prepare-model.js';

export interface Embedder {
  /** Model id plus weights hash and precision: two indexes are compatible iff these match. */
  readonly id: string;
  readonly dims: number;
  embed(texts: readonly string[], onProgress?: (done: number) => void): Promise<Float32Array[]>;
}

export interface EmbedderOptions {
  model: string;
  modelsDir: string;
  precision: 'int8' | 'fp32';
  allowRemoteModels: boolean;
}

type FeatureExtractor = (text: string, options: { pooling: 'mean'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

export async function createEmbedder(options: EmbedderOptions): Promise<Embedder> {
  const transformers = await import('@xenova/transformers');
  const { env, pipeline } = transformers;
  let hash = 'hub';
  if (options.model === DEFAULT_MODEL) {
    hash = (await prepareModel(options.modelsDir, options.model)).hash;
    env.localModelPath = options.modelsDir;
    env.allowLocalModels = true;
  }
  env.allowRemoteModels = options.allowRemoteModels;
  let extract: FeatureExtractor;
  try {
    extract = (await pipeline('feature-extraction', options.model, {
      quantized: options.precision === 'int8',
    })) as unknown as FeatureExtractor;
  } catch (error) {
    throw fail('MODEL_LOAD_FAILED', options.model, oneLine(error));
  }
  const probe = await extract('dimension probe', { pooling: 'mean', normalize: true });
  const dims = probe.dims.at(-1) ?? probe.data.length;
  return {
    id: `${options.model}@${hash.slice(0, 16)}/${options.precision}`,
    dims,
    async embed(texts, onProgress) {
      const vectors: Float32Array[] = [];
      for (const text of texts) {
        const output = await extract(text, { pooling: 'mean', normalize: true });
        vectors.push(Float32Array.from(output.data));
        onProgress?.(vectors.length);
      }
      return vectors;
    },
  };
}
