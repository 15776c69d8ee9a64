/**
 * The composition root every front end shares (CLI, bot, bench): the model,
 * an index that is up to date with corpus/, and a search engine over them.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Config } from './config/env.js';
import { problemOnly, QuotebotError } from './errors.js';
import { readChanged } from './corpus/read.js';
import { createEmbedder, type Embedder } from './embed/embedder.js';
import { liveDocuments, type LiveCheck } from './corpus/live.js';
import { createSearchEngine, type SearchEngine } from './search/engine.js';
import { buildIndex } from './store/write/build.js';
import type { BuildOptions, BuildReport } from './store/write/build-options.js';
import { sameModel } from './store/files/format.js';
import { currentGeneration } from './store/files/layout.js';
import { loadIndex, loadIndexOrPrevious, readManifest, type LoadedIndex } from './store/read/load.js';
import { searchView } from './store/read/search-view.js';
import { watchGeneration } from './store/read/watch.js';

export interface Hooks {
  /** Human-readable progress lines (stderr in the CLI, the log in the bot). */
  onMessage?: (line: string) => void;
  onProgress?: (done: number, total: number) => void;
  /** Documents whose quotes failed the verbatim check (edited since they were indexed): they need re-indexing. */
  onStale?: (docs: string[]) => void;
}

/**
 * A gold file that sits beside a corpus/ folder of its own (tests/gold/squad2) is asked of that
 * corpus, indexed under INDEX_DIR/eval/<its folder>; any other is asked of the configured corpus.
 */
export function configForGold(config: Config, goldFile: string): Config {
  const folder = dirname(resolve(goldFile));
  const corpusDir = join(folder, 'corpus');
  return existsSync(corpusDir) ? { ...config, corpusDir, indexDir: join(config.indexDir, 'eval', basename(folder)) } : config;
}

/** For each gold file, the configuration it is asked under (configForGold) and an engine over it: one per corpus, opened on first use. */
export function goldEngines(config: Config, embedder: Embedder, hooks: Hooks = {}): (goldFile: string) => { config: Config; engine: Promise<SearchEngine> } {
  const engines = new Map<string, Promise<SearchEngine>>();
  return (goldFile) => {
    const asked = configForGold(config, goldFile);
    if (!engines.has(asked.corpusDir)) engines.set(asked.corpusDir, openEngine(asked, embedder, hooks));
    return { config: asked, engine: engines.get(asked.corpusDir)! };
  };
}

export function openEmbedder(config: Config): Promise<Embedder> {
  return createEmbedder({
    model: config.embedModel,
    modelsDir: config.modelsDir,
    precision: config.precision,
    ...(config.embedWorkers ? { workers: config.embedWorkers } : {}),
  });
}

/**
 * Why the index must be (re)built before answering. Only files whose size or
 * modification time moved since the index recorded them are read (an
 * archive is hundreds of megabytes; a start after one edit reads one file).
 */
export async function staleness(config: Config, embedder: Embedder): Promise<{ reason?: string }> {
  const dir = await currentGeneration(config.indexDir);
  if (!dir) return { reason: 'No index yet: building it now (first run only).' };
  let manifest;
  try {
    manifest = await readManifest(dir);
  } catch (error) {
    // An upgrade that changes the format is expected, not damage: said as such.
    const older = error instanceof QuotebotError && error.code === 'INDEX_VERSION';
    return { reason: older ? 'The index was written by another version of Quotebot: rebuilding it.' : 'The index is unreadable: rebuilding it.' };
  }
  if (!sameModel(manifest, embedder)) {
    return { reason: `The index was built with another model (${manifest.model.id}): rebuilding it.` };
  }
  const indexed = manifest.documents;
  const { documents, unread } = await readChanged(config.corpusDir, (name, stamp) => indexed[name]?.stamp === stamp);
  if (documents.length === 0 && unread.size === Object.keys(indexed).length) return {};
  const changed = documents.length + unread.size !== Object.keys(indexed).length || documents.some((d) => indexed[d.name]?.sha256 !== d.sha256);
  if (changed) return { reason: 'The corpus changed since the last index: updating it.' };
  // Same content, new stamps (a checkout, a copy): one build with nothing to embed records them, so later starts skip reading again.
  return { reason: 'Corpus files were touched but not changed: recording their new times.' };
}

export async function updateIndex(
  config: Config,
  embedder: Embedder,
  hooks: Hooks,
  options: Pick<BuildOptions, 'force' | 'wait' | 'reread'> = {},
): Promise<BuildReport> {
  const report = await buildIndex({
    corpusDir: config.corpusDir,
    indexDir: config.indexDir,
    embedder,
    ...options,
    ...(hooks.onMessage ? { onMessage: hooks.onMessage } : {}),
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
  });
  report.warnings.forEach((w) => hooks.onMessage?.(w));
  return report;
}

/**
 * Starts reading the current index, unchecked, so its files load while the
 * model does; openEngine uses it only if it turns out current and of the same model.
 */
export function preloadIndex(config: Config): Promise<LoadedIndex | undefined> {
  return loadIndex(config.indexDir).catch(() => undefined);
}

/** The corpus folder as it is now, checked against what this index recorded of each file. */
export function liveCorpus(config: Config, index: LoadedIndex): LiveCheck {
  return liveDocuments(config.corpusDir, { indexedStamp: (doc) => index.manifest.documents[doc]?.stamp });
}

