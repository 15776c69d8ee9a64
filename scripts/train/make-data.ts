/**
 * Writes the cross-encoder's training and dev pairs (pairs.ts) from the
 * State of the Union addresses since 1900 — never from the articles or the
 * SQuAD articles the evaluation asks. Addresses are split, not sentences:
 * every tenth address (by year order) is dev, so no dev pair shares a
 * document with a training pair.
 *
 *   npx tsx scripts/train/make-data.ts [OUT_DIR=.cache/cross-encoder] [--pairs=N]
 *
 * Each line: the pair, its label and kind, and its token ids ([CLS] question
 * [SEP] sentence [SEP], the embedding model's own tokenizer, at most
 * MAX_TOKENS) so the trainer needs no tokenizer of its own.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTagger, lowercaseWords } from '../../src/annotate/tagger.js';
import { segmentDocument } from '../../src/segment/document.js';
import { seeded, shuffle } from '../lib/random.js';
import { documentPairs, GENERATOR_VERSION, type Pair } from './pairs.js';
import { pairTokenizer, MAX_TOKENS } from './tokenize.js';
import { sotuDataDir } from '../lib/sotu.js';

const SEED = 21;
const out = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : '.cache/cross-encoder';
const wanted = Number(process.argv.find((a) => a.startsWith('--pairs='))?.slice(8) ?? 30000);

const dataDir = sotuDataDir();
const files = (await readdir(dataDir)).filter((f) => f.endsWith('.txt') && f >= '1900').sort();
const tagger = await createTagger();
const next = seeded(SEED);
const split: Record<'train' | 'dev', Pair[]> = { train: [], dev: [] };
for (const [i, file] of files.entries()) {
  const text = await readFile(join(dataDir, file), 'utf8');
  const lowercase = lowercaseWords(text);
  const sentences = segmentDocument(text).sentences.map((s) => ({
    text: s.text,
    tags: tagger(s.text, 0, lowercase),
  }));
  split[i % 10 === 9 ? 'dev' : 'train'].push(...documentPairs(sentences, next));
}
const tokenize = await pairTokenizer();
await mkdir(out, { recursive: true });
for (const [name, pairs] of Object.entries(split)) {
  const kept = shuffle(pairs, next).slice(0, name === 'train' ? wanted : Math.round(wanted / 10));
  const lines = kept.map((p) => JSON.stringify({ ...p, ...tokenize(p.question, p.sentence) }));
  await writeFile(join(out, `${name}.jsonl`), `${lines.join('\n')}\n`);
  const counts = new Map<string, number>();
  for (const p of kept) counts.set(p.kind, (counts.get(p.kind) ?? 0) + 1);
  const byKind = [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`${name}: ${kept.length} pairs of ${pairs.length} (${byKind})`);
}
await writeFile(join(out, 'data.json'), JSON.stringify({ generatorVersion: GENERATOR_VERSION, seed: SEED, addresses: files.length, maxTokens: MAX_TOKENS, command: `npx tsx scripts/train/make-data.ts ${process.argv.slice(2).join(' ')}`.trim() }, null, 2));
