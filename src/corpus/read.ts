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
  /** sha256 of the file's bytes. */
  sha256: string;
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
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text };
  } catch {
    return { error: 'it is not valid UTF-8 text' };
  }
}

export async function readCorpus(dir: string): Promise<CorpusRead> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch {
    throw fail('CORPUS_MISSING', dir);
  }
  const documents: SourceDocument[] = [];
  const warnings: string[] = [];
  for (const name of entries) {
    if (name.endsWith(SIDECAR) || name.startsWith('.') || !DOCUMENT_EXTENSIONS.has(extname(name).toLowerCase())) continue;
    const path = join(dir, name);
    let bytes: Buffer;
    try {
      if (!(await stat(path)).isFile()) continue;
      bytes = await readFile(path);
    } catch (error) {
      warnings.push(fail('UNREADABLE_DOCUMENT', name, oneLine(error)).message);
      continue;
    }
    const decoded = decodeText(bytes);
    if ('error' in decoded) {
      warnings.push(fail('UNREADABLE_DOCUMENT', name, decoded.error).message);
      continue;
    }
    const isHtml = /\.html?$/i.test(name);
    const page = isHtml ? htmlToText(decoded.text) : { text: decoded.text, meta: {} };
    const sidecar = await readSidecar(dir, name, warnings);
    documents.push({
      name,
      text: page.text,
      sha256: createHash('sha256').update(bytes).update(JSON.stringify(sidecar)).digest('hex'),
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
