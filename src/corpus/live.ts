/**
 * The documents as they are on disk now, for the verbatim check: the same
 * decoding as an index build (documentText), re-read whenever a file's size
 * or modification time changes. Bounded: a bot answering from a large
 * archive keeps at most `cap` texts.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LiveText } from '../quote/verify.js';
import { documentText } from './read.js';

export function liveTexts(corpusDir: string, cap = 128): LiveText {
  const cache = new Map<string, { stamp: string; text: string | undefined }>();
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
    cache.delete(name);
    cache.set(name, { stamp, text });
    if (cache.size > cap) cache.delete(cache.keys().next().value!);
    return text;
  };
}
