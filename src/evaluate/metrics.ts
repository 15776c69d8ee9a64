/**
 * Scoring answers against a gold file ({"q", "expect": [substrings], "unanswerable"}).
 * Pure; the eval command feeds it answers and file texts.
 */
import { fail } from '../errors.js';
import { groupBy } from '../group.js';
import type { Quote } from '../quote/select.js';

export interface GoldQuestion {
  q: string;
  expect: string[];
  unanswerable?: boolean;
  /** What the question asks for (the recipe's label), for per-type figures. */
  type?: string;
  /** How it is phrased: plain, paraphrase, casual, pronoun, keyword, near-topic, off-topic. */
  style?: string;
  /** For a follow-up: the question it follows (search/follow-up.ts reads them together). */
  after?: string;
}

export interface EvalSummary {
  questions: number;
  answerable: number;
  unanswerable: number;
  /** Answered, and a right quote first / among the first three. */
  recallAt1: number;
  recallAt3: number;
  mrr: number;
  /** Whatever the verdict, a right quote first / among the first three shown: the answer's quotes, or the related passages. */
  shownAt1: number;
  shownAt3: number;
  /** Share of unanswerable questions not given as answered (verdict related or refused). */
  abstention: number;
  /** Share of unanswerable questions refused outright (verdict refused). */
  refused: number;
  /** Share of answerable questions not given as answered. */
  falseAbstention: number;
  /** Share of answerable questions refused outright ("not in the articles"). */
  refusedOutright: number;
  /** Share of answerable questions given as "related" whose closest passages still hold a right quote (shown, marked as not an answer). */
  relatedHit: number;
  nonVerbatim: number;
  /** Questions asked right after another one (a line with "after"), and how many of them were read with it (search/follow-up.ts). */
  followUps: number;
  readWithEarlier: number;
  misses: { q: string; got?: string }[];
}

export function parseGold(file: string, text: string): GoldQuestion[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw fail('GOLD_FILE_INVALID', file, n, 'not valid JSON');
      }
      const g = value as Partial<GoldQuestion>;
      if (typeof g.q !== 'string' || !Array.isArray(g.expect) || !g.expect.every((e) => typeof e === 'string')) {
        throw fail('GOLD_FILE_INVALID', file, n, 'needs "q" (string) and "expect" (array of strings)');
      }
      return {
        q: g.q,
        expect: g.expect,
        ...(g.unanswerable ? { unanswerable: true } : {}),
        ...(typeof g.type === 'string' ? { type: g.type } : {}),
        ...(typeof g.style === 'string' ? { style: g.style } : {}),
        ...(typeof g.after === 'string' ? { after: g.after } : {}),
      };
    });
}

/** Quote styles and spacing vary between a gold file and the source; compare without them. */
export function normaliseForMatch(text: string): string {
  return text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').toLowerCase();
}

/** 1-based rank of the first quote containing an expected substring, or 0. */
export function hitRank(gold: GoldQuestion, quotes: readonly Pick<Quote, 'text'>[]): number {
  const expected = gold.expect.map(normaliseForMatch);
  const index = quotes.findIndex((q) => expected.some((e) => normaliseForMatch(q.text).includes(e)));
  return index + 1;
}

export interface ScoredAnswer {
  gold: GoldQuestion;
  verdict: 'answered' | 'related' | 'refused';
  answered: boolean;
  quotes: Quote[];
  /** The closest passages of a "related" verdict. */
  related: Quote[];
  /** Quotes whose text is not exactly fileText.slice(start, end). */
  nonVerbatim: number;
  /** Read with the question it followed. */
  followed?: boolean;
}

export function summarise(results: readonly ScoredAnswer[]): EvalSummary {
  const answerable = results.filter((r) => !r.gold.unanswerable);
  const unanswerable = results.filter((r) => r.gold.unanswerable);
  const rankOf = (r: ScoredAnswer) => (r.answered ? hitRank(r.gold, r.quotes) : 0);
  const ranks = answerable.map(rankOf);
  const shownRanks = answerable.map((r) => hitRank(r.gold, r.answered ? r.quotes : r.related));
  const share = (n: number, d: number) => (d === 0 ? 0 : n / d);
  return {
    questions: results.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    recallAt1: share(ranks.filter((r) => r === 1).length, answerable.length),
    recallAt3: share(ranks.filter((r) => r >= 1 && r <= 3).length, answerable.length),
    mrr: share(ranks.reduce((s, r) => s + (r > 0 ? 1 / r : 0), 0), answerable.length),
    shownAt1: share(shownRanks.filter((r) => r === 1).length, answerable.length),
    shownAt3: share(shownRanks.filter((r) => r >= 1 && r <= 3).length, answerable.length),
    abstention: share(unanswerable.filter((r) => !r.answered).length, unanswerable.length),
    refused: share(unanswerable.filter((r) => r.verdict === 'refused').length, unanswerable.length),
    falseAbstention: share(answerable.filter((r) => !r.answered).length, answerable.length),
    refusedOutright: share(answerable.filter((r) => r.verdict === 'refused').length, answerable.length),
    relatedHit: share(answerable.filter((r) => r.verdict === 'related' && hitRank(r.gold, r.related) > 0).length, answerable.length),
    nonVerbatim: results.reduce((s, r) => s + r.nonVerbatim, 0),
    followUps: results.filter((r) => r.gold.after !== undefined).length,
    readWithEarlier: results.filter((r) => r.followed === true).length,
    misses: results
      .filter((r) => (r.gold.unanswerable ? r.answered : rankOf(r) !== 1))
      .map((r) => ({ q: r.gold.q, ...(r.quotes[0] ? { got: r.quotes[0].text } : {}) })),
  };
}

/** Summaries per value of a gold label (type or style), in first-seen order; questions without the label count as "unlabelled". */
export function summariseBy(results: readonly ScoredAnswer[], label: 'type' | 'style'): { group: string; summary: EvalSummary }[] {
  const groups = groupBy(results, (r) => r.gold[label] ?? 'unlabelled');
  return [...groups].map(([group, members]) => ({ group, summary: summarise(members) }));
}
