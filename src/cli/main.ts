/**
 * `quotebot ask | index | eval`. Argv and streams are parameters so tests run
 * the real CLI in-process. stdout carries only answers (one JSON object per
 * line with --json); every message, warning and progress bar goes to stderr.
 */
import { createInterface } from 'node:readline';
import { Command, CommanderError } from 'commander';
import { loadConfig, type Config } from '../config/env.js';
import type { Embedder } from '../embed/embedder.js';
import { fail, oneLine, QuotebotError } from '../errors.js';
import { goldEngines, openEmbedder, openEngine, preloadIndex, updateIndex, type Hooks } from '../open.js';
import { validateQuestion, type SearchEngine } from '../search/engine.js';
import { evaluateFile } from '../evaluate/evaluate.js';
import { progressHooks } from './progress.js';
import { historyFile, parseTop, repl } from './repl.js';
import { corpusSnapshot, stopOnSignals, watchCorpus } from './watch-corpus.js';
import { verifyIndex } from '../store/read/verify.js';
import { watchGeneration } from '../store/read/watch.js';
import { answerJson, renderAnswer, renderBuildReport, renderEval, renderVerify } from './render.js';

export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Stops a command that runs until told (index --watch); without it, SIGINT or SIGTERM does. */
  signal?: AbortSignal;
}

/** Exit codes: 0 ok, 1 failure, 2 bad input from the user, 75 (EX_TEMPFAIL) another build holds the index with --no-wait. */
const USAGE = 2;
const INDEX_BUSY = 75;

