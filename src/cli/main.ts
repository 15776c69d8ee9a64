/**
 * `quotebot ask | index | eval | insights`, one file per command (commands/). Argv and
 * streams are parameters so tests run the real CLI in-process. stdout
 * carries only answers (one JSON object per line with --json); every
 * message, warning and progress bar goes to stderr.
 */
import { Command, CommanderError } from 'commander';
import type { Config } from '../config/env.js';
import type { Embedder } from '../embed/embedder.js';
import { isInputError, oneLine, QuotebotError } from '../errors.js';
import { openEmbedder } from '../open.js';
import { askCommand } from './commands/ask.js';
import { evalCommand } from './commands/eval.js';
import { indexCommand } from './commands/index.js';
import { insightsCommand } from './commands/insights.js';
import { INDEX_BUSY, USAGE, type CliContext, type Io } from './context.js';
import { progressHooks } from './progress.js';

export async function run(argv: readonly string[], io: Io, embedderFor: (c: Config) => Promise<Embedder> = openEmbedder): Promise<number> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  let exitCode = 0;
  const ctx: CliContext = { io, say, embedderFor, hooks: () => progressHooks(io.stderr, say), setExitCode: (code) => (exitCode = code) };
  const program = new Command('quotebot')
    .description('Answers questions about the articles in corpus/ with verbatim, cited quotes.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  // Each command writes through io and exits through run(), as the program does.
  for (const command of [askCommand(ctx), indexCommand(ctx), evalCommand(ctx), insightsCommand(ctx)]) program.addCommand(command.copyInheritedSettings(program));
  try {
    await program.parseAsync(['node', 'quotebot', ...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE;
    say(`error: ${oneLine(error)}`);
    if (error instanceof QuotebotError && error.code === 'INDEX_LOCKED') return INDEX_BUSY;
    return isInputError(error) ? USAGE : 1;
  }
}
