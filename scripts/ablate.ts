/**
 * The ablation table: each component of the query path switched off in
 * turn, everything else as fitted (src/search/tuned.json). Nothing is
 * refitted, so no figure here chose anything; running it on the frozen test
 * split is measurement, not tuning.
 *
 *   npm run ablate -- tests/gold/dev.jsonl tests/gold/test.jsonl
 */
import 'dotenv/config';
import { buildLexicalData, lexicalIndex } from '../src/lexical/bm25.js';
import { liveDocuments } from '../src/corpus/live.js';
import type { DecisionModel } from '../src/search/decide.js';
import { createSearchEngine } from '../src/search/engine.js';
import type { Weights } from '../src/search/fusion.js';
import type { SearchIndex } from '../src/index-view.js';
import { TUNED } from '../src/search/tuned.js';
import { byModel, figures, outcomes, runGold } from '../src/evaluate/gold-runs.js';
import { openGold } from './lib/open-gold.js';

interface Variant {
  name: string;
  weights?: Partial<Weights>;
  /** The reader's rerank weight (TUNED's when absent). */
  reader?: number;
  decision?: DecisionModel;
  view?: (index: SearchIndex) => SearchIndex;
}

const answerAll: DecisionModel = { onTopic: { weights: {}, bias: 0, threshold: 0 }, answers: { weights: {}, bias: 0, threshold: 0 } };
const { answers } = TUNED.decision;
/** The answers model as if every best passage held the asked kind of value. */
const noTypeCheck: DecisionModel = {
  ...TUNED.decision,
  answers: { ...answers, weights: { ...answers.weights, typeOk: 0 }, bias: answers.bias + (answers.weights.typeOk ?? 0) },
};

/** The index's passages as plain objects, for a variant that rewrites each (a few thousand in an eval corpus). */
const everyPassage = (index: SearchIndex) => Array.from({ length: index.passages.length }, (_, i) => index.passages.at(i)!);

const VARIANTS: Variant[] = [
  { name: 'full' },
  { name: 'dense sentence only (no window, paragraph, lexical, type, speaker)', weights: { window: 0, paragraph: 0, lexical: 0, type: 0, speaker: 0 } },
  { name: 'no window grain', weights: { window: 0 } },
  { name: 'no paragraph grain', weights: { paragraph: 0 } },
  { name: 'no BM25', weights: { lexical: 0 } },
  { name: 'no answer-type signal in ranking', weights: { type: 0 } },
  { name: 'no speaker signal', weights: { speaker: 0 } },
  { name: 'no reader in the ranking (its verdict features kept)', reader: 0 },
  { name: 'no type check in the verdict', decision: noTypeCheck },
  {
    name: 'no speaker/subject context (index)',
    view: (index) => ({
      ...index,
      passages: everyPassage(index).map((p) => ({ ...p, context: '' })),
      lexical: lexicalIndex(buildLexicalData(everyPassage(index).map((p) => p.text))),
    }),
  },
  { name: 'no tags (index)', view: (index) => ({ ...index, passages: everyPassage(index).map((p) => ({ ...p, tags: '' })) }) },
  { name: 'no verdict (answer everything)', decision: answerAll },
];

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: npm run ablate -- <gold file…>');
const gold = await openGold();
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(
  '| variant | file | R@1 | R@3 | shown first R@1 | shown first R@3 | answerable not answered | of them refused outright | near-topic not answered | off-topic refused |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const file of files) {
  const engine = await gold.engineFor(file);
  // Variants that only re-weigh or re-decide share one run of the questions: everything after it is pure.
  const plain = await runGold(engine, [file]);
  for (const variant of VARIANTS) {
    const over = variant.view && createSearchEngine(variant.view(engine.index), gold.embedder, { live: liveDocuments(gold.configFor(file).corpusDir) });
    const runs = over ? await runGold(over, [file]) : plain;
    const f = figures(outcomes(runs, { ...TUNED, weights: { ...TUNED.weights, ...variant.weights }, reader: variant.reader ?? TUNED.reader }), byModel(variant.decision ?? TUNED.decision));
    console.log(
      `| ${variant.name} | ${file.replace(/^.*\/gold\//, '')} | ${f.r1.toFixed(3)} | ${f.r3.toFixed(3)} | ${f.shown1.toFixed(3)} | ${f.shown3.toFixed(3)} | ` +
        `${pct(f.falseRefusals)} | ${pct(f.refusedOutright)} | ${pct(f.nearTopicHeld)} | ${pct(f.offTopicRefused)} |`,
    );
  }
}
