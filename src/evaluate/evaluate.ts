/**
 * `quotebot eval`: each gold question asked of the engine as a user asks it
 * (top 3), scored (metrics.ts), and every quote shown checked verbatim
 * against the corpus file it names.
 */
import { readFile } from 'node:fs/promises';
import { readCorpus } from '../corpus/read.js';
import type { SearchEngine } from '../search/engine.js';
import { parseGold, summarise, summariseBy, type EvalSummary, type ScoredAnswer } from './metrics.js';

export interface EvalReport {
  summary: EvalSummary;
  byType: { group: string; summary: EvalSummary }[];
  byStyle: { group: string; summary: EvalSummary }[];
}

export async function evaluateFile(engine: SearchEngine, corpusDir: string, file: string): Promise<EvalReport> {
  const results = await scoreAnswers(engine, corpusDir, file);
  return { summary: summarise(results), byType: summariseBy(results, 'type'), byStyle: summariseBy(results, 'style') };
}

async function scoreAnswers(engine: SearchEngine, corpusDir: string, file: string): Promise<ScoredAnswer[]> {
  const gold = parseGold(file, await readFile(file, 'utf8'));
  const texts = new Map((await readCorpus(corpusDir)).documents.map((d) => [d.name, d.text]));
  const results: ScoredAnswer[] = [];
  for (const g of gold) {
    const answer = await engine.ask(g.q, 3);
    const nonVerbatim = [...answer.quotes, ...answer.related].filter((q) => texts.get(q.doc)?.slice(q.start, q.end) !== q.text).length;
    results.push({ gold: g, verdict: answer.verdict, answered: answer.answered, quotes: answer.quotes, related: answer.related, nonVerbatim });
  }
  return results;
}
