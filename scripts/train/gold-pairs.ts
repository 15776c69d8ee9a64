/**
 * The gold questions' candidate quotes as question–sentence pairs, for
 * scoring a trained cross-encoder offline before it is wired in: each
 * question's first CANDIDATES quotes as the engine ranks them (rankAndQuote,
 * every question answered), marked right or not as eval marks them, with
 * the question's verdict features (decide.ts) for the with/without-model curves.
 *
 *   npx tsx scripts/train/gold-pairs.ts OUT.jsonl GOLD.jsonl ...
 *
 * Refuses the frozen test split, as fit.ts does.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ANSWER_ALL, isOffTopic, runGold } from '../../src/evaluate/gold-runs.js';
import { openGold } from '../lib/open-gold.js';
import { featuresFor } from '../../src/search/features.js';
import { hitRank } from '../../src/evaluate/metrics.js';
import { rankAndQuote } from '../../src/search/rank.js';
import { TUNED } from '../../src/search/tuned.js';
import { pairTokenizer } from './tokenize.js';

const CANDIDATES = 5;
const [out, ...files] = process.argv.slice(2);
if (!out || files.length === 0) throw new Error('usage: gold-pairs.ts OUT.jsonl GOLD.jsonl ...');
if (files.some((f) => ['test.jsonl', 'recipe.jsonl'].includes(basename(f)))) throw new Error('the frozen test split is never used to choose anything');
const { engineFor } = await openGold();
const tokenize = await pairTokenizer();
const lines: string[] = [];
for (const file of files) {
  const runs = await runGold(await engineFor(file), [file]);
  const features = featuresFor(runs[0]!.index);
  runs.forEach((run, q) => {
    const { selected, features: questionFeatures } = rankAndQuote(run, { weights: TUNED.weights, decision: ANSWER_ALL }, CANDIDATES, features);
    const { gold } = run;
    const kind = !gold.unanswerable ? 'answerable' : isOffTopic(gold) ? 'off-topic' : 'near-topic';
    selected.forEach((quote, rank) => {
      const right = !gold.unanswerable && hitRank(gold, [quote]) === 1;
      lines.push(JSON.stringify({ file, q, rank, kind, right, style: gold.style, question: gold.q, sentence: quote.text, features: questionFeatures, ...tokenize(gold.q, quote.text) }));
    });
  });
}
await writeFile(out, `${lines.join('\n')}\n`);
console.log(`${lines.length} pairs`);
