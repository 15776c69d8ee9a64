/**
 * One model instance: the transformers.js tokenizer and an onnxruntime
 * session over a prepared model folder, encoding one text at a time.
 *
 * The session is created from the model's file path, not from a buffer:
 * onnxruntime-node silently ignores every session option (thread counts
 * included) for a buffer, which is how transformers.js's own pipeline loads
 * it. Thread options are what let two single-threaded workers share two
 * cores without oversubscribing them.
 *
 * One text at a time on purpose: the int8 model quantizes activations with
 * one scale per input tensor, so in a batch a sentence's vector would shift
 * with its batch-mates. Alone, a text always gets the same vector, which is
 * what lets the index cache vectors by text and lets queries match the
 * corpus exactly as it was embedded.
 */
import { join } from 'node:path';
import { fail, oneLine } from '../errors.js';
import { meanPoolNormalized } from './pooling.js';
import { wordStates, type WordStates } from './words.js';

export type Precision = 'int8' | 'fp32';

export interface EncoderOptions {
  modelsDir: string;
  model: string;
  precision: Precision;
  /** onnxruntime intra-op threads for this instance. */
  threads: number;
}

export interface Encoder {
  readonly dims: number;
  encode(text: string): Promise<Float32Array>;
  /** The same run as encode, also keeping each word's contextual vector (words.ts). */
  encodeWords(text: string): Promise<{ vector: Float32Array; words: WordStates }>;
}

interface Encoded {
  input_ids: { data: BigInt64Array; dims: number[] };
  attention_mask: { data: BigInt64Array };
  token_type_ids?: { data: BigInt64Array };
}
type Tokenizer = ((text: string, options: { truncation: boolean }) => Encoded) & {
  model: { convert_ids_to_tokens(ids: number[]): string[] };
};

export function modelFile(options: Pick<EncoderOptions, 'modelsDir' | 'model' | 'precision'>): string {
  return join(options.modelsDir, options.model, 'onnx', options.precision === 'int8' ? 'model_quantized.onnx' : 'model.onnx');
}

/** transformers.js (for its tokenizers) set to read prepared models from `modelsDir` only, and onnxruntime-node: what every session needs. */
export async function modelRuntime(modelsDir: string) {
  const [{ AutoTokenizer, env }, ortModule] = await Promise.all([import('@xenova/transformers'), import('onnxruntime-node')]);
  // CommonJS: Node puts its exports on `default`; some loaders (tsx in a worker) hand them over as named exports instead.
  const ort = (ortModule as unknown as { default?: typeof ortModule }).default ?? ortModule;
  env.localModelPath = modelsDir;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  return { AutoTokenizer, ort };
}

export async function loadEncoder(options: EncoderOptions): Promise<Encoder> {
  const { AutoTokenizer, ort } = await modelRuntime(options.modelsDir);
  let tokenizer: Tokenizer;
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    tokenizer = (await AutoTokenizer.from_pretrained(options.model)) as unknown as Tokenizer;
    session = await ort.InferenceSession.create(modelFile(options), {
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (error) {
    throw fail('MODEL_LOAD_FAILED', options.model, oneLine(error));
  }
  const wantsTypeIds = session.inputNames.includes('token_type_ids');
  const output = session.outputNames[0]!;

  const run = async (text: string) => {
    const encoded = tokenizer(text, { truncation: true });
    const shape = encoded.input_ids.dims;
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      input_ids: new ort.Tensor('int64', encoded.input_ids.data, shape),
      attention_mask: new ort.Tensor('int64', encoded.attention_mask.data, shape),
    };
    if (wantsTypeIds) {
      feeds.token_type_ids = new ort.Tensor('int64', encoded.token_type_ids?.data ?? new BigInt64Array(encoded.input_ids.data.length), shape);
    }
    const result = (await session.run(feeds))[output]!;
    // onnxruntime-node runs synchronously and settles at once, so a question's several runs (its own, the passages it is
    // aligned with) would follow one another in microtasks without the event loop ever turning: yield after each.
    await new Promise((resolve) => setImmediate(resolve));
    const [, tokens, dims] = result.dims as [number, number, number];
    const hidden = result.data as Float32Array;
    return { hidden, tokens, dims, ids: encoded.input_ids.data };
  };
  const encode = async (text: string): Promise<Float32Array> => {
    const { hidden, tokens, dims } = await run(text);
    return meanPoolNormalized(hidden, tokens, dims);
  };
  const encodeWords = async (text: string) => {
    const { hidden, tokens, dims, ids } = await run(text);
    const pieces = tokenizer.model.convert_ids_to_tokens(Array.from(ids, Number));
    return { vector: meanPoolNormalized(hidden, tokens, dims), words: wordStates(pieces, hidden, dims) };
  };
  const dims = (await encode('dimension probe')).length;
  return { dims, encode, encodeWords };
}
