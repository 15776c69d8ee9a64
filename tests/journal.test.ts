/**
 * The operator's files (src/journal): the question log and the votes are
 * appended by several processes at once, bounded by size and by age, and
 * never hold a half line.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendLog, readLines } from '../src/journal/append-log.js';
import { answerRecord, questionLog } from '../src/journal/question-log.js';
import { scratch } from './support/temp.js';

const DAY = 86_400_000;
const lines = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

/** Runs tests/support/append-lines.ts in its own process. */
function appender(file: string, name: string, count: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/append-lines.ts', file, name, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const started = new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, started, exited };
}

describe('an append log', () => {
  it('rotates the file to <file>.1 once it reaches its cap, keeping at most two', async () => {
    const { dir } = await scratch(false);
    const file = join(dir, 'feedback.jsonl');
    const entry = { at: '2026-11-29T00:00:00.000Z', verdict: 'up', messageId: 'm' };
    const line = `${JSON.stringify(entry)}\n`.length;
    const log = appendLog({ file, maxBytes: line * 3, days: 0 });
    for (let i = 0; i < 7; i++) await log.append(entry);
    expect((await readFile(file, 'utf8')).length).toBe(line);
    expect((await readFile(`${file}.1`, 'utf8')).length).toBe(line * 3);
    expect(await readFile(`${file}.2`, 'utf8').catch(() => 'none')).toBe('none');
  });

  it('rotates once when lines arrive together at a full file: the kept file is the full one, every new line is in the new one', async () => {
    const { dir } = await scratch(false);
    const file = join(dir, 'feedback.jsonl');
    const entry = (messageId: string) => ({ at: '2026-11-29T00:00:00.000Z', messageId });
    const log = appendLog({ file, maxBytes: `${JSON.stringify(entry('old'))}\n`.length * 3, days: 0 });
    for (let i = 0; i < 3; i++) await log.append(entry('old'));
    await Promise.all(['n1', 'n2', 'n3'].map((id) => log.append(entry(id))));
    const ids = async (path: string) => (await lines(path)).map((l) => (JSON.parse(l) as { messageId: string }).messageId);
    expect(await ids(`${file}.1`)).toEqual(['old', 'old', 'old']);
    expect((await ids(file)).sort()).toEqual(['n1', 'n2', 'n3']);
  });

  it('drops lines older than its retention from the file and its rotated copy, keeping the rest in order', async () => {
    const { dir } = await scratch(false);
    const file = join(dir, 'questions.jsonl');
    const now = Date.parse('2026-12-07T12:00:00Z');
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    await writeFile(`${file}.1`, [at(40), at(35)].map((a) => JSON.stringify({ at: a, asked: 'old' })).join('\n') + '\n');
    await writeFile(file, [at(31), at(29), at(1)].map((a, i) => JSON.stringify({ at: a, asked: `q${i}` })).join('\n') + '\n');
    const log = appendLog({ file, maxBytes: 1e9, days: 30, now: () => now });
    await log.prune();
    expect(await readFile(`${file}.1`, 'utf8').catch(() => 'gone')).toBe('gone');
    expect((await lines(file)).map((l) => (JSON.parse(l) as { asked: string }).asked)).toEqual(['q1', 'q2']);
    // A line appended after the prune is dated by the same clock, and kept.
    await log.append({ asked: 'new' });
    expect((await readLines(file)).map((r) => r.asked)).toEqual(['q1', 'q2', 'new']);
  });

  it('keeps every line whole when two processes append at once', async () => {
    const { dir } = await scratch(false);
    const file = join(dir, 'questions.jsonl');
    const [a, b] = [appender(file, 'a', 300), appender(file, 'b', 300)];
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    const all = await lines(file);
    expect(all).toHaveLength(600);
    const parsed = all.map((l) => JSON.parse(l) as { writer: string; i: number });
    for (const writer of ['a', 'b']) expect(parsed.filter((p) => p.writer === writer).map((p) => p.i)).toEqual([...Array(300).keys()]);
  });

  it('leaves only whole lines when its process is killed in the middle of appending', async () => {
    const { dir } = await scratch(false);
    const file = join(dir, 'questions.jsonl');
    const { child, started, exited } = appender(file, 'killed', 0);
    await started;
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill('SIGKILL');
    await exited;
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const all = text.split('\n').filter(Boolean);
    expect(all.length).toBeGreaterThan(1);
    for (const line of all) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('reads a torn or garbled line as nothing, not as an error', async () => {
    const { dir } = await scratch(false);
    const file = join(dir, 'questions.jsonl');
    await writeFile(file, '{"asked":"a"}\n{"asked":"b\n[1,2]\n{"asked":"c"}\n');
    expect((await readLines(file)).map((r) => r.asked)).toEqual(['a', 'c']);
  });
});

describe('the question log', () => {
  it('keeps nothing when QUESTION_LOG_DAYS is 0', async () => {
    const { dir } = await scratch(false);
    const file = join(dir, 'questions.jsonl');
    const log = questionLog({ file, days: 0, maxBytes: 1e9 });
    await log.record({ frontEnd: 'cli', guildId: null, channelId: null, replyId: null, ...answerRecord('q', { question: 'q', followed: false }, { question: 'q', verdict: 'refused', answered: false, quotes: [], related: [] }, 1) });
    expect(await readFile(file, 'utf8').catch(() => 'none')).toBe('none');
  });

  it('records a follow-up\'s reading, the quotes shown by document and offsets, and the total time', () => {
    const quote = { text: 'T.', doc: 'a.txt', start: 5, end: 7, score: 1, paragraph: 2 };
    const record = answerRecord('and in 2013?', { question: 'How many in 2013? (children)', followed: true }, { question: 'x', verdict: 'related', answered: false, quotes: [], related: [quote] }, 12.3456);
    expect(record).toEqual({
      asked: 'and in 2013?',
      readAs: 'How many in 2013? (children)',
      outcome: 'related',
      quotes: [{ doc: 'a.txt', start: 5, end: 7, paragraph: 2 }],
      scores: null,
      ms: { total: 12.35 },
      generation: null,
      model: null,
      reader: null,
    });
  });
});
