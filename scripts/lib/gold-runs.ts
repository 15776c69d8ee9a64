/**
 * Gold questions run once through the real engine (model, index), keeping
 * each question's candidates and their signals, so fitting and ablation can
 * re-rank and re-decide under other constants without embedding again.
 * Everything after the one `explain` per question is pure.
 */
import { cp, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copySotu } from '../bench.js';
import { loadConfig, PROJECT_ROOT, type Config } from '../../src/config/env.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { openEmbedder, openEngine } from '../../src/open.js';
import { selectQuotes } from '../../src/quote/select.js';
import type { Asked } from '../../src/search/answer-type.js';
import { decide, type DecisionFeatures, type DecisionModel, type Verdict } from '../../src/search/decide.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { featuresFor } from '../../src/search/features.js';
import { fuse, type Weights } from '../../src/search/fusion.js';
import type { SearchIndex } from '../../src/search/index-view.js';
import { hitRank, parseGold, type GoldQuestion } from '../../src/search/metrics.js';
import { answeringTags, type Signals } from '../../src/search/signals.js';
import { queryTerms, termsOf } from '../../src/lexical/terms.js';

export interface GoldRun {
  gold: GoldQuestion;
  /** The index the question was asked of. */
  index: SearchIndex;
  asked: Asked;
  terms: string[];
  questionTerms: Set<string>;
  candidates: { item: number; signals: Signals }[];
}

export async function openConfiguredEngine(env: Record<string, string | undefined> = process.env): Promise<{ engine: SearchEngine; embedder: Embedder; config: Config }> {
  const config = loadConfig(env);
  const embedder = await openEmbedder(config);
  return { engine: await openEngine(config, embedder, { onMessage: (l) => console.error(l) }), embedder, config };
}

/**
 * An engine over the project's articles with the first `addresses` State of
 * the Union addresses beside them (the bench's archive), in a fixed scratch
 * folder so a second run only updates its index.
 */
export async function openArchiveEngine(addresses: number): Promise<SearchEngine> {
  const dir = join(tmpdir(), `quotebot-archive-${addresses}`);
  const corpusDir = join(dir, 'corpus');
  await mkdir(corpusDir, { recursive: true });
  await cp(join(PROJECT_ROOT, 'corpus'), corpusDir, { recursive: true });
  await copySotu(corpusDir, addresses);
  return (await openConfiguredEngine({ ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: join(dir, 'index') })).engine;
}

export async function runGold(engine: SearchEngine, files: readonly string[]): Promise<GoldRun[]> {
  const runs: GoldRun[] = [];
  for (const file of files) {
    for (const gold of parseGold(file, await readFile(file, 'utf8'))) {
      const explained = await engine.explain(gold.q);
      runs.push({
        gold,
        index: engine.index,
        asked: explained.asked,
        terms: queryTerms(gold.q),
        questionTerms: new Set(termsOf(gold.q)),
        candidates: explained.ranking.map((r) => ({ item: r.position, signals: r.signals })),
      });
    }
  }
  return runs;
}

export interface Outcome {
  run: GoldRun;
  /** 1-based rank of the first right quote among the top 3, 0 when none. */
  hit: number;
  features: DecisionFeatures;
}

const featureFunctions = new WeakMap<SearchIndex, ReturnType<typeof featuresFor>>();

/** Ranks each run under `weights` and scores its top-3 quotes, over the index it was asked of. */
export function outcomes(runs: readonly GoldRun[], weights: Weights): Outcome[] {
  return runs.map((run) => {
    const { index } = run;
    let features = featureFunctions.get(index);
    if (!features) featureFunctions.set(index, (features = featuresFor(index)));
    const ranked = fuse(run.candidates, weights);
    const quotes = selectQuotes({
      sentences: index.passages,
      documents: index.documents,
      ranked: ranked.map((r) => ({ position: r.item, score: r.score })),
      top: 3,
      answering: (s) => answeringTags(s, run.asked, run.questionTerms),
    });
    return { run, hit: run.gold.unanswerable ? 0 : hitRank(run.gold, quotes), features: features({ ...run, weights }) };
  });
}

export interface Figures {
  answerable: number;
  r1: number;
  r3: number;
  /** Answerable questions not answered. */
  falseRefusals: number;
  nearTopic: number;
  /** Near-topic unanswerables not given as answered. */
  nearTopicHeld: number;
  offTopic: number;
  /** Off-topic questions refused outright. */
  offTopicRefused: number;
}

const isOffTopic = (g: GoldQuestion) => g.unanswerable === true && g.style === 'off-topic';

/** The headline figures of outcomes under a verdict (a question counts as right only when answered). */
export function figures(results: readonly Outcome[], verdictOf: (o: Outcome) => Verdict): Figures {
  const answerable = results.filter((o) => !o.run.gold.unanswerable);
  const near = results.filter((o) => o.run.gold.unanswerable && !isOffTopic(o.run.gold));
  const off = results.filter((o) => isOffTopic(o.run.gold));
  const share = (n: number, d: number) => (d === 0 ? 0 : n / d);
  const answered = (o: Outcome) => verdictOf(o) === 'answered';
  return {
    answerable: answerable.length,
    r1: share(answerable.filter((o) => answered(o) && o.hit === 1).length, answerable.length),
    r3: share(answerable.filter((o) => answered(o) && o.hit >= 1).length, answerable.length),
    falseRefusals: share(answerable.filter((o) => !answered(o)).length, answerable.length),
    nearTopic: near.length,
    nearTopicHeld: share(near.filter((o) => !answered(o)).length, near.length),
    offTopic: off.length,
    offTopicRefused: share(off.filter((o) => verdictOf(o) === 'refused').length, off.length),
  };
}

export const byModel = (model: DecisionModel) => (o: Outcome) => decide(o.features, model);

export { isOffTopic };
