/**
 * Gold questions run once through the real engine (model, index), keeping
 * each question's candidates and their signals, so fitting and ablation can
 * re-rank and re-decide under other constants without embedding again.
 * Everything after the one `explain` per question is pure; the engines come
 * from the caller (scripts/lib/open-gold.ts opens them for fit and ablate).
 */
import { readFile } from 'node:fs/promises';
import type { Alignment } from '../search/align.js';
import type { Asked } from '../search/answer-type.js';
import { decide, type DecisionFeatures, type DecisionModel, type Verdict } from '../search/decide.js';
import type { SearchEngine } from '../search/engine.js';
import { featuresFor } from '../search/features.js';
import type { Weights } from '../search/fusion.js';
import type { SearchIndex } from '../index-view.js';
import { hitRank, parseGold, type GoldQuestion } from './metrics.js';
import { rankAndQuote } from '../search/rank.js';
import type { Signals } from '../search/signals.js';
import type { Tuning } from '../search/tuned.js';
import { queryTerms, termsOf } from '../lexical/terms.js';

export interface GoldRun {
  gold: GoldQuestion;
  /** The index the question was asked of. */
  index: SearchIndex;
  asked: Asked;
  terms: string[];
  questionTerms: Set<string>;
  candidates: { item: number; signals: Signals }[];
  alignment: Alignment;
  /** The reader's logits for the pools of the tuned weights and of every weighting the caller will try. */
  read: Map<number, number>;
}

/**
 * One question through the engine, kept for re-ranking (the training data asks its questions one by one too);
 * `weightings`: the fusion weights the caller will re-rank it under, whose pools the reader reads too.
 */
export async function runQuestion(engine: SearchEngine, gold: GoldQuestion, weightings: readonly Weights[] = [], pool?: number): Promise<GoldRun> {
  const explained = await engine.explain(gold.q, 3, { alsoRead: weightings, ...(pool ? { pool } : {}) });
  return {
    gold,
    index: engine.index,
    asked: explained.asked,
    terms: queryTerms(gold.q),
    questionTerms: new Set(termsOf(gold.q)),
    candidates: explained.candidates,
    alignment: { mean: explained.features.alignment, weakest: explained.features.weakestWord },
    read: explained.read,
  };
}

export async function runGold(engine: SearchEngine, files: readonly string[], weightings: readonly Weights[] = [], pool?: number): Promise<GoldRun[]> {
  const runs: GoldRun[] = [];
  for (const file of files) {
    for (const gold of parseGold(file, await readFile(file, 'utf8'))) runs.push(await runQuestion(engine, gold, weightings, pool));
  }
  return runs;
}

export interface Outcome {
  run: GoldRun;
  /** 1-based rank of the first right quote among the top 3 shown when answered, 0 when none. */
  hit: number;
  /** The same among the top 3 closest passages shown when the verdict is 'related'. */
  relatedHit: number;
  features: DecisionFeatures;
}

const featureFunctions = new WeakMap<SearchIndex, ReturnType<typeof featuresFor>>();

/** Decisions that always answer, or always show the closest passages: rankAndQuote then yields each verdict's quotes. */
export const ANSWER_ALL: DecisionModel = { onTopic: { weights: {}, bias: 0, threshold: 0 }, answers: { weights: {}, bias: 0, threshold: 0 } };
const RELATE_ALL: DecisionModel = { ...ANSWER_ALL, answers: { weights: {}, bias: 0, threshold: 2 } };

/**
 * Ranks each run under `weights` through the engine's own rankAndQuote, over the index it was asked of, and
 * scores the top-3 quotes each non-refused verdict would show; the verdict itself is decide() on the features,
 * for any decision model, as rankAndQuote computes it.
 */
/** What orders the quotes, the verdict aside: the fusion weights, the reader's rerank weight and its pool. */
export type RankingChoice = Omit<Tuning, 'decision'>;

export function outcomes(runs: readonly GoldRun[], ranking: RankingChoice): Outcome[] {
  return runs.map((run) => {
    let features = featureFunctions.get(run.index);
    if (!features) featureFunctions.set(run.index, (features = featuresFor(run.index)));
    const shown = (decision: DecisionModel) => rankAndQuote(run, { ...ranking, decision }, 3, features);
    const answered = shown(ANSWER_ALL);
    return {
      run,
      hit: run.gold.unanswerable ? 0 : hitRank(run.gold, answered.selected),
      relatedHit: run.gold.unanswerable ? 0 : hitRank(run.gold, shown(RELATE_ALL).selected),
      features: answered.features,
    };
  });
}

export interface Figures {
  answerable: number;
  /** Answered, and a right quote first / among the first three. */
  r1: number;
  r3: number;
  /** Whatever the verdict, a right quote first / among the first three shown (the answer's quotes, or the related passages). */
  shown1: number;
  shown3: number;
  /** Answerable questions not answered. */
  falseRefusals: number;
  /** Answerable questions refused outright ("not in the articles"). */
  refusedOutright: number;
  nearTopic: number;
  /** Near-topic unanswerables not given as answered. */
  nearTopicHeld: number;
  offTopic: number;
  /** Off-topic questions refused outright. */
  offTopicRefused: number;
  /** Off-topic questions answered: an unrelated quote shown as the answer. */
  offTopicAnswered: number;
}

const isOffTopic = (g: GoldQuestion) => g.unanswerable === true && g.style === 'off-topic';

/** The headline figures of outcomes under a verdict (a question counts as right only when answered). */
export function figures(results: readonly Outcome[], verdictOf: (o: Outcome) => Verdict): Figures {
  const answerable = results.filter((o) => !o.run.gold.unanswerable);
  const near = results.filter((o) => o.run.gold.unanswerable && !isOffTopic(o.run.gold));
  const off = results.filter((o) => isOffTopic(o.run.gold));
  const share = (n: number, d: number) => (d === 0 ? 0 : n / d);
  const answered = (o: Outcome) => verdictOf(o) === 'answered';
  const shownHit = (o: Outcome) => ({ answered: o.hit, related: o.relatedHit, refused: 0 })[verdictOf(o)];
  return {
    answerable: answerable.length,
    r1: share(answerable.filter((o) => answered(o) && o.hit === 1).length, answerable.length),
    r3: share(answerable.filter((o) => answered(o) && o.hit >= 1).length, answerable.length),
    shown1: share(answerable.filter((o) => shownHit(o) === 1).length, answerable.length),
    shown3: share(answerable.filter((o) => shownHit(o) >= 1).length, answerable.length),
    falseRefusals: share(answerable.filter((o) => !answered(o)).length, answerable.length),
    refusedOutright: share(answerable.filter((o) => verdictOf(o) === 'refused').length, answerable.length),
    nearTopic: near.length,
    nearTopicHeld: share(near.filter((o) => !answered(o)).length, near.length),
    offTopic: off.length,
    offTopicRefused: share(off.filter((o) => verdictOf(o) === 'refused').length, off.length),
    offTopicAnswered: share(off.filter(answered).length, off.length),
  };
}

export const byModel = (model: DecisionModel) => (o: Outcome) => decide(o.features, model);

export { isOffTopic };
