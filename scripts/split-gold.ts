/**
 * Splits the recipe gold set once into dev (tuning) and test (frozen) files,
 * stratified by style and answerability so both halves have every kind of
 * question. The seed is fixed: re-running reproduces the committed split.
 *
 *   npm run split-gold   (tests/gold/recipe.jsonl → tests/gold/dev.jsonl, tests/gold/test.jsonl)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { seeded, shuffle } from './lib/random.js';

const SEED = 20261129;
const TEST_SHARE = 0.4;
const gold = (name: string) => fileURLToPath(new URL(`../tests/gold/${name}`, import.meta.url));

const lines = (await readFile(gold('recipe.jsonl'), 'utf8')).split('\n').filter((l) => l.trim() !== '');
const next = seeded(SEED);
const strata = new Map<string, string[]>();
for (const line of lines) {
  const { style, unanswerable } = JSON.parse(line) as { style?: string; unanswerable?: boolean };
  const key = `${style ?? ''}:${unanswerable ? 'u' : 'a'}`;
  strata.set(key, [...(strata.get(key) ?? []), line]);
}
const dev: string[] = [];
const test: string[] = [];
for (const key of [...strata.keys()].sort()) {
  // Shuffled, then the first share of each stratum goes to test.
  const group = shuffle(strata.get(key)!, next);
  const cut = Math.round(group.length * TEST_SHARE);
  test.push(...group.slice(0, cut));
  dev.push(...group.slice(cut));
}
await writeFile(gold('dev.jsonl'), `${dev.join('\n')}\n`);
await writeFile(gold('test.jsonl'), `${test.join('\n')}\n`);
console.log(`dev ${dev.length}, test ${test.length} (seed ${SEED})`);
