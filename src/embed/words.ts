/**
 * A text's words with their contextual vectors: the model's token states
 * (last_hidden_state) with WordPiece continuations ("##…") joined to the
 * word they continue, each word's vector the mean of its pieces', scaled to
 * unit length. The special tokens and punctuation carry no word. What the
 * verdict's soft alignment reads (search/align.ts): whether each word of a
 * question has a counterpart in a passage, by meaning rather than spelling.
 */
export interface WordStates {
  /** Lower-cased words, in order. */
  words: string[];
  /** words.length × dims, row i the unit vector of words[i]. */
  vectors: Float32Array;
  dims: number;
}

const SPECIAL = /^\[(CLS|SEP|PAD|UNK|MASK)\]$/;
const WORDLIKE = /[\p{L}\p{N}]/u;

export function wordStates(pieces: readonly string[], hidden: ArrayLike<number>, dims: number): WordStates {
  const words: string[] = [];
  const sums: Float64Array[] = [];
  pieces.forEach((piece, t) => {
    if (SPECIAL.test(piece)) return;
    const continues = piece.startsWith('##') && words.length > 0;
    if (!continues && !WORDLIKE.test(piece)) return;
    if (!continues) {
      words.push('');
      sums.push(new Float64Array(dims));
    }
    words[words.length - 1] += continues ? piece.slice(2) : piece;
    const sum = sums[sums.length - 1]!;
    for (let d = 0; d < dims; d++) sum[d]! += hidden[t * dims + d]!;
  });
  const vectors = new Float32Array(words.length * dims);
  sums.forEach((sum, w) => {
    const norm = Math.hypot(...sum) || 1;
    for (let d = 0; d < dims; d++) vectors[w * dims + d] = sum[d]! / norm;
  });
  return { words: words.map((w) => w.toLowerCase()), vectors, dims };
}
