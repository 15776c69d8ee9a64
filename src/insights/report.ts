/**
 * `npm run insights`, the numbers: what the question log and the votes say
 * about a period — questions per day and front end, the outcomes, latency,
 * what went unanswered (grouped by meaning, group.ts), the 👎 votes with
 * what they were given, and which documents are quoted and which never.
 * Pure: records, votes, the index's documents and the unanswered questions'
 * vectors in; one report out, which render.ts prints, as text, JSON or HTML.
 */
import { groupBy } from '../group.js';
import { percentile } from '../percentile.js';
import { groupByMeaning } from './group.js';

/** A question-log line as read back: every field may be missing from a line an older version wrote. */
export interface LoggedQuestion {
  at: string;
  frontEnd?: string;
  asked?: string;
  readAs?: string | null;
  outcome?: string;
  quotes?: { doc: string; start: number; end: number; paragraph?: number }[];
  ms?: { total?: number } | null;
  replyId?: string | null;
}

export interface LoggedVote {
  at: string;
  verdict?: string;
  messageId?: string;
  question?: string | null;
  shown?: string;
}

const VERDICTS = ['answered', 'related', 'refused'] as const;
const OTHER_OUTCOMES = ['busy', 'slowed', 'error'] as const;
/** Examples shown per group of unanswered questions. */
const EXAMPLES = 2;
/** Groups of unanswered questions, documents and 👎 votes listed at most. */
export const LISTED = 20;

export interface DayCount {
  day: string;
  answered: number;
  related: number;
  refused: number;
  /** Busy, slowed down, or failed. */
  other: number;
  /** Latency of the day's answers (ms), null without any. */
  p50: number | null;
  p95: number | null;
}

export interface InsightsReport {
  period: { from: string; to: string; days: number };
  questions: { total: number; perDay: DayCount[]; perFrontEnd: Record<string, number> };
  verdicts: Record<(typeof VERDICTS)[number] | (typeof OTHER_OUTCOMES)[number], number>;
  latency: { p50: number | null; p95: number | null };
  /** Related or refused, grouped by meaning, the most asked first. */
  unanswered: { count: number; examples: string[]; related: number; refused: number }[];
  downvotes: { at: string; question: string | null; quotes: { doc: string; start: number; end: number; paragraph?: number }[]; shown: string }[];
  upvotes: number;
  documents: {
    quoted: { doc: string; title: string; count: number; paragraphs: { paragraph: number; count: number }[] }[];
    never_quoted: { doc: string; title: string }[];
  };
}

const DAY_MS = 86_400_000;
const dayOf = (at: string) => at.slice(0, 10);

/** The records of the last `days` days up to `now` (UTC): those a report covers. */
export function within<T extends { at: string }>(records: readonly T[], now: number, days: number): T[] {
  const from = now - days * DAY_MS;
  return records.filter((r) => {
    const t = Date.parse(r.at);
    return t >= from && t <= now;
  });
}

/** What an unanswered question asked, as the engine read it, and how often it was asked (identical texts folded). */
export function unansweredQuestions(records: readonly LoggedQuestion[]): { text: string; count: number; related: number; refused: number }[] {
  const unanswered = records.filter((r) => r.outcome === 'related' || r.outcome === 'refused');
  const byText = groupBy(unanswered, (r) => (r.readAs ?? r.asked ?? '').trim().toLowerCase().replace(/\s+/g, ' '));
  return [...byText]
    .filter(([text]) => text !== '')
    .map(([, rs]) => ({ text: (rs[0]!.readAs ?? rs[0]!.asked)!.trim(), count: rs.length, related: rs.filter((r) => r.outcome === 'related').length, refused: rs.filter((r) => r.outcome === 'refused').length }))
    .sort((a, b) => b.count - a.count);
}

const round = (ms: number | null) => (ms === null ? null : Math.round(ms * 10) / 10);
const latencyOf = (records: readonly LoggedQuestion[]) => {
  const ms = records.flatMap((r) => (VERDICTS.includes(r.outcome as never) && typeof r.ms?.total === 'number' ? [r.ms.total] : []));
  return ms.length === 0 ? { p50: null, p95: null } : { p50: round(percentile(ms, 50)), p95: round(percentile(ms, 95)) };
};

