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

/** The write in progress: votes are written one after another (one chain per process, so bounded). */
let writing: Promise<unknown> = Promise.resolve();

/**
 * One write of one line with O_APPEND. Bounded: once the file reaches
 * `maxBytes` it is renamed to `<file>.1` (replacing the older one) and a new
 * file is started, so at most about twice `maxBytes` is ever kept. Writes
 * take turns: two votes that both saw a full file would both rotate it, the
 * second renaming the first one's fresh file over the kept one.
 */
export function recordFeedback(file: string, entry: FeedbackEntry, maxBytes = Number.POSITIVE_INFINITY): Promise<void> {
  const written = writing.then(() => appendRotating(file, `${JSON.stringify(entry)}\n`, maxBytes));
  writing = written.catch(() => undefined);
  return written;
}

async function appendRotating(file: string, line: string, maxBytes: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const size = await stat(file).then((s) => s.size, () => 0);
  if (size >= maxBytes) await rename(file, `${file}.1`);
  await appendFile(file, line);
}
