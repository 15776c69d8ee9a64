/**
 * `quotebot index`: build or update the index from corpus/ (only new or
 * changed text is embedded); --verify checks the published files instead,
 * --watch keeps the index current until stopped.
 */
import { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { fail } from '../../errors.js';
import { updateIndex } from '../../open.js';
import { verifyIndex } from '../../store/read/verify.js';
import { INDEX_BUSY, type CliContext } from '../context.js';
import { renderBuildReport, renderVerify } from '../render.js';
import { corpusSnapshot, stopOnSignals, watchCorpus } from '../watch-corpus.js';

export function indexCommand(ctx: CliContext): Command {
  const { io, say } = ctx;
  return new Command('index')
    .description('build or update the index from corpus/ (only new or changed text is embedded)')
    .option('--force', 'rebuild everything from scratch')
    .option('--no-wait', `exit with code ${INDEX_BUSY} at once if another build is running, instead of waiting for it`)
    .option('--verify', 'check every index file against its recorded size and checksum, and that it loads; build nothing')
    .option('--watch', 'after the update, keep the index current as files in corpus/ change, until Ctrl-C')
    .action(async (options: { force?: boolean; wait: boolean; verify?: boolean; watch?: boolean }) => {
      const config = loadConfig(io.env);
      if (options.verify) {
        const verdicts = await verifyIndex(config.indexDir);
        if (verdicts.length === 0) throw fail('INDEX_MISSING', config.indexDir);
        say(renderVerify(verdicts));
        ctx.setExitCode(verdicts[0]!.files.every((f) => !f.problem) ? 0 : 1);
        return;
      }
      const embedder = await ctx.embedderFor(config);
      // Taken before the first build reads the files, so a change made while it runs is not missed.
      const seen = options.watch ? await corpusSnapshot(config.corpusDir) : '';
      const report = await updateIndex(config, embedder, ctx.hooks(), { force: Boolean(options.force), wait: options.wait });
      say(renderBuildReport(report));
      if (!options.watch) return;
      const stop = io.signal ? { signal: io.signal, release: () => undefined } : stopOnSignals();
      try {
        await watchCorpus({
          corpusDir: config.corpusDir,
          seen,
          signal: stop.signal,
          say,
          // No progress bar: one line per update keeps a long-running log readable; warnings still come through.
          update: () => updateIndex(config, embedder, { onMessage: say }),
        });
      } finally {
        stop.release();
      }
    });
}
