/**
 * The documents as they are on disk now, for the verbatim check: the same
 * decoding as an index build (documentText), re-read whenever a file's size
 * or modification time changes. Bounded by the characters it holds, not by
 * a count of files: 128 files were 5 MB of news or a gigabyte of long HTML,
 * and fewer than the documents a round of 30 questions quotes from a large
 * archive, so asking the round again missed every time (least recently used
 * goes first). 32 M characters: 64 MB at most.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LiveText } from '../quote/verify.js';
import { documentText } from './read.js';

export function liveTexts(corpusDir: string, capChars = 32 * 2 ** 20): LiveText {
  const cache = new Map<string, { stamp: string; text: string | undefined }>();
  let held = 0;
  const drop = (name: string) => {
    held -= cache.get(name)?.text?.length ?? 0;
    cache.delete(name);
  };
  return async (name) => {
    const path = join(corpusDir, name);
    const file = await stat(path).catch(() => undefined);
    if (!file?.isFile()) return undefined;
    const stamp = `${file.size}:${file.mtimeMs}`;
    const cached = cache.get(name);
    if (cached?.stamp === stamp) {
      // Re-inserted so the map's order is least recently used first.
      cache.delete(name);
      cache.set(name, cached);
      return cached.text;
    }
    const bytes = await readFile(path).catch(() => undefined);
    const page = bytes && documentText(name, bytes);
    const text = page && 'text' in page ? page.text : undefined;
    drop(name);
    cache.set(name, { stamp, text });
    held += text?.length ?? 0;
    // Least recently used first; the text just read stays even when it alone is over the cap.
    while (held > capChars && cache.size > 1) drop(cache.keys().next().value!);
    return text;
  };
}
