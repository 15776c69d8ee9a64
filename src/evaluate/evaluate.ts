/**
 * `quotebot eval`: each gold question asked of the engine as a user asks it
 * (top 3), scored (metrics.ts), and every quote shown checked verbatim
 * against the corpus file it names.
 */
import { readFile } from 'node:fs/promises';
import { readCorpus } from '../corpus/read.js';
import type { SearchEngine } from '../search/engine.js';
import { readInContext } from '../search/follow-up.js';
import { parseGold, summarise, summariseBy, type EvalSummary, type ScoredAnswer } from './metrics.js';

export interface EvalReport {
  summary: EvalSummary;
  byType: { group: string; summary: EvalSummary }[];
  byStyle: { group: string; summary: EvalSummary }[];
}

/**
 * `context` (default true): a follow-up line (one with `after`) is asked as the front ends ask it, read
 * with the question it follows; false asks it alone, for the with/without comparison.
 */
export async function evaluateFile(engine: SearchEngine, corpusDir: string, file: string, context = true): Promise<EvalReport> {
  const results = await scoreAnswers(engine, corpusDir, file, context);
  return { summary: summarise(results), byType: summariseBy(results, 'type'), byStyle: summariseBy(results, 'style') };
}

async function scoreAnswers(engine: SearchEngine, corpusDir: string, file: string, context: boolean): Promise<ScoredAnswer[]> {
  const gold = parseGold(file, await readFile(file, 'utf8'));
  const texts = new Map((await readCorpus(corpusDir)).documents.map((d) => [d.name, d.text]));
  const results: ScoredAnswer[] = [];
  for (const g of gold) {
    const { reading, answer } = await readInContext(engine, g.q, context ? g.after : undefined, 3);
    const nonVerbatim = [...answer.quotes, ...answer.related].filter((q) => texts.get(q.doc)?.slice(q.start, q.end) !== q.text).length;
    results.push({ gold: g, verdict: answer.verdict, answered: answer.answered, quotes: answer.quotes, related: answer.related, nonVerbatim, followed: reading.followed });
  }
  return results;
}
