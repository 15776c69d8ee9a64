/**
 * Chooses ASK_DELTA_FLOOR (src/search/abstain.ts), the second refusal check,
 * on labelled gold files, and says how well it generalises: leave-one-out,
 * each question decided by the floor chosen on all the others.
 *
 *   npm run ask-floor -- tests/gold/visible.jsonl tests/gold/own.jsonl tests/gold/heldout.jsonl
 *
 * Prints, per file, refusals of unanswerable questions and false refusals
 * with the model alone and with the leave-one-out floor, then the floor
 * chosen on all files. It writes nothing: copy the floor into abstain.ts.
 */
import 'dotenv/config';
import { fileURLToPath } from 'node:url';
import { shouldAnswer } from '../src/search/abstain.js';
import { balancedAccuracy, explainGold } from './calibrate.js';

export interface FloorExample {
  answerable: boolean;
  /** Whether the logistic model alone would answer. */
  modelAnswers: boolean;
  askDelta: number;
}

const GRID = [-Infinity, -0.1, -0.08, -0.06, -0.05, -0.04, -0.03, -0.025, -0.02, -0.015, -0.01];

const answers = (e: FloorExample, floor: number) => e.modelAnswers && e.askDelta >= floor;

const balanced = (examples: readonly FloorExample[], floor: number) => balancedAccuracy(examples, (e) => answers(e, floor));

/**
 * The grid floor with the best balanced accuracy. A gain smaller than half of one question of the
 * larger class is a tie, and ties go to the lower floor: a refusal check earns its refusals.
 */
export function chooseAskFloor(examples: readonly FloorExample[]): number {
  const tolerance = 0.5 / Math.max(1, ...[true, false].map((a) => examples.filter((e) => e.answerable === a).length));
  return GRID.reduce((best, floor) => (balanced(examples, floor) > balanced(examples, best) + tolerance ? floor : best), -Infinity);
}

/** Each example decided by the floor chosen without it. */
export function leaveOneOut(examples: readonly FloorExample[]): boolean[] {
  return examples.map((e, i) => answers(e, chooseAskFloor(examples.filter((_, j) => j !== i))));
}

async function main(files: string[]): Promise<void> {
  const examples = (await explainGold(files)).map(({ file, answerable, explained }) => ({
    file,
    answerable,
    modelAnswers: shouldAnswer(explained.features),
    askDelta: explained.askDelta,
  }));
  const decided = leaveOneOut(examples);
  const pct = (part: number, whole: number) => `${((100 * part) / Math.max(whole, 1)).toFixed(1)}%`;
  for (const file of files) {
    const rows = examples.map((e, i) => ({ ...e, loo: decided[i]! })).filter((e) => e.file === file);
    const yes = rows.filter((e) => e.answerable);
    const no = rows.filter((e) => !e.answerable);
    console.log(
      `${file}: model alone refuses ${pct(no.filter((e) => !e.modelAnswers).length, no.length)} of unanswerable, ${pct(yes.filter((e) => !e.modelAnswers).length, yes.length)} of answerable; ` +
        `with the leave-one-out floor ${pct(no.filter((e) => !e.loo).length, no.length)} and ${pct(yes.filter((e) => !e.loo).length, yes.length)}`,
    );
  }
  console.log(`floor chosen on all ${examples.length} questions: ${chooseAskFloor(examples)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