export async function run(argv: readonly string[], io: Io, embedderFor: (c: Config) => Promise<Embedder> = openEmbedder): Promise<number> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  let exitCode = 0;
  const program = new Command('quotebot')
    .description('Answers questions about the articles in corpus/ with verbatim, cited quotes.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const prepare = async (): Promise<{ config: Config; embedder: Embedder; hooks: Hooks }> => {
    const config = loadConfig(io.env);
    const hooks = progressHooks(io.stderr, say);
    return { config, embedder: await embedderFor(config), hooks };
  };
  /**
   * The model and the index, their files read side by side. Documents whose
   * quotes failed the verbatim check are collected; `reindexStale` then
   * brings the index up to date with them (before the command ends, or after
   * each answer in the interactive mode, which then reopens the engine).
   */
  const prepareEngine = async (): Promise<{
    config: Config;
    engine: SearchEngine;
    reindexStale: () => Promise<boolean>;
    reopen: () => Promise<SearchEngine>;
  }> => {
    const config = loadConfig(io.env);
    const preloaded = preloadIndex(config);
    const embedder = await embedderFor(config);
    const stale = new Set<string>();
    const hooks: Hooks = { ...progressHooks(io.stderr, say), onStale: (docs) => docs.forEach((d) => stale.add(d)) };
    const engine = await openEngine(config, embedder, hooks, preloaded);
    const reindexStale = async () => {
      if (stale.size === 0) return false;
      const reread = [...stale];
      say(`${reread.join(', ')} changed since it was indexed: its quotes were withheld. Re-indexing now.`);
      stale.clear();
      say(renderBuildReport(await updateIndex(config, embedder, hooks, { reread })));
      return true;
    };
    return { config, engine, reindexStale, reopen: () => openEngine(config, embedder, hooks) };
  };

  program
    .command('ask')
    .description('answer a question (with no question: a prompt on a terminal, or with --json one question per stdin line)')
    .argument('[question...]', 'the question')
    .option('--json', 'print one JSON object per answer')
    .option('--top <n>', 'how many quotes at most (1-10)', '3')
    .action(async (words: string[], options: { json?: boolean; top: string }) => {
      const top = parseTop('--top', options.top);
      const question = words.join(' ');
      // Both ends a terminal: someone is typing and reading. Piped, the command keeps its one-shot contract.
      const interactive = question === '' && Boolean(io.stdin.isTTY && io.stdout.isTTY);
      if (!(options.json && question === '') && !interactive) validateQuestion(question);
      const { config, engine, reindexStale, reopen } = await prepareEngine();
      if (interactive) {
        let current = engine;
        // Another process (index --watch, a cron job) may publish a new index while the prompt is open: follow it, as the bot does.
        const stopFollowing = watchGeneration(config.indexDir, async (dir) => {
          if (dir === current.index.generation) return;
          current = await reopen();
          say('The index was updated: answering from the new one.');
        });
        try {
          await repl({
            input: io.stdin,
            output: io.stdout,
            terminal: true,
            say,
            historyFile: historyFile(io.env),
            top,
            json: Boolean(options.json),
            ask: (q, n) => current.ask(q, n),
            afterAnswer: async () => {
              if (await reindexStale()) current = await reopen();
            },
          });
        } finally {
          stopFollowing();
        }
      } else if (question !== '') {
        const answer = await engine.ask(question, top);
        io.stdout.write(`${options.json ? answerJson(answer) : renderAnswer(answer, Boolean(io.stdout.isTTY))}\n`);
      } else {
        exitCode = await answerLines(engine, top, io);
      }
      await reindexStale();
    });

  program
    .command('index')
    .description('build or update the index from corpus/ (only new or changed text is embedded)')
    .option('--force', 'rebuild everything from scratch')
    .option('--no-wait', `exit with code ${INDEX_BUSY} at once if another build is running, instead of waiting for it`)
    .option('--verify', 'check every index file against its recorded size and checksum, and that it loads; build nothing')
    .option('--watch', 'after the update, keep the index current as files in corpus/ change, until Ctrl-C')
    .action(async (options: { force?: boolean; wait: boolean; verify?: boolean; watch?: boolean }) => {
      if (options.verify) {
        const { indexDir } = loadConfig(io.env);
        const verdicts = await verifyIndex(indexDir);
        if (verdicts.length === 0) throw fail('INDEX_MISSING', indexDir);
        say(renderVerify(verdicts));
        exitCode = verdicts[0]!.files.every((f) => !f.problem) ? 0 : 1;
        return;
      }
      const { config, embedder, hooks } = await prepare();
      // Taken before the first build reads the files, so a change made while it runs is not missed.
      const seen = options.watch ? await corpusSnapshot(config.corpusDir) : '';
      const report = await updateIndex(config, embedder, hooks, { force: Boolean(options.force), wait: options.wait });
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

  program
    .command('eval')
    .description('score gold question files: R@1, R@3, MRR, abstention, verbatim check')
    .argument('<files...>', 'JSONL files of {"q", "expect": [...], "unanswerable"?}')
    .option('--json', 'print the summaries as JSON')
    .option('--misses', 'also list each question not answered right (not for the frozen test split while tuning)')
    .action(async (files: string[], options: { json?: boolean; misses?: boolean }) => {
      const { config, embedder, hooks } = await prepare();
      const askedOf = goldEngines(config, embedder, hooks);
      const summaries = [];
      for (const file of files) {
        const asked = askedOf(file);
        const report = await evaluateFile(await asked.engine, asked.config.corpusDir, file);
        summaries.push({ file, ...report.summary, byType: report.byType, byStyle: report.byStyle });
        if (!options.json) io.stdout.write(`${renderEval(file, report, Boolean(options.misses))}\n\n`);
      }
      if (options.json) io.stdout.write(`${JSON.stringify(summaries)}\n`);
    });

  try {
    await program.parseAsync(['node', 'quotebot', ...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE;
    say(`error: ${oneLine(error)}`);
    if (error instanceof QuotebotError && error.code === 'INDEX_LOCKED') return INDEX_BUSY;
    const userError = error instanceof QuotebotError && ['EMPTY_QUESTION', 'QUESTION_TOO_LONG', 'INVALID_ARGUMENT'].includes(error.code);
    return userError ? USAGE : 1;
  }
}

/** One question per line → one JSON object per line, in order; a bad line gets an error object, not an abort. */
async function answerLines(engine: SearchEngine, top: number, io: Io): Promise<number> {
  let failures = 0;
  for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    try {
      io.stdout.write(`${answerJson(await engine.ask(line, top))}\n`);
    } catch (error) {
      failures++;
      const code = error instanceof QuotebotError ? error.code : 'ERROR';
      io.stdout.write(`${JSON.stringify({ question: line, error: { code, message: oneLine(error) } })}\n`);
    }
  }
  return failures > 0 ? USAGE : 0;
}

