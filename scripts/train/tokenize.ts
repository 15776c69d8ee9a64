/** The embedding model's own WordPiece tokenizer over a question–sentence pair, as the cross-encoder reads it. */
import { loadConfig } from '../../src/config/env.js';

/** Questions and news sentences fit in 128 word pieces; longer sentences are cut from their end. */
export const MAX_TOKENS = 128;

interface Encoded {
  input_ids: { data: BigInt64Array };
  token_type_ids: { data: BigInt64Array };
}
type PairTokenizer = (text: string, options: { text_pair: string; truncation: boolean; max_length: number }) => Encoded;

export async function pairTokenizer(): Promise<(question: string, sentence: string) => { ids: number[]; types: number[] }> {
  const config = loadConfig(process.env);
  const { AutoTokenizer, env } = await import('@xenova/transformers');
  env.localModelPath = config.modelsDir;
  env.allowRemoteModels = false;
  const tokenizer = (await AutoTokenizer.from_pretrained(config.embedModel)) as unknown as PairTokenizer;
  return (question, sentence) => {
    const e = tokenizer(question, { text_pair: sentence, truncation: true, max_length: MAX_TOKENS });
    return { ids: Array.from(e.input_ids.data, Number), types: Array.from(e.token_type_ids.data, Number) };
  };
}
