/**
 * Logistic regression on standardised features (L2), each example counted `weight` times (default 1),
 * returned on the raw scale: the verdict's models (fit.ts) and the studies beside them fit with it.
 */
export function fitLogistic<N extends string>(examples: readonly { x: number[]; y: boolean; weight?: number }[], names: readonly N[]): { weights: Partial<Record<N, number>>; bias: number } {
  const k = names.length;
  const total = examples.reduce((s, e) => s + (e.weight ?? 1), 0);
  const mean = names.map((_, j) => examples.reduce((s, e) => s + e.x[j]!, 0) / examples.length);
  const sd = names.map((_, j) => Math.sqrt(examples.reduce((s, e) => s + (e.x[j]! - mean[j]!) ** 2, 0) / examples.length) || 1);
  const z = examples.map((e) => e.x.map((v, j) => (v - mean[j]!) / sd[j]!));
  const w = new Array<number>(k).fill(0);
  let b = 0;
  const rate = 0.1;
  const l2 = 0.01;
  for (let epoch = 0; epoch < 4000; epoch++) {
    const gw = new Array<number>(k).fill(0);
    let gb = 0;
    examples.forEach((e, i) => {
      const p = 1 / (1 + Math.exp(-(b + z[i]!.reduce((s, v, j) => s + v * w[j]!, 0))));
      const err = (p - (e.y ? 1 : 0)) * (e.weight ?? 1);
      gb += err;
      z[i]!.forEach((v, j) => (gw[j]! += err * v));
    });
    for (let j = 0; j < k; j++) {
      w[j]! -= rate * (gw[j]! / total + l2 * w[j]!);
    }
    b -= (rate * gb) / total;
  }
  const weights: Partial<Record<N, number>> = {};
  names.forEach((name, j) => (weights[name] = Number((w[j]! / sd[j]!).toFixed(4))));
  const bias = b - names.reduce((s, _, j) => s + (w[j]! * mean[j]!) / sd[j]!, 0);
  return { weights, bias: Number(bias.toFixed(4)) };
}
