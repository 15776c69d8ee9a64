/**
 * An insights report as a terminal page (no line over 100 columns) or as one
 * self-contained HTML page (no script, font or style from anywhere else; the
 * charts are inline SVG). Pure: the report in, text out.
 */
import type { DayCount, InsightsReport } from './report.js';

export const WIDTH = 100;

/** Cuts a line to the terminal width, marking the cut. */
const fit = (line: string, width = WIDTH) => (line.length <= width ? line : `${line.slice(0, width - 1)}…`);
const ms = (value: number | null) => (value === null ? '–' : `${value} ms`);
const share = (n: number, total: number) => (total === 0 ? '0%' : `${Math.round((n / total) * 100)}%`);

export function renderText(report: InsightsReport): string {
  const { questions, verdicts: v, latency } = report;
  const answeredOrNot = v.answered + v.related + v.refused;
  const lines = [
    `Questions ${report.period.from.slice(0, 10)} to ${report.period.to.slice(0, 10)} (UTC, last ${report.period.days} days): ${questions.total}`,
    `  answered ${v.answered} (${share(v.answered, answeredOrNot)}), related ${v.related} (${share(v.related, answeredOrNot)}), ` +
      `refused ${v.refused} (${share(v.refused, answeredOrNot)}); busy ${v.busy}, slowed down ${v.slowed}, errors ${v.error}`,
    `  latency p50 ${ms(latency.p50)}, p95 ${ms(latency.p95)}; 👍 ${report.upvotes}, 👎 ${report.downvotes.length}`,
    `  by front end: ${Object.entries(questions.perFrontEnd).map(([f, n]) => `${f} ${n}`).join(', ') || 'none'}`,
    '',
    'Per day          answered  related  refused  other     p50 ms   p95 ms',
    ...questions.perDay.map((d) =>
      `  ${d.day}    ${pad(d.answered, 8)} ${pad(d.related, 8)} ${pad(d.refused, 8)} ${pad(d.other, 6)} ${pad(d.p50 ?? '–', 10)} ${pad(d.p95 ?? '–', 8)}`,
    ),
    '',
    'What to add: questions the articles did not answer, by meaning, most asked first',
    ...(report.unanswered.length === 0 ? ['  none'] : report.unanswered.flatMap((g) => [`  ${g.count}× (related ${g.related}, refused ${g.refused})`, ...g.examples.map((e) => `      “${e}”`)])),
    '',
    '👎 votes',
    ...(report.downvotes.length === 0
      ? ['  none']
      : report.downvotes.flatMap((d) => [`  ${d.at.slice(0, 16).replace('T', ' ')}  “${d.question ?? '(question not recorded)'}”`, ...d.quotes.slice(0, 3).map((q) => `      ${q.doc} ¶${q.paragraph ?? '?'} [${q.start}–${q.end}]`)])),
    '',
    'Most quoted documents',
    ...(report.documents.quoted.length === 0 ? ['  none'] : report.documents.quoted.map((d) => `  ${pad(d.count, 5)}  ${d.title} (${d.doc}) — ${d.paragraphs.map((p) => `¶${p.paragraph} ×${p.count}`).join(', ')}`)),
    '',
    `Never quoted in the period: ${report.documents.never_quoted.length}`,
    ...report.documents.never_quoted.slice(0, 20).map((d) => `  ${d.title} (${d.doc})`),
  ];
  return lines.map((line) => fit(line)).join('\n');
}

