/**
 * Writes the reader's training and validation pairs (squad-pairs.ts) from the
 * 40 SQuAD 2.0 articles in scripts/train/squad2/ — never from the articles,
 * the gold files or the five SQuAD articles the evaluation asks:
 *
 *   npx tsx scripts/train/make-data.ts [OUT_DIR=.cache/reader]
 *
 * The articles are written as a corpus and indexed by the engine, and every
 * question is asked of it, so the negatives are the quotes the engine itself
 * ranks high. Lines carry the pair, its label and kind, and its token ids
 * (the embedding model's own tokenizer, as the reader reads it at query
 * time) so the trainer needs no tokenizer of its own. Also writes
 * validation-questions.jsonl: each validation question's ranked quotes,
 * labelled, for the reader's held-out ranking and answerability figures.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ANSWER_ALL, runQuestion } from '../../src/evaluate/gold-runs.js';
import { readerText, titleOf } from '../../src/search/reader-text.js';
import { rankAndQuote } from '../../src/search/rank.js';
import { TUNED } from '../../src/search/tuned.js';
import { loadConfig } from '../../src/config/env.js';
import { openEmbedder, openEngine } from '../../src/open.js';
import { seeded } from '../lib/random.js';
import { PAIRS_VERSION, questionPairs, squadArticles, VALIDATION_ARTICLES, type Candidate, type SquadJson } from './squad-pairs.js';
import { MAX_TOKENS, pairTokenizer } from './tokenize.js';

const SEED = 28;
/** The engine's quotes each question is asked for: its near misses come from these. */
const RANKED = 8;
export const SQUAD_TRAIN = 'scripts/train/squad2/squad2-train-40articles.json';

const out = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : '.cache/reader';
const articles = squadArticles(JSON.parse(await readFile(SQUAD_TRAIN, 'utf8')) as SquadJson);
const corpusDir = join(out, 'corpus');
await rm(corpusDir, { recursive: true, force: true });
await mkdir(corpusDir, { recursive: true });
for (const a of articles) await writeFile(join(corpusDir, a.name), a.text);
const config = loadConfig({ ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: join(out, 'index') });
// The engine as it ranks without a reader (its logits all 0, its weight 0): the data never depends on a reader already trained.
const embedder = await openEmbedder(config);
const unread = { ...embedder, read: async (_question: string, passages: readonly string[]) => new Float32Array(passages.length), readerId: async () => 'none' };
const engine = await openEngine(config, unread, { onMessage: (line) => console.error(line) });
const { index } = engine;
const tokenize = await pairTokenizer();
const next = seeded(SEED);

/** Every indexed sentence of a document as a candidate, and a lookup from a quote's first offset to its sentence's context. */
function documentCandidates(name: string): { sentences: Candidate[]; contextAt: Map<number, string>; title: string } {
  const d = index.documents.findIndex((doc) => doc.name === name);
  if (d < 0) return { sentences: [], contextAt: new Map(), title: '' };
  const title = titleOf(index.documents[d]!);
  const sentences: Candidate[] = [];
  const contextAt = new Map<number, string>();
  for (let p = 0; p < index.passages.length; p++) {
    const passage = index.passages.at(p)!;
    if (passage.doc !== d) continue;
    contextAt.set(passage.start, passage.context);
    sentences.push({ start: passage.start, end: passage.end, quote: passage.text, input: readerText(title, passage.text, passage.context) });
  }
  return { sentences, contextAt, title };
}

const lines: Record<'train' | 'validation', string[]> = { train: [], validation: [] };
const validationQuestions: string[] = [];
const counts = new Map<string, number>();
let unindexed = 0;
for (const article of articles) {
  const split = VALIDATION_ARTICLES.includes(article.name.replace(/\.txt$/, '')) ? 'validation' : 'train';
  const { sentences, contextAt, title } = documentCandidates(article.name);
  for (const q of article.questions) {
    const run = await runQuestion(engine, { q: q.question, expect: [] });
    const { selected } = rankAndQuote(run, { ...TUNED, decision: ANSWER_ALL, reader: 0 }, RANKED);
    const ranked: Candidate[] = selected.map((quote) => ({
      start: quote.start,
      end: quote.end,
      quote: quote.text,
      input: readerText(titleOf({ name: quote.doc, meta: quote.title ? { title: quote.title } : {} }), quote.text, contextAt.get(quote.start) ?? ''),
    }));
    if (q.answers.length > 0 && !sentences.some((c) => q.answers.some((a) => c.start <= a.start && a.end <= c.end))) unindexed++;
    for (const pair of questionPairs(q, ranked, sentences, next)) {
      counts.set(`${split} ${pair.kind}`, (counts.get(`${split} ${pair.kind}`) ?? 0) + 1);
      lines[split].push(JSON.stringify({ ...pair, ...tokenize(pair.question, pair.input) }));
    }
    if (split === 'validation') {
      const candidates = ranked.map((c, rank) => ({
        rank,
        label: q.answers.some((a) => c.start <= a.start && a.end <= c.end) ? 1 : 0,
        input: c.input,
        ...tokenize(q.question, c.input),
      }));
      validationQuestions.push(JSON.stringify({ id: q.id, question: q.question, article: title, unanswerable: q.answers.length === 0, candidates }));
    }
  }
  console.error(`${article.name}: ${article.questions.length} questions`);
}
await writeFile(join(out, 'train.jsonl'), `${lines.train.join('\n')}\n`);
await writeFile(join(out, 'validation.jsonl'), `${lines.validation.join('\n')}\n`);
await writeFile(join(out, 'validation-questions.jsonl'), `${validationQuestions.join('\n')}\n`);
const recipe = {
  pairsVersion: PAIRS_VERSION,
  source: SQUAD_TRAIN,
  seed: SEED,
  ranked: RANKED,
  maxTokens: MAX_TOKENS,
  validationArticles: VALIDATION_ARTICLES,
  pairs: Object.fromEntries([...counts].sort()),
  answersOutsideTheIndex: unindexed,
  command: `npx tsx scripts/train/make-data.ts ${process.argv.slice(2).join(' ')}`.trim(),
};
await writeFile(join(out, 'data.json'), `${JSON.stringify(recipe, null, 2)}\n`);
console.log(JSON.stringify(recipe, null, 2));
