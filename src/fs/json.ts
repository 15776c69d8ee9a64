/**
 * Reads a JSON file that only caches what can be recomputed: a missing,
 * unreadable or garbled file is the same as no cache, never a failed start.
 */
import { readFile } from 'node:fs/promises';

export async function readCachedJson<T>(file: string): Promise<Partial<T>> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Partial<T>) : {};
  } catch {
    return {};
  }
}
