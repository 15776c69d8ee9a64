/** `quotebot eval FILE…`: each gold file asked of the corpus it belongs to (open.goldEngines) and scored (src/evaluate). */
import { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { evaluateFile } from '../../evaluate/evaluate.js';
import { goldEngines } from '../../open.js';
import type { CliContext } from '../context.js';
import { renderEval } from '../render.js';

export function evalCommand(ctx: CliContext): Command {
  const { io } = ctx;
  return new Command('eval')
    .description('score gold question files: R@1, R@3, MRR, abstention, verbatim check')
    .argument('<files...>', 'JSONL files of {"q", "expect": [...], "unanswerable"?}')
    .option('--json', 'print the summaries as JSON')
    .option('--misses', 'also list each question not answered right (not for the frozen test split while tuning)')
    .option('--no-context', 'ask follow-ups (lines with "after") alone, without the question they follow')
    .action(async (files: string[], options: { json?: boolean; misses?: boolean; context: boolean }) => {
      const config = loadConfig(io.env);
      const askedOf = goldEngines(config, await ctx.embedderFor(config), ctx.hooks());
      const summaries = [];
      for (const file of files) {
        const asked = askedOf(file);
        const report = await evaluateFile(await asked.engine, asked.config.corpusDir, file, options.context);
        summaries.push({ file, ...report.summary, byType: report.byType, byStyle: report.byStyle });
        if (!options.json) io.stdout.write(`${renderEval(file, report, Boolean(options.misses))}\n\n`);
      }
      if (options.json) io.stdout.write(`${JSON.stringify(summaries)}\n`);
    });
}