export interface ReportInput {
  records: readonly LoggedQuestion[];
  votes: readonly LoggedVote[];
  /** The documents the index answers from: which were never quoted. */
  documents: readonly { name: string; title: string }[];
  /** unansweredQuestions(records) in order, each with its unit vector (the embedding model's). */
  unanswered: readonly { text: string; count: number; related: number; refused: number; vector: Float32Array }[];
  now: number;
  days: number;
}

export function buildReport({ records: all, votes: allVotes, documents, unanswered, now, days }: ReportInput): InsightsReport {
  const records = within(all, now, days);
  const votes = within(allVotes, now, days);
  const perDay = [...groupBy([...records].sort((a, b) => a.at.localeCompare(b.at)), (r) => dayOf(r.at))].map(([day, rs]): DayCount => ({
    day,
    answered: rs.filter((r) => r.outcome === 'answered').length,
    related: rs.filter((r) => r.outcome === 'related').length,
    refused: rs.filter((r) => r.outcome === 'refused').length,
    other: rs.filter((r) => !VERDICTS.includes(r.outcome as never)).length,
    ...latencyOf(rs),
  }));
  const count = (outcome: string) => records.filter((r) => r.outcome === outcome).length;
  const groups = groupByMeaning(unanswered.map((u) => ({ item: u, vector: u.vector })))
    .map((members) => {
      const byCount = [...members].sort((a, b) => b.count - a.count);
      const sum = (key: 'count' | 'related' | 'refused') => members.reduce((s, m) => s + m[key], 0);
      return { count: sum('count'), examples: byCount.slice(0, EXAMPLES).map((m) => m.text), related: sum('related'), refused: sum('refused') };
    })
    .sort((a, b) => b.count - a.count)
    .slice(0, LISTED);
  const byReply = new Map(records.flatMap((r) => (r.replyId ? [[r.replyId, r] as const] : [])));
  const downvotes = votes
    .filter((v) => v.verdict === 'down')
    .map((v) => ({ at: v.at, question: v.question ?? byReply.get(v.messageId ?? '')?.asked ?? null, quotes: byReply.get(v.messageId ?? '')?.quotes ?? [], shown: v.shown ?? '' }))
    .slice(-LISTED)
    .reverse();
  const quotes = records.flatMap((r) => r.quotes ?? []);
  const titleOf = new Map(documents.map((d) => [d.name, d.title]));
  const quoted = [...groupBy(quotes, (q) => q.doc)]
    .map(([doc, qs]) => ({
      doc,
      title: titleOf.get(doc) ?? doc,
      count: qs.length,
      paragraphs: [...groupBy(qs.filter((q) => q.paragraph !== undefined), (q) => q.paragraph!)].map(([paragraph, ps]) => ({ paragraph, count: ps.length })).sort((a, b) => b.count - a.count || a.paragraph - b.paragraph).slice(0, 3),
    }))
    .sort((a, b) => b.count - a.count || a.doc.localeCompare(b.doc));
  const quotedNames = new Set(quoted.map((q) => q.doc));
  return {
    period: { from: new Date(now - days * DAY_MS).toISOString(), to: new Date(now).toISOString(), days },
    questions: { total: records.length, perDay, perFrontEnd: Object.fromEntries([...groupBy(records, (r) => r.frontEnd ?? 'unknown')].map(([f, rs]) => [f, rs.length])) },
    verdicts: Object.fromEntries([...VERDICTS, ...OTHER_OUTCOMES].map((o) => [o, count(o)])) as InsightsReport['verdicts'],
    latency: latencyOf(records),
    unanswered: groups,
    downvotes,
    upvotes: votes.filter((v) => v.verdict === 'up').length,
    documents: { quoted: quoted.slice(0, LISTED), never_quoted: documents.filter((d) => !quotedNames.has(d.name)).map((d) => ({ doc: d.name, title: d.title })) },
  };
}
