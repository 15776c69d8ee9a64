/**
 * The operator's record of what people asked (issue 29): one JSON line per
 * question the bot handles (and, with --log, the CLI's), in
 * QUESTION_LOG_FILE, bounded by QUESTION_LOG_MAX_BYTES and QUESTION_LOG_DAYS
 * (append-log.ts). Nothing about the asker is kept: no user id, no name, not
 * the asker's message id; only where it was asked (guild and channel), what
 * was asked and read, what came back, how long it took, and the bot's own
 * reply id so a 👍/👎 on that reply joins to its question.
 */
import type { Answer } from '../search/engine.js';
import type { Reading } from '../search/follow-up.js';
import { appendLog, type AppendLog } from './append-log.js';

export type FrontEnd = 'mention' | 'ask' | 'follow-up' | 'find' | 'cli';
/** The verdict, or why there was none: turned away as busy or too fast, or failed. */
export type Outcome = 'answered' | 'related' | 'refused' | 'busy' | 'slowed' | 'error';

export interface QuestionRecord {
  frontEnd: FrontEnd;
  guildId: string | null;
  channelId: string | null;
  /** As asked, mentions stripped. */
  asked: string;
  /** What the engine was asked when it was not the question as typed (a follow-up's reading). */
  readAs: string | null;
  outcome: Outcome;
  /** The quotes shown, answer or closest passages. */
  quotes: { doc: string; start: number; end: number; paragraph: number }[];
  scores: { onTopic: number; answers: number; reader: number } | null;
  /** Each stage's milliseconds, and the total. */
  ms: Record<string, number> | null;
  generation: string | null;
  model: string | null;
  reader: string | null;
  /** The bot's reply message, when there is one. */
  replyId: string | null;
}

/** What a question's record says of its answer: everything but where it was asked and the reply. */
export type AnswerRecord = Pick<QuestionRecord, 'asked' | 'readAs' | 'outcome' | 'quotes' | 'scores' | 'ms' | 'generation' | 'model' | 'reader'>;

const fixed = (value: number, digits: number) => Number(value.toFixed(digits));

/** The record of an answered question (pure). */
export function answerRecord(asked: string, reading: Reading, answer: Answer, totalMs: number): AnswerRecord {
  const { trace } = answer;
  return {
    asked,
    readAs: reading.followed ? reading.question : null,
    outcome: answer.verdict,
    quotes: [...answer.quotes, ...answer.related].map(({ doc, start, end, paragraph }) => ({ doc, start, end, paragraph })),
    scores: trace ? { onTopic: fixed(trace.scores.onTopic, 4), answers: fixed(trace.scores.answers, 4), reader: fixed(trace.scores.reader, 3) } : null,
    ms: { ...(trace ? Object.fromEntries(Object.entries(trace.timings).map(([stage, ms]) => [stage.replace(/Ms$/, ''), fixed(ms, 2)])) : {}), total: fixed(totalMs, 2) },
    generation: trace?.generation ?? null,
    model: trace?.model ?? null,
    reader: trace?.reader ?? null,
  };
}

/** The record of a question that got no answer: turned away, or failed. */
export function unansweredRecord(asked: string, outcome: 'busy' | 'slowed' | 'error'): AnswerRecord {
  return { asked, readAs: null, outcome, quotes: [], scores: null, ms: null, generation: null, model: null, reader: null };
}

export interface QuestionLog {
  record(record: QuestionRecord): Promise<void>;
  prune(): Promise<void>;
  flush(): Promise<void>;
}

export interface QuestionLogOptions {
  file: string;
  /** 0 turns the log off. */
  days: number;
  maxBytes: number;
  now?: () => number;
}

/** The log, or one that keeps nothing when QUESTION_LOG_DAYS is 0. */
export function questionLog({ file, days, maxBytes, now }: QuestionLogOptions): QuestionLog {
  if (days <= 0) return { record: async () => undefined, prune: async () => undefined, flush: async () => undefined };
  const log: AppendLog = appendLog({ file, days, maxBytes, ...(now ? { now } : {}) });
  return { record: (record) => log.append({ ...record }), prune: () => log.prune(), flush: () => log.flush() };
}
