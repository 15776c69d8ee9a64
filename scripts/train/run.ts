/**
 * `npm run train`: the answerability cross-encoder from nothing, in one
 * command (issue 21; not part of CI, ~25 minutes on 2 cores):
 *   1. make-data.ts — pairs generated from State of the Union addresses;
 *   2. gold-pairs.ts — the fit's gold questions' candidates (never the test split);
 *   3. train.py — Debian's PyTorch trains the top layers and a head;
 *   4. evaluate.py — the model on those real questions, with and without it.
 * Everything lands in .cache/cross-encoder/. Needs `apt-get install
 * python3-torch libopenblas0-pthread` (docs/cross-encoder.md).
 *
 *   npm run train [-- --pairs=30000 --layers=2 --epochs=1]
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIT_FILES } from '../lib/fit-files.js';

const OUT = '.cache/cross-encoder';
const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`));
const { MODEL_PACKAGE } = await import('../../src/embed/prepare-model.js');
const { weightsPath: weights } = ((await import(MODEL_PACKAGE)) as { default: { weightsPath: string } }).default;

function step(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit', env });
  if (status !== 0) process.exit(status ?? 1);
}
// The machine's OpenBLAS settings guard older builds in tests; Debian's current one trains ~1.3x faster without them.
const { OPENBLAS_CORETYPE: _core, OPENBLAS_L2_SIZE: _l2, ...trainEnv } = process.env;
const gold = join(OUT, 'gold-fit.jsonl');
step('npx', ['tsx', 'scripts/train/make-data.ts', OUT, ...[option('pairs')].filter((a) => a !== undefined)]);
step('npx', ['tsx', 'scripts/train/gold-pairs.ts', gold, ...FIT_FILES]);
step('/usr/bin/python3', ['scripts/train/train.py', weights, OUT, join(OUT, 'model.safetensors'), `--score=${gold}`, ...['layers', 'epochs', 'seed'].map(option).filter((a) => a !== undefined)], trainEnv);
step('/usr/bin/python3', ['scripts/train/evaluate.py', gold]);
