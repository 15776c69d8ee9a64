/**
 * `npm run insights` (issue 29): the report over a fixture log and votes,
 * its terminal page within 100 columns, the command end to end, the
 * grouping of unanswered questions by meaning (the real model, on the
 * fixture written before the grouping), and the HTML page in a real
 * headless Chromium.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env.js';
import { groupByMeaning } from '../src/insights/group.js';
import { renderHtml, renderText, WIDTH } from '../src/insights/render.js';
import { buildReport, unansweredQuestions, type LoggedQuestion, type LoggedVote } from '../src/insights/report.js';
import { openEmbedder } from '../src/open.js';
import { cli } from './support/cli.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { scratch } from './support/temp.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const at = (daysAgo: number, hour = 10) => new Date(NOW - daysAgo * 86_400_000 + (hour - 12) * 3_600_000).toISOString();
const quote = (doc: string, paragraph: number) => ({ doc, start: paragraph * 100, end: paragraph * 100 + 50, paragraph });

/** A month of a small server's log: two days of questions, one too old to count, and a vote on each kind of answer. */
const RECORDS: LoggedQuestion[] = [
  { at: at(40), frontEnd: 'mention', asked: 'an old question', outcome: 'refused', quotes: [], ms: { total: 5 }, replyId: 'r0' },
  { at: at(2), frontEnd: 'mention', asked: 'How many children?', outcome: 'answered', quotes: [quote('a.txt', 12), quote('a.txt', 11)], ms: { total: 20 }, replyId: 'r1' },
  { at: at(2, 11), frontEnd: 'ask', asked: 'Who chairs the board?', outcome: 'answered', quotes: [quote('a.txt', 8)], ms: { total: 30 }, replyId: 'r2' },
  { at: at(2, 12), frontEnd: 'mention', asked: 'what is the weather in coventry', outcome: 'related', quotes: [quote('b.txt', 3)], ms: { total: 40 }, replyId: 'r3' },
  { at: at(1), frontEnd: 'follow-up', asked: 'and in 2013?', readAs: 'How many children in 2013? (children)', outcome: 'answered', quotes: [quote('a.txt', 12)], ms: { total: 25 }, replyId: 'r4' },
  { at: at(1, 11), frontEnd: 'mention', asked: 'Coventry weather forecast', outcome: 'refused', quotes: [], ms: { total: 10 }, replyId: 'r5' },
  { at: at(1, 12), frontEnd: 'find', asked: 'the council was praised', outcome: 'related', quotes: [quote('a.txt', 8)], ms: { total: 35 }, replyId: 'r6' },
  { at: at(1, 13), frontEnd: 'mention', asked: 'what is the weather in coventry', outcome: 'refused', quotes: [], ms: { total: 9 }, replyId: 'r7' },
  { at: at(0), frontEnd: 'mention', asked: 'anything', outcome: 'busy', quotes: [], ms: null, replyId: null },
];
const VOTES: LoggedVote[] = [
  { at: at(2, 13), verdict: 'down', messageId: 'r2', question: 'Who chairs the board?', shown: '> Amy Weir…' },
  { at: at(1, 14), verdict: 'up', messageId: 'r1', question: 'How many children?', shown: '> 4,529…' },
  { at: at(39), verdict: 'down', messageId: 'r0', question: 'an old question', shown: '' },
];
const DOCUMENTS = [
  { name: 'a.txt', title: 'Daniel Pelka: Council children’s service' },
  { name: 'b.txt', title: 'Council warns child protection groups' },
  { name: 'c.txt', title: 'Coventry’s latest Ofsted Report' },
];
/** Vectors that put the two weather questions together and the claim apart. */
const vectorOf = (text: string) => Float32Array.from(/weather/i.test(text) ? [1, 0, 0] : [0, 1, 0]);

function report(days = 30) {
  const unanswered = unansweredQuestions(RECORDS.filter((r) => Date.parse(r.at) >= NOW - days * 86_400_000));
  return buildReport({ records: RECORDS, votes: VOTES, documents: DOCUMENTS, unanswered: unanswered.map((u) => ({ ...u, vector: vectorOf(u.text) })), now: NOW, days });
}

