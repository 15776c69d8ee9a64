/**
 * Questions grouped by meaning, for "what to add": near-duplicates and
 * paraphrases of one another ("coventry weather forecast", "is it going to
 * rain in coventry") in one group. Pure: unit vectors in (the embedding
 * model's), groups out, the biggest first.
 *
 * The vectors are centred first (centred), then a leader pass (each question joins the group whose centroid it is closest
 * to, if within the threshold, else starts one), then one pass that moves
 * each question to its closest final centroid: the first pass depends on the
 * order questions come in, the second undoes most of that. O(questions ×
 * groups), so a month of a busy server's questions groups in well under a
 * second.
 */

/**
 * The cosine to a group's centroid at or above which a question joins it. Fitted on
 * tests/gold/unanswered-groups.jsonl (30 questions in 6 groups) by `npx tsx scripts/fit-grouping.ts`,
 * which prints each candidate threshold's exact groups: see docs/insights.md.
 */
export const SAME_MEANING = 0.4;

export interface Groupable<T> {
  item: T;
  /** Unit length. */
  vector: Float32Array;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function centroid(vectors: readonly Float32Array[]): Float32Array {
  const sum = new Float32Array(vectors[0]!.length);
  for (const v of vectors) for (let i = 0; i < v.length; i++) sum[i]! += v[i]!;
  const norm = Math.hypot(...sum) || 1;
  return sum.map((x) => x / norm);
}

/** The closest of `centres` to `vector`, with its cosine; index -1 when there are none. */
function closest(vector: Float32Array, centres: readonly Float32Array[]): { index: number; cosine: number } {
  let best = { index: -1, cosine: Number.NEGATIVE_INFINITY };
  centres.forEach((c, index) => {
    const cosine = dot(vector, c);
    if (cosine > best.cosine) best = { index, cosine };
  });
  return best;
}

/**
 * The vectors less what they all share, renormalised. Questions asked of one set of articles share their
 * topic (the city, the council): left in, it makes every two questions look alike; taken out, what each
 * asks about decides.
 */
export function centred<T>(items: readonly Groupable<T>[]): Groupable<T>[] {
  if (items.length < 2) return [...items];
  const mean = new Float32Array(items[0]!.vector.length);
  for (const { vector } of items) for (let i = 0; i < vector.length; i++) mean[i]! += vector[i]! / items.length;
  return items.map(({ item, vector }) => {
    const v = vector.map((x, i) => x - mean[i]!);
    const norm = Math.hypot(...v) || 1;
    return { item, vector: v.map((x) => x / norm) };
  });
}

export function groupByMeaning<T>(questions: readonly Groupable<T>[], threshold = SAME_MEANING): T[][] {
  const items = centred(questions);
  const members: Groupable<T>[][] = [];
  const centres: Float32Array[] = [];
  for (const entry of items) {
    const { index, cosine } = closest(entry.vector, centres);
    if (index >= 0 && cosine >= threshold) {
      members[index]!.push(entry);
      centres[index] = centroid(members[index]!.map((m) => m.vector));
    } else {
      members.push([entry]);
      centres.push(entry.vector);
    }
  }
  // Each question to its closest final centroid: one that joined a group early may sit closer to a later one.
  const regrouped: Groupable<T>[][] = centres.map(() => []);
  const alone: Groupable<T>[][] = [];
  for (const entry of items) {
    const { index, cosine } = closest(entry.vector, centres);
    if (cosine >= threshold) regrouped[index]!.push(entry);
    else alone.push([entry]);
  }
  return [...regrouped.filter((g) => g.length > 0), ...alone].map((g) => g.map((m) => m.item)).sort((a, b) => b.length - a.length);
}
