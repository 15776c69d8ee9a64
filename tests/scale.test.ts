/**
 * Quality must not fall as the corpus grows: the shipped gold questions,
 * asked of the three articles with 20 State of the Union addresses indexed
 * beside them, score as on the articles alone (ranking and refusals) and
 * still quote the articles.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copySotu } from '../scripts/bench.js';
import { PROJECT_ROOT } from '../src/config/env.js';
import { parseGold, type EvalSummary } from '../src/evaluate/metrics.js';
import { cli } from './support/cli.js';
import { scratch } from './support/temp.js';

const GOLD = join(PROJECT_ROOT, 'tests/gold/visible.jsonl');

async function evalOn(env: Record<string, string>): Promise<EvalSummary> {
  const result = await cli(['eval', '--json', GOLD], env);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as EvalSummary[])[0]!;
}

let articles: Record<string, string>;
let mixed: Record<string, string>;
let articleFiles: Set<string>;

beforeAll(async () => {
  const alone = await scratch();
  const beside = await scratch();
  articleFiles = new Set(await readdir(beside.corpusDir));
  await copySotu(beside.corpusDir, 20);
  articles = { CORPUS_DIR: alone.corpusDir, INDEX_DIR: alone.indexDir };
  mixed = { CORPUS_DIR: beside.corpusDir, INDEX_DIR: beside.indexDir };
}, 300_000);

describe('quality as the corpus grows', () => {
  it('scores the gold set the same with 20 addresses beside the articles as on the articles alone', async () => {
    const [alone, beside] = [await evalOn(articles), await evalOn(mixed)];
    expect((await readdir(mixed.CORPUS_DIR!)).length).toBe(articleFiles.size + 20);
    expect(beside).toMatchObject({ nonVerbatim: 0, abstention: alone.abstention, falseAbstention: alone.falseAbstention });
    expect(alone.abstention).toBe(1);
    expect(beside.recallAt1).toBe(alone.recallAt1);
    expect(beside.recallAt3).toBe(alone.recallAt3);
  }, 300_000);

  it('answers the same answerable gold questions as on the articles alone, always quoting the articles, never an address', async () => {
    const gold = parseGold(GOLD, await readFile(GOLD, 'utf8')).filter((g) => !g.unanswerable);
    const ask = async (env: Record<string, string>) => {
      const result = await cli(['ask', '--json'], env, gold.map((g) => g.q).join('\n'));
      return result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { answered: boolean; quotes: { doc: string }[] });
    };
    const [alone, beside] = [await ask(articles), await ask(mixed)];
    expect(beside).toHaveLength(gold.length);
    expect(beside.map((a) => a.answered)).toEqual(alone.map((a) => a.answered));
    expect(beside.filter((a) => a.answered).length).toBeGreaterThan(gold.length / 2);
    for (const answer of beside.filter((a) => a.answered)) expect(articleFiles.has(answer.quotes[0]!.doc), answer.quotes[0]!.doc).toBe(true);
  }, 120_000);
});