function pad(value: number | string, width: number): string {
  return String(value).padStart(width);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const COLOURS = { answered: '#2f855a', related: '#d69e2e', refused: '#c53030', other: '#718096' } as const;

/** Questions per day, stacked by outcome: one bar per day. */
function outcomeChart(days: readonly DayCount[]): string {
  const width = 720;
  const height = 220;
  const bar = Math.max(4, Math.min(40, Math.floor((width - 40) / Math.max(1, days.length)) - 4));
  const highest = Math.max(1, ...days.map((d) => d.answered + d.related + d.refused + d.other));
  const bars = days.flatMap((d, i) => {
    let y = height - 20;
    return (Object.keys(COLOURS) as (keyof typeof COLOURS)[]).flatMap((outcome) => {
      const h = ((height - 40) * d[outcome]) / highest;
      if (h <= 0) return [];
      y -= h;
      return [`<rect class="bar" data-outcome="${outcome}" x="${30 + i * (bar + 4)}" y="${y.toFixed(1)}" width="${bar}" height="${h.toFixed(1)}" fill="${COLOURS[outcome]}"><title>${d.day}: ${outcome} ${d[outcome]}</title></rect>`];
    });
  });
  const legend = Object.entries(COLOURS).map(([name, colour], i) => `<rect x="${30 + i * 110}" y="4" width="10" height="10" fill="${colour}"/><text x="${44 + i * 110}" y="13">${name}</text>`);
  return `<svg id="outcomes" role="img" aria-label="Questions per day by outcome" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${legend.join('')}${bars.join('')}<text x="30" y="${height - 4}">${escapeHtml(days[0]?.day ?? '')}</text><text x="${width - 90}" y="${height - 4}">${escapeHtml(days.at(-1)?.day ?? '')}</text></svg>`;
}

/** The answers' p50 and p95 latency per day, as two lines. */
function latencyChart(days: readonly DayCount[]): string {
  const width = 720;
  const height = 200;
  const points = days.filter((d) => d.p95 !== null);
  const highest = Math.max(1, ...points.map((d) => d.p95!));
  const x = (i: number) => 30 + (points.length <= 1 ? 0 : (i * (width - 60)) / (points.length - 1));
  const y = (v: number) => height - 20 - ((height - 40) * v) / highest;
  const line = (key: 'p50' | 'p95', colour: string) =>
    points.length === 0 ? '' : `<polyline class="line" data-series="${key}" fill="none" stroke="${colour}" stroke-width="2" points="${points.map((d, i) => `${x(i).toFixed(1)},${y(d[key]!).toFixed(1)}`).join(' ')}"/>` +
      points.map((d, i) => `<circle class="point" cx="${x(i).toFixed(1)}" cy="${y(d[key]!).toFixed(1)}" r="3" fill="${colour}"><title>${d.day}: ${key} ${d[key]} ms</title></circle>`).join('');
  return `<svg id="latency" role="img" aria-label="Answer latency per day" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><text x="30" y="13">p50 (blue) and p95 (purple), ms; highest ${highest}</text>${line('p50', '#2b6cb0')}${line('p95', '#6b46c1')}</svg>`;
}

export function renderHtml(report: InsightsReport): string {
  const { verdicts: v, latency } = report;
  const list = (items: string[]) => (items.length === 0 ? '<p>None.</p>' : `<ul>${items.join('')}</ul>`);
  const body = [
    `<h1>Quotebot: what people asked</h1>`,
    `<p>${escapeHtml(report.period.from.slice(0, 10))} to ${escapeHtml(report.period.to.slice(0, 10))} (UTC, last ${report.period.days} days): <strong>${report.questions.total}</strong> questions.
      Answered ${v.answered}, related ${v.related}, refused ${v.refused}; busy ${v.busy}, slowed down ${v.slowed}, errors ${v.error}.
      Latency p50 ${ms(latency.p50)}, p95 ${ms(latency.p95)}. 👍 ${report.upvotes}, 👎 ${report.downvotes.length}.</p>`,
    `<p>By front end: ${escapeHtml(Object.entries(report.questions.perFrontEnd).map(([f, n]) => `${f} ${n}`).join(', ') || 'none')}</p>`,
    `<h2>Questions per day</h2>${outcomeChart(report.questions.perDay)}`,
    `<h2>Latency per day</h2>${latencyChart(report.questions.perDay)}`,
    `<h2>What to add</h2><p>Questions the articles did not answer, grouped by meaning, most asked first.</p>`,
    list(report.unanswered.map((g) => `<li><strong>${g.count}×</strong> (related ${g.related}, refused ${g.refused}): ${g.examples.map((e) => `“${escapeHtml(e)}”`).join('; ')}</li>`)),
    `<h2>👎 votes</h2>`,
    list(report.downvotes.map((d) => `<li>${escapeHtml(d.at.slice(0, 16).replace('T', ' '))} “${escapeHtml(d.question ?? '(question not recorded)')}”<br><small>${escapeHtml(d.quotes.map((q) => `${q.doc} ¶${q.paragraph ?? '?'}`).join(', '))}</small></li>`)),
    `<h2>Most quoted documents</h2>`,
    list(report.documents.quoted.map((d) => `<li>${d.count}× ${escapeHtml(d.title)} <small>(${escapeHtml(d.doc)}; ${d.paragraphs.map((p) => `¶${p.paragraph} ×${p.count}`).join(', ')})</small></li>`)),
    `<h2>Never quoted in the period</h2>`,
    list(report.documents.never_quoted.map((d) => `<li>${escapeHtml(d.title)} <small>(${escapeHtml(d.doc)})</small></li>`)),
  ].join('\n');
  const style = 'body{font:15px/1.5 system-ui,sans-serif;max-width:780px;margin:2em auto;padding:0 1em;color:#1a202c}svg{display:block;margin:1em 0;font-size:12px}small{color:#4a5568}';
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Quotebot insights</title><style>${style}</style></head>\n<body>\n${body}\n</body></html>\n`;
}
