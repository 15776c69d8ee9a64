/**
 * `quotebot insights`: the operator's report over the question log and the
 * votes (rotated files included) for the last --days days: as text (fits
 * 100 columns), --json (one object), or --html FILE (one self-contained
 * page). Unanswered questions are grouped by meaning with the embedding
 * model; documents come from the current index, when there is one.
 */
import { Command } from 'commander';
import { loadConfig } from '../../config/env.js';
import { fail } from '../../errors.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import { buildReport, unansweredQuestions, within, type LoggedQuestion, type LoggedVote } from '../../insights/report.js';
import { renderHtml, renderText } from '../../insights/render.js';
import { readLines } from '../../journal/append-log.js';
import { titleOf } from '../../search/reader-text.js';
import { loadIndex } from '../../store/read/load.js';
import { searchView } from '../../store/read/search-view.js';
import type { CliContext } from '../context.js';

const dated = <T>(records: readonly Record<string, unknown>[]) => records.filter((r) => typeof r.at === 'string' && !Number.isNaN(Date.parse(r.at))) as T[];

export function insightsCommand(ctx: CliContext): Command {
  const { io, say } = ctx;
  return new Command('insights')
    .description('what people asked, what went unanswered, what to add: a report over the question log and the votes')
    .option('--days <n>', 'the period: the last N days (UTC)', '30')
    .option('--json', 'print the report as one JSON object')
    .option('--html <file>', 'also write the report as one self-contained HTML page')
    .action(async (options: { days: string; json?: boolean; html?: string }) => {
      const days = Number(options.days);
      if (!Number.isInteger(days) || days < 1 || days > 36_500) throw fail('INVALID_ARGUMENT', '--days', options.days, 'must be a whole number of days from 1 to 36500');
      const config = loadConfig(io.env);
      const now = Date.now();
      const [records, votes] = await Promise.all([config.questionLog.file, config.discord.feedbackFile].map(readLines));
      const questions = within(dated<LoggedQuestion>(records!), now, days);
      const unanswered = unansweredQuestions(questions);
      const vectors = unanswered.length > 0 ? await (await ctx.embedderFor(config)).embed(unanswered.map((u) => u.text)) : [];
      const index = await loadIndex(config.indexDir).catch(() => undefined);
      if (!index) say('No index to list the documents from: documents never quoted are not reported.');
      const documents = index ? searchView(index).covered.map((d) => ({ name: d.name, title: titleOf(d) })) : [];
      const report = buildReport({
        records: questions,
        votes: dated<LoggedVote>(votes!),
        documents,
        unanswered: unanswered.map((u, i) => ({ ...u, vector: vectors[i]! })),
        now,
        days,
      });
      if (options.html) {
        await writeFileAtomic(options.html, renderHtml(report));
        say(`wrote ${options.html}`);
      }
      io.stdout.write(`${options.json ? JSON.stringify(report) : renderText(report)}\n`);
    });
}
