/**
 * The reader: a cross-encoder that reads a question against a candidate
 * quote ([CLS] question [SEP] title — quote [SEP], search/reader-text.ts)
 * and gives one logit: does this quote answer this question? MiniLM-L6,
 * its lower layers the embedding model's own, its top layers and head
 * trained on human-written SQuAD 2.0 questions (scripts/train, docs/reader.md).
 *
 * Only the trained tensors are committed (reader.safetensors, fp16, with
 * their provenance beside them); the graph is built once from them and the
 * embedding package's weights into MODELS_DIR/reader, like the embedding
 * model itself. It runs in fp32: an int8 graph quantizes activations with one
 * scale per batch, which would make a pair's score depend on its batch-mates.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MODEL, PROJECT_ROOT } from '../config/env.js';
import { fail, oneLine } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { readCachedJson } from '../fs/json.js';
import { buildBertOnnx, type BertConfig } from './bert-onnx.js';
import { cachedFileHash } from './file-hash.js';
import { MODEL_PACKAGE, prepareModel } from './prepare-model.js';
import { modelRuntime } from './encoder.js';
import { readSafetensors } from './safetensors.js';

/** The trained tensors, committed. */
export const READER_WEIGHTS = join(PROJECT_ROOT, 'src', 'embed', 'reader.safetensors');
/** Question and quote together are cut to this many word pieces, as in training (scripts/train/tokenize.ts). */
export const READER_MAX_TOKENS = 128;
/** Bump when the graph changes, so prepared readers are rebuilt. */
const CONVERTER_VERSION = 1;

export interface Reader {
  /** The trained weights' hash: which reader scored an answer. */
  readonly id: string;
  /** One logit per passage, in order; a pair's logit does not depend on the other pairs. */
  score(question: string, passages: readonly string[]): Promise<Float32Array>;
}

export interface ReaderOptions {
  modelsDir: string;
  /** onnxruntime intra-op threads. */
  threads: number;
  /** The trained tensors (default READER_WEIGHTS). */
  weights?: string;
}

interface Encoded {
  input_ids: { data: BigInt64Array };
  token_type_ids: { data: BigInt64Array };
}
/** One pair at a time: given max_length, the tokenizer would pad every pair of a batch to it, not to the longest. */
type PairTokenizer = (text: string, options: { text_pair: string; truncation: boolean; max_length: number }) => Encoded;

/** Pairs padded to the longest of them: ids, token types and the attention mask, [pairs, longest]. */
function padded(pairs: readonly Encoded[]): { ids: BigInt64Array; types: BigInt64Array; mask: BigInt64Array; shape: [number, number] } {
  const longest = Math.max(...pairs.map((p) => p.input_ids.data.length));
  const size = pairs.length * longest;
  const ids = new BigInt64Array(size);
  const types = new BigInt64Array(size);
  const mask = new BigInt64Array(size);
  pairs.forEach((p, i) => {
    ids.set(p.input_ids.data, i * longest);
    types.set(p.token_type_ids.data, i * longest);
    mask.fill(1n, i * longest, i * longest + p.input_ids.data.length);
  });
  return { ids, types, mask, shape: [pairs.length, longest] };
}

interface PackageManifest {
  weightsPath: string;
  configPath: string;
}

/**
 * Builds MODELS_DIR/reader/model.onnx when its sources changed (or `rebuild`: the built graph did not load);
 * returns its path and the hash that names this reader.
 */
export async function prepareReader(options: ReaderOptions, rebuild = false): Promise<{ file: string; hash: string }> {
  const weightsFile = options.weights ?? READER_WEIGHTS;
  const dir = join(options.modelsDir, 'reader');
  const file = join(dir, 'model.onnx');
  const unreadable = (why: unknown) => fail('READER_UNREADABLE', weightsFile, oneLine(why));
  const trainedHash = await cachedFileHash(weightsFile, join(dir, 'weights.sha256.json'), 'reader').catch((error: unknown) => {
    throw unreadable(error);
  });
  const { default: manifest } = (await import(MODEL_PACKAGE).catch(() => {
    throw fail('MODEL_SOURCE_MISSING', MODEL_PACKAGE);
  })) as { default: PackageManifest };
  const baseHash = await cachedFileHash(manifest.weightsPath, join(dir, 'base.sha256.json'), DEFAULT_MODEL);
  const hash = `${trainedHash.slice(0, 16)}.${baseHash.slice(0, 16)}.v${CONVERTER_VERSION}`;
  const recordPath = join(dir, 'prepared.json');
  if (!rebuild && (await readCachedJson<{ hash: string }>(recordPath)).hash === hash) return { file, hash };
  let trained;
  try {
    trained = readSafetensors(await readFile(weightsFile));
  } catch (error) {
    throw unreadable(error);
  }
  if (!trained.has('classifier.weight')) throw unreadable(new Error('it holds no classifier head'));
  const weights = readSafetensors(await readFile(manifest.weightsPath));
  for (const [name, tensor] of trained) weights.set(name, tensor);
  const config = JSON.parse(await readFile(manifest.configPath, 'utf8')) as BertConfig;
  await writeFileAtomic(file, buildBertOnnx(weights, config, 'fp32', 'classifier'));
  // Written last: its presence vouches for the graph.
  await writeFileAtomic(recordPath, JSON.stringify({ hash }, null, 2));
  return { file, hash };
}

export async function loadReader(options: ReaderOptions): Promise<Reader> {
  const { AutoTokenizer, ort } = await modelRuntime(options.modelsDir);
  // Its lower layers are the packaged MiniLM's, so its words are cut by that model's tokenizer, whatever model embeds.
  await prepareModel(options.modelsDir, DEFAULT_MODEL);
  const tokenizer = (await AutoTokenizer.from_pretrained(DEFAULT_MODEL).catch((error: unknown) => {
    throw fail('MODEL_LOAD_FAILED', DEFAULT_MODEL, oneLine(error));
  })) as unknown as PairTokenizer;
  const open = (file: string) =>
    ort.InferenceSession.create(file, { intraOpNumThreads: options.threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  let { file, hash } = await prepareReader(options);
  // A built graph that does not load (a disk fault, a copy cut short) is built again once from the committed weights.
  const session = await open(file).catch(async () => {
    ({ file, hash } = await prepareReader(options, true));
    return open(file).catch((error: unknown) => {
      throw fail('READER_UNREADABLE', file, oneLine(error));
    });
  });
  return {
    id: hash,
    async score(question, passages) {
      if (passages.length === 0) return new Float32Array(0);
      const { ids, types, mask, shape } = padded(passages.map((passage) => tokenizer(question, { text_pair: passage, truncation: true, max_length: READER_MAX_TOKENS })));
      const result = await session.run({
        input_ids: new ort.Tensor('int64', ids, shape),
        attention_mask: new ort.Tensor('int64', mask, shape),
        token_type_ids: new ort.Tensor('int64', types, shape),
      });
      return Float32Array.from(result.logit!.data as Float32Array);
    },
  };
}
