/**
 * 👍/👎 on an answer, appended as one JSON line per vote to a local file the
 * operator can read: which reply, which verdict, and the question and quotes
 * as the reply showed them. Nothing about the voter is kept.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface FeedbackEntry {
  at: string;
  verdict: 'up' | 'down';
  guildId: string | null;
  channelId: string;
  messageId: string;
  question: string | null;
  shown: string;
}

/** One write of one line with O_APPEND: concurrent votes never interleave inside a line. */
export async function recordFeedback(file: string, entry: FeedbackEntry): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(entry)}\n`);
}
