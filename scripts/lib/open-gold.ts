/**
 * The engines the fitting and study scripts ask gold questions of: the model
 * once, an engine per corpus a gold file is asked of, and the bench's archive.
 */
import { cp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copySotu } from '../bench.js';
import { loadConfig, PROJECT_ROOT, type Config } from '../../src/config/env.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { goldEngines, openEmbedder, openEngine } from '../../src/open.js';
import type { SearchEngine } from '../../src/search/engine.js';

export async function openConfiguredEngine(env: Record<string, string | undefined> = process.env): Promise<{ engine: SearchEngine; embedder: Embedder; config: Config }> {
  const config = loadConfig(env);
  const embedder = await openEmbedder(config);
  return { engine: await openEngine(config, embedder, { onMessage: (l) => console.error(l) }), embedder, config };
}

/** The model once, and for each gold file the engine over the corpus it is asked of (configForGold), one per corpus. */
export async function openGold(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(env);
  const embedder = await openEmbedder(config);
  const askedOf = goldEngines(config, embedder, { onMessage: (l) => console.error(l) });
  return {
    embedder,
    configFor: (file: string) => askedOf(file).config,
    engineFor: (file: string) => askedOf(file).engine,
  };
}

/**
 * An engine over the project's articles with the first `addresses` State of
 * the Union addresses beside them (the bench's archive), in a fixed scratch
 * folder so a second run only updates its index.
 */
export async function openArchiveEngine(addresses: number): Promise<SearchEngine> {
  const dir = join(tmpdir(), `quotebot-archive-${addresses}`);
  const corpusDir = join(dir, 'corpus');
  await mkdir(corpusDir, { recursive: true });
  await cp(join(PROJECT_ROOT, 'corpus'), corpusDir, { recursive: true });
  await copySotu(corpusDir, addresses);
  return (await openConfiguredEngine({ ...process.env, CORPUS_DIR: corpusDir, INDEX_DIR: join(dir, 'index') })).engine;
}
