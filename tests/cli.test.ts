/** The CLI end to end with the real model, on a scratch copy of the corpus. */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderAnswer, renderBuildReport } from '../src/cli/render.js';
import type { Answer } from '../src/search/engine.js';
import { PROJECT_ROOT } from '../src/config/env.js';
import { cli } from './support/cli.js';
import { scratch } from './support/temp.js';

let env: Record<string, string>;
let corpusDir: string;

beforeAll(async () => {
  const paths = await scratch();
  corpusDir = paths.corpusDir;
  env = { CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir };
});

interface JsonQuote {
  text: string;
  doc: string;
  start: number;
  end: number;
  score: number;
  title: string | null;
  publisher: string | null;
  date: string | null;
  paragraph: number;
  highlight: [number, number][];
}

interface JsonAnswer {
  question: string;
  answered: boolean;
  verdict: 'answered' | 'related' | 'refused';
  quotes: JsonQuote[];
  related: JsonQuote[];
}

describe('ask', () => {
  it('builds a missing index with a message, then answers with verbatim, cited quotes', async () => {
    const result = await cli(['ask', '--json', 'How many children were social workers working with?'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/No index yet: building it now/);
    const answer = JSON.parse(result.stdout) as JsonAnswer;
    expect(Object.keys(answer)).toEqual(['question', 'answered', 'verdict', 'quotes', 'related']);
    expect(answer.verdict).toBe('answered');
    expect(answer.answered).toBe(true);
    expect(answer.quotes.length).toBeGreaterThan(0);
    expect(answer.quotes.length).toBeLessThanOrEqual(3);
    expect(answer.quotes[0]!.text).toContain('4,529 children');
    for (const q of answer.quotes) {
      expect(Object.keys(q)).toEqual(['text', 'doc', 'start', 'end', 'score', 'title', 'publisher', 'date', 'datetime', 'paragraph', 'highlight', 'link']);
      const file = await readFile(join(corpusDir, q.doc), 'utf8');
      expect(file.slice(q.start, q.end)).toBe(q.text);
    }
    const scores = answer.quotes.map((q) => q.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('answers the same from the bundled CLI that npm run ask starts, in a fresh process', async () => {
    const question = 'Who chairs the safeguarding board?';
    const fresh = spawnSync(process.execPath, [join(PROJECT_ROOT, 'dist/cli.js'), 'ask', '--json', question], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(fresh.status, fresh.stderr).toBe(0);
    const inProcess = JSON.parse((await cli(['ask', '--json', question], env)).stdout) as JsonAnswer;
    expect(JSON.parse(fresh.stdout)).toEqual(inProcess);
    expect(inProcess.answered).toBe(true);
  });

  it('prints quotes in quotation marks with a citation, without colour when not a TTY', async () => {
    const result = await cli(['ask', '--top', '1', 'What rating did Ofsted give the children services?'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^“.+”\n {2}— .+, ¶\d+\n$/s);
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('refuses a question about nothing in the articles, and does not answer an off-topic one that shares their words', async () => {
    const asked = async (question: string) => JSON.parse((await cli(['ask', '--json', question], env)).stdout) as JsonAnswer;
    for (const question of ['How do I bake sourdough bread?', 'Who won the Premier League in 2014?']) {
      expect(await asked(question)).toEqual({ question, answered: false, verdict: 'refused', quotes: [], related: [] });
    }
    // "Coventry", "Ofsted", "schools": close enough to the articles that refusing them would also refuse some
    // answerable paraphrases (docs/evaluation.md); at most the closest passages, marked as not an answer.
    for (const question of ["What's the weather in Coventry this weekend?", 'Which Leeds schools did Ofsted rate outstanding?']) {
      expect(await asked(question)).toMatchObject({ question, answered: false, quotes: [] });
    }
  });

  it('does not answer a question on the articles\' topic whose specific ask they do not answer, and answers the one they do', async () => {
    // The articles name Duggins and his post, never his age.
    const asked = async (question: string) => JSON.parse((await cli(['ask', '--json', question], env)).stdout) as JsonAnswer;
    const notSaid = await asked('How old is George Duggins?');
    expect(notSaid).toMatchObject({ answered: false, verdict: 'related', quotes: [] });
    expect(notSaid.related[0]!.text).toContain('Duggins');
    const answered = await asked('How many children were social workers working with?');
    expect(answered.answered).toBe(true);
    expect(answered.quotes[0]!.text).toContain('4,529');
  });

  it('shows the closest passages, marked as not an answer, when the articles name the person but not what is asked', async () => {
    // The articles name George Duggins several times and never give his age.
    const question = 'How old is George Duggins?';
    const json = JSON.parse((await cli(['ask', '--json', question], env)).stdout) as JsonAnswer;
    expect(json).toMatchObject({ answered: false, verdict: 'related', quotes: [] });
    expect(json.related.length).toBeGreaterThan(0);
    expect(json.related.some((q) => q.text.includes('Duggins'))).toBe(true);
    const text = (await cli(['ask', question], env)).stdout;
    expect(text).toMatch(/^Not answered directly\./);
    expect(text).toContain('Duggins');
  });

  it('points at the value that answers: highlight offsets inside the quote, bold and underlined on a terminal only', async () => {
    const json = JSON.parse((await cli(['ask', '--json', 'How many children were social workers working with?'], env)).stdout) as JsonAnswer;
    const [best] = json.quotes;
    const file = await readFile(join(corpusDir, best!.doc), 'utf8');
    expect(best!.highlight.map(([start, end]) => file.slice(start, end))).toContain('4,529');
    for (const [start, end] of best!.highlight) {
      expect(start).toBeGreaterThanOrEqual(best!.start);
      expect(end).toBeLessThanOrEqual(best!.end);
    }
    const answer: Answer = {
      question: 'q', verdict: 'answered', answered: true, related: [],
      quotes: [{ text: 'It cost £5m today.', doc: 'a.txt', start: 10, end: 28, score: 1, paragraph: 1, highlight: [[18, 21]] }],
    };
    expect(renderAnswer(answer, true)).toContain('\u001b[1m\u001b[4m£5m\u001b[24m\u001b[22m today.');
    expect(renderAnswer(answer, false)).toBe('“It cost £5m today.”\n  — a.txt, ¶1');
  });

  it('answers one JSON line per stdin line, in order, and flags a bad line without stopping', async () => {
    const questions = ['Who chairs the safeguarding board?', '', 'What is the capital of France?', 'x'.repeat(1001), 'How much extra money is being invested?'];
    const result = await cli(['ask', '--json'], env, questions.join('\n'));
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonAnswer & { error?: { code: string } });
    expect(lines.map((l) => l.question.slice(0, 40))).toEqual([questions[0], questions[2], questions[3]!.slice(0, 40), questions[4]]);
    expect(lines[0]!.answered).toBe(true);
    expect(lines[1]!.answered).toBe(false);
    expect(lines[1]!.verdict).toBe('refused');
    expect(lines[2]!.error?.code).toBe('QUESTION_TOO_LONG');
    expect([...lines[3]!.quotes, ...lines[3]!.related][0]!.text).toMatch(/£5\.6/);
    expect(result.code).toBe(2);
  });

  it('rejects an empty question, a huge question and a bad --top with one line and exit 2', async () => {
    for (const argv of [['ask', '   '], ['ask', 'q'.repeat(1001)], ['ask', '--top', '0', 'What happened?']]) {
      const result = await cli(argv, env);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^error: /);
    }
  });
});

describe('index and eval', () => {
  it('reports an incremental update after a document is added', async () => {
    await writeFile(join(corpusDir, 'extra.md'), 'The new library in Foleshill will open in June, the council confirmed on Monday.\n');
    const result = await cli(['index'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/added 1 \(extra\.md\), changed 0, removed 0, unchanged 3/);
    expect(result.stderr).toMatch(/1 embedded/);
  });

  it('scores the shipped gold file: every quote verbatim, off-topic questions refused', async () => {
    const result = await cli(['eval', '--json', join(PROJECT_ROOT, 'tests/gold/visible.jsonl')], env);
    expect(result.code).toBe(0);
    const [summary] = JSON.parse(result.stdout) as { recallAt1: number; recallAt3: number; abstention: number; nonVerbatim: number; questions: number }[];
    expect(summary!.questions).toBe(13);
    expect(summary!.nonVerbatim).toBe(0);
    expect(summary!.abstention).toBe(1);
    // Floors under the figures in the README, so a regression in ranking fails here.
    expect(summary!.recallAt1).toBeGreaterThanOrEqual(0.6);
    expect(summary!.recallAt3).toBeGreaterThanOrEqual(0.8);
  });

  it('names at most five files per kind in the build report, counting the rest', () => {
    const added = Array.from({ length: 7 }, (_, i) => `address-${i}.txt`);
    const line = renderBuildReport({ added, changed: [], removed: [], unchanged: [], sentences: 9, embedded: 9, graph: 'rebuilt', warnings: [], seconds: 1, generation: 'g' });
    expect(line.split('\n')[0]).toBe('added 7 (address-0.txt, address-1.txt, address-2.txt, address-3.txt, address-4.txt, … 2 more), changed 0, removed 0, unchanged 0');
  });

  it('names a malformed gold line', async () => {
    const bad = join(corpusDir, '..', 'bad.jsonl');
    await writeFile(bad, '{"q": "ok", "expect": []}\n{"q": 3}\n');
    const result = await cli(['eval', bad], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.jsonl:2: needs "q"/);
  });
});
