/**
 * Pure rendering of answers and reports for the terminal. Printing is the
 * caller's job; colour is a parameter so output piped to a file stays plain.
 */
import pc from 'picocolors';
import type { Quote } from '../quote/select.js';
import type { Answer } from '../search/engine.js';
import type { EvalSummary } from '../search/metrics.js';
import type { BuildReport } from '../store/build.js';

/** "Title, Publisher, Date, ¶N", leaving out what the document does not say. */
export function citation(quote: Pick<Quote, 'title' | 'publisher' | 'date' | 'paragraph' | 'doc'>): string {
  return [quote.title ?? quote.doc, quote.publisher, quote.date, `¶${quote.paragraph}`].filter(Boolean).join(', ');
}

export const NOT_IN_ARTICLES = 'That is not in the articles: no passage answers this question.';

export function renderAnswer(answer: Answer, color: boolean): string {
  const c = pc.createColors(color);
  if (!answer.answered || answer.quotes.length === 0) return c.yellow(NOT_IN_ARTICLES);
  return answer.quotes.map((q) => `“${q.text}”\n  ${c.dim(`— ${citation(q)}`)}`).join('\n\n');
}

/** The contract of `ask --json`: exactly these keys, best quote first. */
export function answerJson(answer: Answer): string {
  return JSON.stringify({
    question: answer.question,
    answered: answer.answered,
    quotes: answer.quotes.map((q) => ({
      text: q.text,
      doc: q.doc,
      start: q.start,
      end: q.end,
      score: Number(q.score.toFixed(4)),
      title: q.title ?? null,
      publisher: q.publisher ?? null,
      date: q.date ?? null,
      paragraph: q.paragraph,
    })),
  });
}

export function renderBuildReport(report: BuildReport): string {
  // An archive adds hundreds of files at once: name a few, count the rest.
  const shown = 5;
  const list = (names: string[]) =>
    names.length === 0 ? '' : ` (${names.slice(0, shown).join(', ')}${names.length > shown ? `, … ${names.length - shown} more` : ''})`;
  return [
    `added ${report.added.length}${list(report.added)}, changed ${report.changed.length}${list(report.changed)}, ` +
      `removed ${report.removed.length}${list(report.removed)}, unchanged ${report.unchanged.length}`,
    `${report.sentences} sentences indexed, ${report.embedded} embedded, ` +
      `${report.graphRebuilt ? 'graph rebuilt' : 'graph updated in place'}, ${report.seconds.toFixed(2)} s`,
  ].join('\n');
}

export function renderEval(file: string, s: EvalSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `${file}: ${s.questions} questions (${s.answerable} answerable, ${s.unanswerable} unanswerable)`,
    `R@1 ${s.recallAt1.toFixed(3)}  R@3 ${s.recallAt3.toFixed(3)}  MRR ${s.mrr.toFixed(3)}`,
    `abstention ${pct(s.abstention)}  false abstention ${pct(s.falseAbstention)}  non-verbatim ${s.nonVerbatim}`,
    ...s.misses.map((m) => `  miss: ${m.q}${m.got ? `\n        got: ${m.got.slice(0, 140)}` : ' (refused)'}`),
  ].join('\n');
}
