/**
 * 👍/👎 on an answer, appended as one JSON line per vote to a local file the
 * operator can read: which reply, which verdict, and the question and quotes
 * as the reply showed them. Nothing about the voter is kept.
 */
import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
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

/**
 * One write of one line with O_APPEND: concurrent votes never interleave inside
 * a line. Bounded: once the file reaches `maxBytes` it is renamed to
 * `<file>.1` (replacing the older one) and a new file is started, so at most
 * about twice `maxBytes` is ever kept.
 */
export async function recordFeedback(file: string, entry: FeedbackEntry, maxBytes = Number.POSITIVE_INFINITY): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const size = await stat(file).then((s) => s.size, () => 0);
  if (size >= maxBytes) await rename(file, `${file}.1`);
  await appendFile(file, `${JSON.stringify(entry)}\n`);
}
