/** Scratch folders under the OS temp dir, removed after each suite. */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { PROJECT_ROOT } from '../../src/config/env.js';

export async function scratch(withCorpus = true): Promise<{ dir: string; corpusDir: string; indexDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'quotebot-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const corpusDir = join(dir, 'corpus');
  if (withCorpus) await cp(join(PROJECT_ROOT, 'corpus'), corpusDir, { recursive: true });
  return { dir, corpusDir, indexDir: join(dir, 'index') };
}
