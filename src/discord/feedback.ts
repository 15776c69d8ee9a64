/**
 * 👍/👎 on an answer, appended as one JSON line per vote to a local file the
 * operator can read (npm run insights): which reply, which verdict, and the
 * question and quotes as the reply showed them. Nothing about the voter is
 * kept. Bounded like the question log: rotated at FEEDBACK_MAX_BYTES, pruned
 * after FEEDBACK_DAYS (journal/append-log.ts).
 */
import type { Config } from '../config/env.js';
import { appendLog, type AppendLog } from '../journal/append-log.js';

export interface FeedbackEntry {
  at: string;
  verdict: 'up' | 'down';
  guildId: string | null;
  channelId: string;
  /** The bot's reply voted on: the question log's `replyId` of the same answer. */
  messageId: string;
  question: string | null;
  shown: string;
}

export function feedbackLog(d: Pick<Config['discord'], 'feedbackFile' | 'feedbackMaxBytes' | 'feedbackDays'>, now?: () => number): AppendLog {
  return appendLog({ file: d.feedbackFile, maxBytes: d.feedbackMaxBytes, days: d.feedbackDays, ...(now ? { now } : {}) });
}
