/**
 * Sentence-transformers pooling: the mean of the token vectors (every token
 * of a single unpadded input counts, [CLS] and [SEP] included), scaled to
 * unit length so cosine similarity is a dot product.
 */
export function meanPoolNormalized(hidden: ArrayLike<number>, tokens: number, dims: number): Float32Array {
  if (tokens <= 0 || hidden.length !== tokens * dims) {
    throw new RangeError(`expected ${tokens}×${dims} hidden values, got ${hidden.length}`);
  }
  const pooled = new Float32Array(dims);
  for (let t = 0; t < tokens; t++) {
    for (let d = 0; d < dims; d++) pooled[d]! += hidden[t * dims + d]!;
  }
  let norm = 0;
  for (let d = 0; d < dims; d++) norm += pooled[d]! ** 2;
  // The mean's 1/tokens factor cancels in the normalisation.
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let d = 0; d < dims; d++) pooled[d]! *= scale;
  return pooled;
}
