/** The packaged MiniLM's WordPiece tokenizer over a question–passage pair, as the reader reads it (src/embed/reader.ts). */
import { DEFAULT_MODEL, loadConfig } from '../../src/config/env.js';
import { modelRuntime } from '../../src/embed/encoder.js';
import { READER_MAX_TOKENS } from '../../src/embed/reader.js';

/** Questions and news sentences fit in 128 word pieces; longer sentences are cut from their end. The reader reads the same. */
export const MAX_TOKENS = READER_MAX_TOKENS;

interface Encoded {
  input_ids: { data: BigInt64Array };
  token_type_ids: { data: BigInt64Array };
}
type PairTokenizer = (text: string, options: { text_pair: string; truncation: boolean; max_length: number }) => Encoded;

export async function pairTokenizer(): Promise<(question: string, sentence: string) => { ids: number[]; types: number[] }> {
  const config = loadConfig(process.env);
  const { AutoTokenizer } = await modelRuntime(config.modelsDir);
  const tokenizer = (await AutoTokenizer.from_pretrained(DEFAULT_MODEL)) as unknown as PairTokenizer;
  return (question, sentence) => {
    const e = tokenizer(question, { text_pair: sentence, truncation: true, max_length: MAX_TOKENS });
    return { ids: Array.from(e.input_ids.data, Number), types: Array.from(e.token_type_ids.data, Number) };
  };
}