/** An engine over a loaded index, checking its quotes against the corpus folder as it is now. */
export function engineOver(config: Config, index: LoadedIndex, embedder: Embedder, hooks: Hooks = {}): SearchEngine {
  return createSearchEngine(searchView(index), embedder, {
    live: liveCorpus(config, index),
    ...(hooks.onStale ? { onStale: hooks.onStale } : {}),
  });
}

/**
 * An engine over a current index, building or updating the index first when needed. The reader loads
 * meanwhile: the first question needs it, and a damaged reader is reported now, not at the first question.
 */
export async function openEngine(
  config: Config,
  embedder: Embedder,
  hooks: Hooks = {},
  preloaded: Promise<LoadedIndex | undefined> = Promise.resolve(undefined),
): Promise<SearchEngine> {
  const [engine] = await Promise.all([openCurrentEngine(config, embedder, hooks, preloaded), embedder.readerId()]);
  return engine;
}

async function openCurrentEngine(config: Config, embedder: Embedder, hooks: Hooks, preloaded: Promise<LoadedIndex | undefined>): Promise<SearchEngine> {
  const { reason } = await staleness(config, embedder);
  if (reason) {
    hooks.onMessage?.(reason);
    await updateIndex(config, embedder, hooks);
    return engineOver(config, await loadIndex(config.indexDir, embedder), embedder, hooks);
  }
  const warn = (line: string) => hooks.onMessage?.(line);
  const early = await preloaded;
  const usable = early !== undefined && early.dir === (await currentGeneration(config.indexDir)) && sameModel(early.manifest, embedder);
  const index = usable ? early : await loadIndexOrPrevious(config.indexDir, embedder, warn).catch(async (error: unknown) => {
    // Neither the current generation nor the one kept behind it loads: build one (under the lock) rather than stop.
    if (!(error instanceof QuotebotError) || error.code !== 'INDEX_CORRUPT') throw error;
    warn(`${problemOnly(error)}; no usable index left: rebuilding it.`);
    await updateIndex(config, embedder, hooks);
    return loadIndex(config.indexDir, embedder);
  });
  return engineOver(config, index, embedder, hooks);
}

/** An engine that stays current: see followIndex. */
export interface IndexFollower {
  /** The engine over the newest index that loaded. */
  engine(): SearchEngine;
  /** Re-indexes the documents whose quotes were withheld since the last call and answers from the result; false when there were none. */
  reindexStale(): Promise<boolean>;
  /** Stops following published generations. */
  stop(): void;
}

export interface FollowOptions {
  preloaded?: Promise<LoadedIndex | undefined>;
  /** Follow the generations other processes publish (index --watch, a cron job); default true. */
  watch?: boolean;
  /** Re-index withheld documents at once, in the background (the bot), not when reindexStale is called (the CLI). */
  reindexInBackground?: boolean;
  onReindex?: (docs: string[]) => void;
  onReport?: (report: BuildReport) => void;
  /** A background re-index failed: the index stays as it was. */
  onReindexFailed?: (error: unknown) => void;
  onSwitched?: (engine: SearchEngine) => void;
  /** A published generation did not load: the previous engine keeps answering. */
  onKept?: (error: unknown) => void;
}

/**
 * The model's engine over an index that stays current, for a front end that
 * runs for a while (the CLI's prompt, the bot): a generation another process
 * publishes is switched to (or, when it does not load, the last good one
 * kept), and documents whose quotes failed the verbatim check are re-indexed
 * by content, in the background or when the caller says.
 */
export async function followIndex(config: Config, embedder: Embedder, hooks: Hooks, options: FollowOptions = {}): Promise<IndexFollower> {
  const withheld = new Set<string>();
  let reindexing: Promise<unknown> | undefined;
  const reindex = async (docs: string[]) => {
    options.onReindex?.(docs);
    options.onReport?.(await updateIndex(config, embedder, hooks, { reread: docs }));
  };
  const engineHooks: Hooks = {
    ...hooks,
    onStale: (docs) => {
      if (!options.reindexInBackground) return docs.forEach((d) => withheld.add(d));
      // One at a time: the generation watcher switches to its result.
      reindexing ??= reindex(docs)
        .catch((error: unknown) => options.onReindexFailed?.(error))
        .finally(() => (reindexing = undefined));
    },
  };
  let current = await openEngine(config, embedder, engineHooks, options.preloaded);
  /**
   * Switches to the published generation unless it is the one answering (true when it switched): the
   * watcher and a re-index on demand both call it, so whichever comes second loads nothing.
   */
  const switchToPublished = async () => {
    if ((await currentGeneration(config.indexDir)) === current.index.generation) return false;
    current = engineOver(config, await loadIndexOrPrevious(config.indexDir, embedder, (line) => hooks.onMessage?.(line)), embedder, engineHooks);
    return true;
  };
  const stop =
    options.watch === false
      ? () => undefined
      : watchGeneration(config.indexDir, async () => {
          try {
            if (await switchToPublished()) options.onSwitched?.(current);
          } catch (error) {
            options.onKept?.(error);
          }
        });
  return {
    engine: () => current,
    async reindexStale() {
      if (withheld.size === 0) return false;
      const docs = [...withheld];
      withheld.clear();
      await reindex(docs);
      await switchToPublished();
      return true;
    },
    stop,
  };
}
