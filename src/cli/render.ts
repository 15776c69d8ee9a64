/**
 * Pure rendering of answers and reports for the terminal. Printing is the
 * caller's job; colour is a parameter so output piped to a file stays plain.
 */
import pc from 'picocolors';
import { citation } from '../quote/citation.js';
import { isMachineDate, readableDate } from '../quote/dates.js';
import { pieces } from '../quote/pieces.js';
import { sourceLink } from '../quote/source-link.js';
import type { Quote } from '../quote/select.js';
import type { Answer } from '../search/engine.js';
import type { EvalReport } from '../evaluate/evaluate.js';
import type { EvalSummary } from '../evaluate/metrics.js';
import type { BuildReport } from '../store/write/build-options.js';
import type { GenerationVerdict } from '../store/read/verify.js';

export const NOT_IN_ARTICLES = 'That is not in the articles: no passage answers this question.';
export const RELATED_HEADING = 'Not answered directly. The articles do not say this; the closest passages are:';

export function renderAnswer(answer: Answer, color: boolean): string {
  const c = pc.createColors(color);
  const quote = (q: Quote) => {
    const text = pieces(q).map((p) => (p.marked ? c.bold(c.underline(p.text)) : p.text)).join('');
    const link = sourceLink(q.url, q.text);
    return `“${text}”\n  ${c.dim(`— ${citation(q)}`)}${link ? `\n  ${c.dim(link)}` : ''}`;
  };
  if (answer.verdict === 'answered' && answer.quotes.length > 0) return answer.quotes.map(quote).join('\n\n');
  if (answer.verdict === 'related' && answer.related.length > 0) return [c.yellow(RELATED_HEADING), ...answer.related.map(quote)].join('\n\n');
  return c.yellow(NOT_IN_ARTICLES);
}

function quoteJson(q: Quote) {
  return {
    text: q.text,
    doc: q.doc,
    start: q.start,
    end: q.end,
    score: Number(q.score.toFixed(4)),
    title: q.title ?? null,
    publisher: q.publisher ?? null,
    date: q.date ? readableDate(q.date) : null,
    // The machine form as the page gave it, for a program to parse; null for a date written in the text.
    datetime: q.date && isMachineDate(q.date) ? q.date : null,
    paragraph: q.paragraph,
    highlight: q.highlight ?? [],
    link: sourceLink(q.url, q.text) ?? null,
  };
}

/**
 * The contract of `ask --json`: exactly these keys, best quote first.
 * `answered` is true only for the verdict "answered"; `related` holds the
 * closest passages when the verdict is "related" (they do not answer).
 */
export function answerJson(answer: Answer): string {
  return JSON.stringify({
    question: answer.question,
    answered: answer.answered,
    verdict: answer.verdict,
    quotes: answer.quotes.map(quoteJson),
    related: answer.related.map(quoteJson),
  });
}

/** " (a.md, b.md, … 3 more)": an archive adds hundreds of files at once, so a few are named and the rest counted. */
function named(names: readonly string[]): string {
  const shown = 5;
  return names.length === 0 ? '' : ` (${names.slice(0, shown).join(', ')}${names.length > shown ? `, … ${names.length - shown} more` : ''})`;
}

const GRAPH_WORDS = { rebuilt: 'graph rebuilt', patched: 'graph updated in place', overlay: 'written beside the last full build' } as const;

export function renderBuildReport(report: BuildReport): string {
  return [
    `added ${report.added.length}${named(report.added)}, changed ${report.changed.length}${named(report.changed)}, ` +
      `removed ${report.removed.length}${named(report.removed)}, unchanged ${report.unchanged.length}`,
    `${report.sentences} sentences indexed, ${report.embedded} embedded, ` +
      `${GRAPH_WORDS[report.graph]}, ${report.seconds.toFixed(2)} s`,
  ].join('\n');
}

