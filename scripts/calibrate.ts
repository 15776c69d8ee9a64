/**
 * Fits the abstention model (src/search/abstain-model.json) on labelled
 * gold files: logistic regression over the features in abstain.ts, then the
 * threshold that maximises balanced accuracy, ties broken towards refusing —
 * a wrong quote costs more than a missed one.
 *
 *   npm run calibrate -- tests/gold/own.jsonl tests/gold/visible.jsonl
 */
import 'dotenv/config';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/env.js';
import { writeFileAtomic } from '../src/fs/atomic.js';
import { openEmbedder, openEngine } from '../src/open.js';
import { answerProbability, FEATURE_NAMES, type AbstainFeatures, type AbstainModel } from '../src/search/abstain.js';
import type { Explained } from '../src/search/engine.js';
import { parseGold } from '../src/search/metrics.js';

interface Example {
  features: AbstainFeatures;
  answerable: boolean;
}

/** Every question of the gold files, explained by an engine over the configured corpus and index. */
export async function explainGold(files: readonly string[]): Promise<{ file: string; answerable: boolean; explained: Explained }[]> {
  const config = loadConfig();
  const engine = await openEngine(config, await openEmbedder(config), { onMessage: (l) => console.error(l) });
  const explained: { file: string; answerable: boolean; explained: Explained }[] = [];
  for (const file of files) {
    for (const gold of parseGold(file, await readFile(file, 'utf8'))) {
      explained.push({ file, answerable: !gold.unanswerable, explained: await engine.explain(gold.q) });
    }
  }
  return explained;
}

/** Share of answerable questions answered plus share of unanswerable ones refused (each 0 for an empty class). */
export function balancedAccuracy<T extends { answerable: boolean }>(examples: readonly T[], answers: (e: T) => boolean): number {
  const positives = examples.filter((e) => e.answerable);
  const negatives = examples.filter((e) => !e.answerable);
  return positives.filter(answers).length / Math.max(positives.length, 1) + negatives.filter((e) => !answers(e)).length / Math.max(negatives.length, 1);
}

export function fitLogistic(examples: readonly Example[], epochs = 20000, rate = 0.5, l2 = 1e-3): Omit<AbstainModel, 'threshold'> {
  const weights = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])) as AbstainModel['weights'];
  let bias = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gradient = Object.fromEntries(FEATURE_NAMES.map((n) => [n, 0])) as AbstainModel['weights'];
    let gradientBias = 0;
    for (const { features, answerable } of examples) {
      const error = answerProbability(features, { weights, bias, threshold: 0 }) - (answerable ? 1 : 0);
      for (const name of FEATURE_NAMES) gradient[name] += error * features[name];
      gradientBias += error;
    }
    for (const name of FEATURE_NAMES) weights[name] -= rate * (gradient[name] / examples.length + l2 * weights[name]);
    bias -= (rate * gradientBias) / examples.length;
  }
  return { weights, bias };
}

export function chooseThreshold(examples: readonly Example[], model: Omit<AbstainModel, 'threshold'>): number {
  let best = { threshold: 0.5, score: -1 };
  for (let t = 0.05; t <= 0.95; t += 0.01) {
    const m = { ...model, threshold: t };
    const score = balancedAccuracy(examples, (e) => answerProbability(e.features, m) >= t);
    // >= keeps moving to higher thresholds on ties: refuse when unsure.
    if (score >= best.score) best = { threshold: Number(t.toFixed(2)), score };
  }
  return best.threshold;
}

async function main(files: string[]): Promise<void> {
  const examples: Example[] = (await explainGold(files)).map(({ answerable, explained }) => ({ features: explained.features, answerable }));
  const fitted = fitLogistic(examples);
  const model: AbstainModel = { ...fitted, threshold: chooseThreshold(examples, fitted) };
  const round = (x: number) => Number(x.toFixed(3));
  const rounded = { weights: Object.fromEntries(Object.entries(model.weights).map(([k, v]) => [k, round(v)])), bias: round(model.bias), threshold: model.threshold };
  await writeFileAtomic(fileURLToPath(new URL('../src/search/abstain-model.json', import.meta.url)), `${JSON.stringify(rounded, null, 2)}\n`);
  console.error(`fitted on ${examples.length} questions: ${JSON.stringify(rounded)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