describe('the insights report', () => {
  it('counts the period\'s questions per day, front end and outcome, and their latency', () => {
    const r = report();
    expect(r.questions.total).toBe(8);
    expect(r.questions.perDay.map((d) => [d.day, d.answered, d.related, d.refused, d.other])).toEqual([
      ['2026-12-05', 2, 1, 0, 0],
      ['2026-12-06', 1, 1, 2, 0],
      ['2026-12-07', 0, 0, 0, 1],
    ]);
    expect(r.questions.perFrontEnd).toEqual({ mention: 5, ask: 1, 'follow-up': 1, find: 1 });
    expect(r.verdicts).toEqual({ answered: 3, related: 2, refused: 2, busy: 1, slowed: 0, error: 0 });
    // Nearest rank over the answers' totals 20, 30, 40, 25, 10, 35, 9.
    expect(r.latency).toEqual({ p50: 25, p95: 40 });
  });

  it('groups what went unanswered by meaning, the most asked first, with examples', () => {
    const r = report();
    expect(r.unanswered).toEqual([
      { count: 3, examples: ['what is the weather in coventry', 'Coventry weather forecast'], related: 1, refused: 2 },
      { count: 1, examples: ['the council was praised'], related: 1, refused: 0 },
    ]);
  });

  it('lists the 👎 votes with the quotes the answer showed, joined by the reply id, and the documents quoted and never quoted', () => {
    const r = report();
    expect(r.downvotes).toEqual([{ at: at(2, 13), question: 'Who chairs the board?', quotes: [quote('a.txt', 8)], shown: '> Amy Weir…' }]);
    expect(r.upvotes).toBe(1);
    expect(r.documents.quoted).toEqual([
      { doc: 'a.txt', title: DOCUMENTS[0]!.title, count: 5, paragraphs: [{ paragraph: 8, count: 2 }, { paragraph: 12, count: 2 }, { paragraph: 11, count: 1 }] },
      { doc: 'b.txt', title: DOCUMENTS[1]!.title, count: 1, paragraphs: [{ paragraph: 3, count: 1 }] },
    ]);
    expect(r.documents.never_quoted).toEqual([{ doc: 'c.txt', title: DOCUMENTS[2]!.title }]);
  });

  it('covers only the days asked for', () => {
    // The last 24 hours: from yesterday noon on.
    const r = report(1);
    expect(r.questions.total).toBe(3);
    expect(r.downvotes).toEqual([]);
  });

  it('fits its terminal page in 100 columns, however long a question', () => {
    const long = { ...RECORDS[3]!, asked: 'why '.repeat(80), replyId: 'r9' };
    const text = renderText(buildReport({ records: [...RECORDS, long], votes: VOTES, documents: DOCUMENTS, unanswered: [{ text: long.asked, count: 1, related: 1, refused: 0, vector: vectorOf('x') }], now: NOW, days: 30 }));
    for (const line of text.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(WIDTH);
    expect(text).toContain('What to add');
  });
});

describe('npm run insights', () => {
  it('reads the log and the votes, rotated files included, and prints one JSON object', async () => {
    const paths = await scratch();
    const env = { CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir, QUESTION_LOG_FILE: join(paths.dir, 'q.jsonl'), FEEDBACK_FILE: join(paths.dir, 'f.jsonl') };
    const recent = RECORDS.map((r, i) => ({ ...r, at: new Date(Date.now() - (9 - i) * 3_600_000).toISOString() }));
    await writeFile(`${env.QUESTION_LOG_FILE}.1`, `${recent.slice(0, 4).map((r) => JSON.stringify(r)).join('\n')}\n`);
    await writeFile(env.QUESTION_LOG_FILE, `${recent.slice(4).map((r) => JSON.stringify(r)).join('\n')}\n{"torn": `);
    await writeFile(env.FEEDBACK_FILE, `${JSON.stringify({ ...VOTES[0], at: new Date().toISOString() })}\n`);
    const embedder = fakeEmbedder();
    expect((await cli(['index'], env, '', embedder)).code).toBe(0);
    const result = await cli(['insights', '--json', '--days', '1'], env, '', embedder);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown> & { questions: { total: number }; verdicts: Record<string, number>; unanswered: { count: number; examples: string[] }[]; downvotes: unknown[]; documents: { quoted: unknown[]; never_quoted: { doc: string }[] } };
    expect(json.questions.total).toBe(9);
    expect(json.verdicts).toMatchObject({ answered: 3, related: 2, refused: 3, busy: 1 });
    expect(json.unanswered.reduce((s, g) => s + g.count, 0)).toBe(5);
    expect(json.downvotes).toHaveLength(1);
    // The scratch corpus's three documents: none of them is a.txt or b.txt, so all three were never quoted.
    expect(json.documents.never_quoted).toHaveLength(3);
    expect((await cli(['insights', '--days', '0'], env, '', embedder)).code).toBe(2);
  });
});

describe('grouping unanswered questions by meaning (the real model)', () => {
  it('recovers the fixture\'s groups of paraphrases (tests/gold/unanswered-groups.jsonl, written before the grouping)', async () => {
    const rows = (await readFile('tests/gold/unanswered-groups.jsonl', 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { q: string; group: string });
    const embedder = await openEmbedder(loadConfig({}));
    const vectors = await embedder.embed(rows.map((r) => r.q));
    const groups = groupByMeaning(rows.map((r, i) => ({ item: r, vector: vectors[i]! })));
    const exact = groups.filter((g) => g.length === 5 && new Set(g.map((r) => r.group)).size === 1);
    // docs/insights.md has the figure per threshold; this is the shipped one's.
    expect(exact.length).toBeGreaterThanOrEqual(3);
  });
});

const CHROMIUM = '/usr/bin/chromium';

describe('the HTML report in a real browser', () => {
  it('renders both charts with marks in them, asks for nothing over the network, and logs no console error', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: run "npm run test:setup" (Debian's chromium)`).toBe(true);
    const { chromium } = await import('playwright-core');
    const { dir } = await scratch(false);
    const file = join(dir, 'insights.html');
    await writeFile(file, renderHtml(report()));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${file}`);
      const bars = await page.$$eval('#outcomes rect.bar', (rects) => rects.map((r) => r.getBoundingClientRect().height));
      expect(bars.length).toBe(6);
      expect(bars.every((h) => h > 0)).toBe(true);
      const points = await page.$$eval('#latency circle.point', (circles) => circles.length);
      expect(points).toBe(4);
      await page.screenshot({ path: join(dir, 'insights.png'), fullPage: true });
      expect(existsSync(join(dir, 'insights.png'))).toBe(true);
      expect(errors).toEqual([]);
      expect(requests).toEqual([`file://${file}`]);
    } finally {
      await browser.close();
    }
  });
});