/** The one line `index --watch` prints per update: a long-running log stays one line per change. */
export function renderUpdateLine(report: BuildReport): string {
  return (
    `updated: +${report.added.length} added${named(report.added)}, ${report.changed.length} changed${named(report.changed)}, ` +
    `${report.removed.length} removed${named(report.removed)} · ${report.sentences.toLocaleString('en-US')} sentences · ${report.seconds.toFixed(1)} s`
  );
}

/** One line per file, then what to do: the fix names the command, as the error catalog does. */
export function renderVerify(verdicts: readonly GenerationVerdict[]): string {
  const lines = verdicts.flatMap(({ role, dir, files }) => [
    `${role} generation ${dir}:`,
    ...files.map((f) => (f.problem ? `  damaged  ${f.file}: ${f.problem}` : `  ok       ${f.file}`)),
  ]);
  const [current, previous] = verdicts;
  const whole = (v: GenerationVerdict | undefined) => v !== undefined && v.files.every((f) => !f.problem);
  if (whole(current)) lines.push('The index is intact.');
  else if (whole(previous)) lines.push('The current index is damaged; readers answer from the previous one. Run "npm run index -- --force" to rebuild it.');
  else lines.push('No intact index: run "npm run index -- --force" to rebuild it.');
  return lines.join('\n');
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One row per group: answerable R@1 / R@3 / not answered, and unanswerable not answered / refused. */
function groupTable(heading: string, groups: readonly { group: string; summary: EvalSummary }[]): string[] {
  const cell = (n: number, value: string) => (n === 0 ? '—' : value);
  return [
    `| ${heading} | answerable | R@1 | R@3 | shown first R@1 | not answered | refused outright | unanswerable | not answered | refused |`,
    '|---|---|---|---|---|---|---|---|---|---|',
    ...groups.map(({ group, summary: s }) =>
      `| ${group} | ${s.answerable} | ${cell(s.answerable, s.recallAt1.toFixed(2))} | ${cell(s.answerable, s.recallAt3.toFixed(2))} | ` +
        `${cell(s.answerable, s.shownAt1.toFixed(2))} | ${cell(s.answerable, pct(s.falseAbstention))} | ${cell(s.answerable, pct(s.refusedOutright))} | ` +
        `${s.unanswerable} | ${cell(s.unanswerable, pct(s.abstention))} | ${cell(s.unanswerable, pct(s.refused))} |`,
    ),
  ];
}

/** The eval figures; per-question misses only when asked for (never while tuning on a frozen split). */
export function renderEval(file: string, { summary: s, byType, byStyle }: EvalReport, misses = false): string {
  const labelled = (groups: EvalReport['byType']) => groups.length > 1 || groups[0]?.group !== 'unlabelled';
  return [
    `${file}: ${s.questions} questions (${s.answerable} answerable, ${s.unanswerable} unanswerable)`,
    `R@1 ${s.recallAt1.toFixed(3)}  R@3 ${s.recallAt3.toFixed(3)}  MRR ${s.mrr.toFixed(3)}  shown first R@1 ${s.shownAt1.toFixed(3)}  R@3 ${s.shownAt3.toFixed(3)}`,
    `unanswerable not answered ${pct(s.abstention)} (refused ${pct(s.refused)})  answerable not answered ${pct(s.falseAbstention)} ` +
      `(refused outright ${pct(s.refusedOutright)}) ` +
      `(right quote among the related passages: ${pct(s.relatedHit)} of answerable)  non-verbatim ${s.nonVerbatim}`,
    ...(s.followUps > 0 ? [`asked after an earlier question: ${s.followUps}, read with it: ${s.readWithEarlier}`] : []),
    ...(labelled(byType) ? ['', ...groupTable('type', byType)] : []),
    ...(labelled(byStyle) ? ['', ...groupTable('style', byStyle)] : []),
    ...(misses ? s.misses.map((m) => `  miss: ${m.q}${m.got ? `\n        got: ${m.got.slice(0, 140)}` : ' (not answered)'}`) : []),
  ].join('\n');
}
