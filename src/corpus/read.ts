/**
 * The corpus edge: lists and reads the documents in corpus/. A file that is
 * binary, not UTF-8 or unreadable is skipped with a warning; the rest are
 * still indexed. An optional <file>.meta.json sidecar overrides metadata.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fail, oneLine } from '../errors.js';
import type { DocMeta } from '../segment/metadata.js';
import { htmlToText } from './html.js';

export const DOCUMENT_EXTENSIONS = new Set(['.txt', '.md', '.html', '.htm']);
const SIDECAR = '.meta.json';
const META_FIELDS = ['title', 'publisher', 'date', 'byline', 'url'] as const;

export interface SourceDocument {
  /** File name relative to the corpus folder: the `doc` of every quote. */
  name: string;
  /** The text quotes are sliced from: the file itself, or the extracted text of an HTML page. */
  text: string;
  /** sha256 of the file's bytes and its sidecar. */
  sha256: string;
  /** Size and modification time of the file and its sidecar: unchanged stamps let a start skip reading. */
  stamp: string;
  /** Metadata that wins over what is read from the text (sidecar, HTML head). */
  metaOverride: DocMeta;
}

export interface CorpusRead {
  documents: SourceDocument[];
  warnings: string[];
}

/** Decodes bytes as UTF-8 text, or says why they are not a text document. */
export function decodeText(bytes: Buffer): { text: string } | { error: string } {
  if (bytes.includes(0)) return { error: 'it looks binary (contains NUL bytes)' };
  try {
    // A byte-order mark stays in the text: offsets then count what an editor or readFile shows, BOM included.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { text };
  } catch {
    return { error: 'it is not valid UTF-8 text' };
  }
}

/** The text quotes are sliced from: the decoded file, or an HTML page's extracted text, with its metadata. */
export function documentText(name: string, bytes: Buffer): { text: string; meta: DocMeta } | { error: string } {
  const decoded = decodeText(bytes);
  if ('error' in decoded) return decoded;
  return /\.html?$/i.test(name) ? htmlToText(decoded.text) : { text: decoded.text, meta: {} };
}

async function documentNames(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (error) {
    throw fail((error as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'CORPUS_NOT_FOLDER' : 'CORPUS_MISSING', dir);
  }
  return entries.filter((name) => !name.endsWith(SIDECAR) && !name.startsWith('.') && DOCUMENT_EXTENSIONS.has(extname(name).toLowerCase()));
}

/** "size:mtime" of a document plus its sidecar's, or undefined when it is not a regular file. */
async function stampOf(dir: string, name: string): Promise<string | undefined> {
  const file = await stat(join(dir, name));
  if (!file.isFile()) return undefined;
  const sidecar = await stat(join(dir, `${name}${SIDECAR}`)).catch(() => undefined);
  return `${file.size}:${file.mtimeMs}${sidecar ? `+${sidecar.size}:${sidecar.mtimeMs}` : ''}`;
}

/**
 * The stamps of every document in the folder, without reading any: enough to
 * tell that nothing changed since an index recorded the same stamps.
 */
export async function corpusStamps(dir: string): Promise<Map<string, string>> {
  const stamps = new Map<string, string>();
  for (const name of await documentNames(dir)) {
    const stamp = await stampOf(dir, name).catch(() => undefined);
    if (stamp) stamps.set(name, stamp);
  }
  return stamps;
}

export async function readCorpus(dir: string): Promise<CorpusRead> {
  const documents: SourceDocument[] = [];
  const warnings: string[] = [];
  for (const name of await documentNames(dir)) {
    const path = join(dir, name);
    let bytes: Buffer;
    let stamp: string | undefined;
    try {
      stamp = await stampOf(dir, name);
      if (!stamp) continue;
      bytes = await readFile(path);
    } catch (error) {
      warnings.push(fail('UNREADABLE_DOCUMENT', name, oneLine(error)).message);
      continue;
    }
    const page = documentText(name, bytes);
    if ('error' in page) {
      warnings.push(fail('UNREADABLE_DOCUMENT', name, page.error).message);
      continue;
    }
    const sidecar = await readSidecar(dir, name, warnings);
    documents.push({
      name,
      text: page.text,
      sha256: createHash('sha256').update(bytes).update(JSON.stringify(sidecar)).digest('hex'),
      stamp,
      metaOverride: { ...page.meta, ...sidecar },
    });
  }
  if (documents.length === 0) throw fail('EMPTY_CORPUS', dir);
  return { documents, warnings };
}

async function readSidecar(dir: string, name: string, warnings: string[]): Promise<DocMeta> {
  const file = `${name}${SIDECAR}`;
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const meta: DocMeta = {};
    for (const field of META_FIELDS) {
      const value = parsed[field];
      if (typeof value === 'string' && value.trim()) meta[field] = value.trim();
    }
    return meta;
  } catch (error) {
    warnings.push(fail('INVALID_SIDECAR', file, oneLine(error)).message);
    return {};
  }
}
