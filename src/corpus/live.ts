/**
 * The documents as they are on disk now, for the verbatim check. A file with
 * the size and modification time it was indexed with is checked at each
 * quote's own bytes; any other is read whole, with the same decoding as an
 * index build (documentText), and its text kept until its size or
 * modification time changes.
 *
 * The kept texts are bounded by the characters they hold, not by a count of
 * files: 128 files were 5 MB of news or a gigabyte of long HTML, and fewer
 * than the documents a round of 30 questions quotes from a large archive, so
 * asking the round again missed every time (least recently used goes first).
 * 32 M characters: 64 MB at most.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readFully } from '../fs/positional.js';
import { documentText, fileStamp, ownStamp } from './read.js';

/** What the check needs of a quote: where it claims to be, and what it claims is there. */
export interface QuoteAt {
  doc: string;
  start: number;
  end: number;
  text: string;
  /** UTF-8 offset of `start` in the file as indexed, when its text is the file's bytes: the check reads just those. */
  byteStart?: number;
}

/**
 * Which of these quotes, all of one document, the document as it is now holds
 * verbatim (false for every one when it is gone or unreadable).
 */
export type LiveCheck = (doc: string, quotes: readonly QuoteAt[]) => Promise<boolean[]>;

export interface LiveOptions {
  /** Characters of whole texts kept (default 32 M). */
  capChars?: number;
  /** The stamp a document had when it was indexed: its quotes' byte offsets hold for that file only. */
  indexedStamp?: (doc: string) => string | undefined;
}

/** Checks quotes against the corpus folder as it is now. */
export function liveDocuments(corpusDir: string, options: LiveOptions = {}): LiveCheck {
  const texts = liveTexts(corpusDir, options.capChars);
  return async (doc, quotes) => {
    const atBytes = atTheirBytes(join(corpusDir, doc), quotes, options.indexedStamp?.(doc));
    if (atBytes) return atBytes;
    const text = await texts(doc);
    return quotes.map((quote) => text !== undefined && text.slice(quote.start, quote.end) === quote.text);
  };
}

/**
 * Whether the file holds each quote's UTF-8 bytes at its byte offset, when the
 * file is the one indexed (same size and modification time: the offsets of
 * that file are the index's) and every quote has a byte offset; undefined
 * when it cannot tell, and the whole text is read instead. At 2 M sentences,
 * reading and decoding a first answer's six files took 5–13 ms; six quotes'
 * bytes take a fraction of a millisecond. Synchronous: six small reads took
 * 0.12 ms, against 0.89 ms as round trips through libuv's threads.
 */
function atTheirBytes(path: string, quotes: readonly QuoteAt[], indexedStamp: string | undefined): boolean[] | undefined {
  if (indexedStamp === undefined || quotes.some((quote) => quote.byteStart === undefined)) return undefined;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const file = fstatSync(fd);
    if (!file.isFile() || fileStamp(file) !== ownStamp(indexedStamp)) return undefined;
    return quotes.map((quote) => {
      const expected = Buffer.from(quote.text);
      const found = Buffer.alloc(expected.length);
      try {
        readFully(fd, found, quote.byteStart!);
      } catch {
        return false;
      }
      return found.equals(expected);
    });
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** A document's whole text as it is now (undefined when it is gone or unreadable), kept while its file is unchanged. */
export function liveTexts(corpusDir: string, capChars = 32 * 2 ** 20): (doc: string) => Promise<string | undefined> {
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
    const stamp = fileStamp(file);
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
