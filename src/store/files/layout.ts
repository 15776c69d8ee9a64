/**
 * On-disk layout of index/: each build writes a complete generation folder,
 * then atomically replaces current.json, the pointer readers follow. A reader
 * therefore sees the old generation or the new one, never a mix; the previous
 * generation is kept one build longer for readers still holding it.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../../fs/atomic.js';

export const POINTER = 'current.json';
export const FILES = {
  manifest: 'manifest.json',
  store: 'passages.bin',
  vectors: 'vectors.f32',
  graph: 'hnsw.bin',
  lexical: 'lexical.bin',
  templates: 'templates.bin',
} as const;

/** The data files a full build writes, which every later overlay generation links (the manifest is each one's own). */
export const BASE_FILES = [FILES.store, FILES.vectors, FILES.graph, FILES.lexical, FILES.templates] as const;

/** An overlay generation's own files (store/write/overlay), beside the base's linked ones. */
export const OVERLAY_FILES = {
  store: 'overlay.passages.bin',
  vectors: 'overlay.vectors.f32',
  graph: 'overlay.hnsw.bin',
  lexical: 'overlay.lexical.bin',
} as const;

async function readPointer(indexDir: string): Promise<{ generation?: unknown; previous?: unknown }> {
  try {
    return JSON.parse(await readFile(join(indexDir, POINTER), 'utf8')) as { generation?: unknown; previous?: unknown };
  } catch {
    return {};
  }
}

export async function currentGeneration(indexDir: string): Promise<string | undefined> {
  const { generation } = await readPointer(indexDir);
  return typeof generation === 'string' ? join(indexDir, generation) : undefined;
}

/** The generation the current one replaced, kept for readers: the fallback when the current one is damaged. */
export async function previousGeneration(indexDir: string): Promise<string | undefined> {
  const { previous } = await readPointer(indexDir);
  return typeof previous === 'string' ? join(indexDir, previous) : undefined;
}

/**
 * A name no other build has used: time and pid alone repeat when one process
 * builds twice within a millisecond, and the second build then wrote into the
 * generation readers were using (seen in the concurrent-builders test).
 */
export function newGenerationName(): string {
  return `gen-${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Points readers at the new generation, then removes all but it and the one
 * it replaces — whatever the build was (a --force build or one that could not
 * read the previous index keeps it too). Called under the index lock.
 */
export async function publishGeneration(indexDir: string, generation: string): Promise<void> {
  const replaced = (await currentGeneration(indexDir))?.split(/[\\/]/).at(-1);
  await writeFileAtomic(join(indexDir, POINTER), JSON.stringify({ generation, ...(replaced ? { previous: replaced } : {}) }));
  await removeOrphans(indexDir);
}

/**
 * Removes what a killed or failed build left behind — generation folders
 * current.json names neither as current nor as previous, and temp files of
 * interrupted atomic writes — so a full disk that stopped one build does not
 * stop the next. Only under the index lock: no other writer can be using them.
 */
export async function removeOrphans(indexDir: string): Promise<string[]> {
  const { generation, previous } = await readPointer(indexDir);
  const keep = new Set([generation, previous]);
  const entries = await readdir(indexDir).catch(() => []);
  const orphans = entries.filter((e) => (e.startsWith('gen-') && !keep.has(e)) || (e.startsWith('.') && e.endsWith('.tmp')));
  for (const entry of orphans) await rm(join(indexDir, entry), { recursive: true, force: true });
  return orphans;
}
