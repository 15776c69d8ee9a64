/**
 * `quotebot ask [question…]`: one answer; with no question, a prompt on a
 * terminal (which follows the index as it is updated), or with --json one
 * question per stdin line. Documents whose quotes were withheld by the
 * verbatim check are re-indexed before the command ends (after each answer
 * at the prompt).
 */
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { oneLine, QuotebotError } from '../../errors.js';
import { followIndex, preloadIndex } from '../../open.js';
import { answerRecord, questionLog } from '../../journal/question-log.js';
import { validateQuestion, type Answer, type SearchEngine } from '../../search/engine.js';
import { readInContext, type Reading } from '../../search/follow-up.js';
import { USAGE, type CliContext, type Io } from '../context.js';
import { answerJson, renderAnswer, renderBuildReport } from '../render.js';
import { historyFile, parseTop, repl } from '../repl.js';

export function askCommand(ctx: CliContext): Command {
  const { io, say } = ctx;
  return new Command('ask')
    .description('answer a question (with no question: a prompt on a terminal, or with --json one question per stdin line)')
    .argument('[question...]', 'the question')
    .option('--json', 'print one JSON object per answer')
    .option('--top <n>', 'how many quotes at most (1-10)', '3')
    .option('--log', 'also record each question in QUESTION_LOG_FILE, as the bot does')
    .action(async (words: string[], options: { json?: boolean; top: string; log?: boolean }) => {
      const top = parseTop('--top', options.top);
      const question = words.join(' ');
      // Both ends a terminal: someone is typing and reading. Piped, the command keeps its one-shot contract.
      const interactive = question === '' && Boolean(io.stdin.isTTY && io.stdout.isTTY);
      if (!(options.json && question === '') && !interactive) validateQuestion(question);
      const config = loadConfig(io.env);
      const journal = options.log ? questionLog(config.questionLog) : undefined;
      /** Asks as the front end does (a follow-up read with the earlier question), and logs it when --log says so. */
      const ask = async (engine: SearchEngine, question: string, earlier?: string, shown = top): Promise<{ reading: Reading; answer: Answer }> => {
        const started = performance.now();
        const read = await readInContext(engine, question, earlier, shown);
        await journal?.record({ frontEnd: 'cli', guildId: null, channelId: null, replyId: null, ...answerRecord(question, read.reading, read.answer, performance.now() - started) });
        return read;
      };
      // The index's files are read while the model loads.
      const preloaded = preloadIndex(config);
      const embedder = await ctx.embedderFor(config);
      const follower = await followIndex(config, embedder, ctx.hooks(), {
        preloaded,
        // Another process (index --watch, a cron job) may publish a new index while the prompt is open: follow it, as the bot does.
        watch: interactive,
        onReindex: (docs) => say(`${docs.join(', ')} changed since it was indexed: its quotes were withheld. Re-indexing now.`),
        onReport: (report) => say(renderBuildReport(report)),
        onSwitched: () => say('The index was updated: answering from the new one.'),
        onKept: (error) => say(`The index was updated but did not load (${oneLine(error)}): answering from the previous one.`),
      });
      try {
        if (interactive) {
          await repl({
            input: io.stdin,
            output: io.stdout,
            terminal: true,
            say,
            historyFile: historyFile(io.env),
            top,
            json: Boolean(options.json),
            ask: (question, earlier, shown) => ask(follower.engine(), question, earlier, shown),
            afterAnswer: async () => void (await follower.reindexStale()),
          });
        } else if (question !== '') {
          const { answer } = await ask(follower.engine(), question);
          io.stdout.write(`${options.json ? answerJson(answer) : renderAnswer(answer, Boolean(io.stdout.isTTY))}\n`);
        } else {
          ctx.setExitCode(await answerLines(async (line) => (await ask(follower.engine(), line)).answer, io));
        }
        await follower.reindexStale();
      } finally {
        follower.stop();
      }
    });
}

/** One question per line → one JSON object per line, in order; a bad line gets an error object, not an abort. */
async function answerLines(ask: (question: string) => Promise<Answer>, io: Io): Promise<number> {
  let failures = 0;
  for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    try {
      io.stdout.write(`${answerJson(await ask(line))}\n`);
    } catch (error) {
      failures++;
      const code = error instanceof QuotebotError ? error.code : 'ERROR';
      io.stdout.write(`${JSON.stringify({ question: line, error: { code, message: oneLine(error) } })}\n`);
    }
  }
  return failures > 0 ? USAGE : 0;
}
