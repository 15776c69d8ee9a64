/**
 * The sha256 of a model file, recomputed only when the file's size or
 * modification time changes. Hashing 45-90 MB of weights on every start
 * would cost more than the rest of a cold start together.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { fail, oneLine } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { readCachedJson } from '../fs/json.js';

interface HashRecord {
  size: number;
  mtimeMs: number;
  sha256: string;
}

export async function cachedFileHash(file: string, cacheFile: string, model: string): Promise<string> {
  const info = await stat(file).catch((error: unknown) => {
    throw fail('MODEL_LOAD_FAILED', model, oneLine(error));
  });
  const cached = await readCachedJson<HashRecord>(cacheFile);
  if (cached.size === info.size && cached.mtimeMs === info.mtimeMs && typeof cached.sha256 === 'string') return cached.sha256;
  const sha256 = createHash('sha256').update(await readFile(file)).digest('hex');
  // A cache that cannot be written (read-only models folder) only costs the next start a re-hash.
  await writeFileAtomic(cacheFile, JSON.stringify({ size: info.size, mtimeMs: info.mtimeMs, sha256 } satisfies HashRecord)).catch(() => undefined);
  return sha256;
}
