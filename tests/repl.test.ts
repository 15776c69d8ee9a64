/**
 * The interactive `ask`: the real CLI in-process, its stdin and stdout marked
 * as terminals and driven with the bytes a terminal sends (Enter, arrow-key
 * escape sequences, Ctrl-C, Ctrl-D). The fake embedder keeps it fast; BM25
 * still finds the sentences asked about.
 */
import { readdir, readFile, stat, utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/main.js';
import { loadConfig } from '../src/config/env.js';
import type { Embedder } from '../src/embed/embedder.js';
import { openEmbedder } from '../src/open.js';
import { cli, eventually, startCli } from './support/cli.js';
import { fakeEmbedder } from './support/fake-embedder.js';
import { scratch } from './support/temp.js';

const UP = '\x1b[A';
const DOWN = '\x1b[B';
const CTRL_C = '\x03';
const CTRL_D = '\x04';

const embedder = fakeEmbedder();
let env: Record<string, string>;
let corpusDir: string;
let stateDir: string;

beforeAll(async () => {
  const paths = await scratch();
  corpusDir = paths.corpusDir;
  stateDir = join(paths.dir, 'state');
  env = { CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir, XDG_STATE_HOME: stateDir };
  expect((await cli(['index'], env, '', embedder)).code).toBe(0);
});

const historyPath = () => join(stateDir, 'quotebot', 'history');

/** An interactive session: `type` sends keys, `answers` are the JSON lines printed so far. */
function session(argv: string[] = ['ask', '--json'], model: Embedder = embedder, environment = env) {
  const keys = new PassThrough();
  const running = startCli(argv, environment, { stdin: keys, tty: true, embedder: model });
  const screen = () => stripVTControlCharacters(running.stdout());
  const answers = () =>
    screen()
      .split(/\r?\n/)
      .filter((line) => line.startsWith('{"question"'))
      .map((line) => {
        type Shown = { text: string; doc: string; start: number; end: number }[];
        const answer = JSON.parse(line) as { question: string; quotes: Shown; related: Shown };
        // What the reader was shown, answer or closest passages.
        return { ...answer, shown: answer.quotes.length > 0 ? answer.quotes : answer.related };
      });
  const errors = () => running.stderr().split('\n').filter((line) => line.startsWith('error: '));
  return {
    type: (keysPressed: string) => keys.write(keysPressed),
    screen,
    raw: running.stdout,
    answers,
    errors,
    stderr: running.stderr,
    /** Types a line and waits for its JSON answer or its error line (or, for text answers, what `shown` says). */
    async ask(line: string, shown?: () => boolean): Promise<void> {
      const [answered, failed] = [answers().length, errors().length];
      keys.write(`${line}\r`);
      const done = shown ?? (() => answers().length > answered || errors().length > failed);
      await eventually(done, () => `an answer to ${line.slice(0, 40)}; screen:\n${JSON.stringify(screen().slice(-300))}\nstderr:\n${running.stderr().slice(-600)}`);
    },
    /** Waits until the prompt is back after a command. */
    async command(line: string, reply: RegExp): Promise<void> {
      keys.write(`${line}\r`);
      await eventually(() => reply.test(screen()) || errors().length > 0, `the reply to ${line}`);
    },
    done: running.done,
  };
}

describe('interactive ask', () => {
  it('loads the model and the index once, then answers each question as the one-shot ask renders it', async () => {
    const questions = ['How many children were social workers working with?', 'Who chairs the safeguarding board?'];
    const model = fakeEmbedder();
    const expected = await Promise.all(questions.map(async (q) => (await cli(['ask', q], env, '', embedder)).stdout.trim()));
    const repl = session(['ask'], model);
    for (const [i, q] of questions.entries()) await repl.ask(q, () => repl.screen().includes(expected[i]!));
    // Styled on a terminal (bold and underlined values); the same text as the one-shot ask once the styling is taken off.
    expect(repl.raw()).toContain('\u001b[1m\u001b[4m4,529\u001b[24m\u001b[22m');
    repl.type(':json\r');
    await repl.ask(questions[0]!);
    const oneShot = JSON.parse((await cli(['ask', '--json', questions[0]!], env, '', embedder)).stdout) as { quotes: unknown[]; related: unknown[] };
    expect(repl.answers()).toEqual([{ ...oneShot, shown: oneShot.quotes.length > 0 ? oneShot.quotes : oneShot.related }]);
    repl.type(CTRL_D);
    const result = await repl.done;
    expect(result.code).toBe(0);
    // The model ran on the questions (and the passages each is aligned with), and built nothing: the index was read once at the start.
    expect(model.calls).toEqual([]);
    expect(model.wordCalls.filter((text) => questions.includes(text))).toEqual([...questions, questions[0]]);
    expect(result.stderr).not.toMatch(/building|updating/i);
  });

  it('reads a question that leans on the last one as its follow-up, shows the reading, and starts afresh after :new', async () => {
    const repl = session();
    await repl.ask('How many children were social workers in Coventry working with?');
    await repl.ask('and in March 2013?');
    expect(repl.screen()).toContain('Read as: How many children were in March 2013? (social workers in Coventry working with)');
    expect(repl.answers()[1]!.shown[0]!.text).toContain('3,085');
    await repl.command(':new', /starts afresh/);
    await repl.ask('and in March 2013?');
    expect(repl.answers()[2]!.question).toBe('and in March 2013?');
    repl.type(':quit\r');
    expect((await repl.done).code).toBe(0);
  });

  it('reads a fresh question alone after another, keeps an off-topic one unanswered, and reads a chain one level deep (the real model)', async () => {
    const paths = await scratch();
    const real = session(['ask', '--json'], await openEmbedder(loadConfig({})), { CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir, XDG_STATE_HOME: stateDir });
    await real.ask('How many children were social workers working with?');
    // Few words, but a subject of its own: not the earlier question's follow-up.
    await real.ask('who is amy weir');
    expect(real.answers()[1]!.question).toBe('who is amy weir');
    expect(real.answers()[1]!.shown[0]!.text).toContain('Amy Weir, chair of the Coventry Local Safeguarding Children Board');
    await real.ask('what is the weather in coventry');
    expect(real.answers()[2]).toMatchObject({ question: 'what is the weather in coventry', quotes: [] });
    // A chain: the third leans on the second as it was typed, never on the second's reading.
    await real.ask("Who was Daniel Pelka's mother?");
    await real.ask('and his stepfather?');
    await real.ask('how long were they jailed for?');
    const readings = real.screen().split(/\r?\n/).filter((line) => line.startsWith('Read as: '));
    expect(readings).toEqual(["Read as: Who was his stepfather? (Daniel Pelka's mother)", 'Read as: How long were they jailed for? (his stepfather)']);
    expect(real.answers()[5]!.shown[0]!.text).toContain('minimum of 30 years');
    real.type(':quit\r');
    expect((await real.done).code).toBe(0);
  });

  it('validates :top with the --top message, limits the quotes, toggles JSON and lists the commands', async () => {
    const repl = session(['ask']);
    await repl.command(':help', /:quit/);
    for (const command of [':top', ':top', ':json', ':new', ':help', ':quit', 'Ctrl-C']) expect(repl.screen()).toContain(command);
    await repl.ask(':top 11');
    await repl.ask(':top two');
    expect(repl.errors()).toEqual([
      'error: Invalid :top "11": must be a whole number from 1 to 10.',
      'error: Invalid :top "two": must be a whole number from 1 to 10.',
    ]);
    await repl.command(':top 1', /at most 1 quote\./);
    await repl.command(':json', /JSON output on\./);
    await repl.ask('How many children were social workers working with?');
    expect(repl.answers()[0]!.quotes).toHaveLength(1);
    await repl.ask(':jsonx');
    expect(repl.errors()[2]).toBe('error: Invalid command ":jsonx": type :help for the commands.');
    repl.type(':quit\r');
    expect((await repl.done).code).toBe(0);
  });

  it('answers an empty or over-long question with the one-line message and keeps the prompt', async () => {
    const repl = session();
    await repl.ask('   ');
    await repl.ask('x'.repeat(1001));
    expect(repl.errors()).toEqual([
      'error: The question is empty: type a question, e.g. "What did Ofsted find?"',
      'error: The question is 1001 characters long; the limit is 1000. Ask something shorter.',
    ]);
    await repl.ask('Who chairs the safeguarding board?');
    expect(repl.answers().map((a) => a.question)).toEqual(['Who chairs the safeguarding board?']);
    repl.type(CTRL_D);
    expect((await repl.done).code).toBe(0);
  });

  it('recalls earlier questions with the arrow keys, from this session and the last, in a history file capped at 500 lines', async () => {
    await mkdir(join(stateDir, 'quotebot'), { recursive: true });
    await writeFile(historyPath(), Array.from({ length: 600 }, (_, i) => `old question ${i}\n`).join(''));
    const first = session();
    await first.ask('Who chairs the safeguarding board?');
    await first.ask('How much extra money is being invested?');
    first.type(`${UP}${UP}\r`);
    await eventually(() => first.answers().length === 3, 'the recalled question');
    first.type(`${UP}${UP}${UP}${DOWN}\r`);
    await eventually(() => first.answers().length === 4, 'the recalled question');
    expect(first.answers().map((a) => a.question)).toEqual([
      'Who chairs the safeguarding board?',
      'How much extra money is being invested?',
      'Who chairs the safeguarding board?',
      'How much extra money is being invested?',
    ]);
    first.type(CTRL_D);
    await first.done;

    const lines = (await readFile(historyPath(), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(500);
    // Oldest first, a question asked again kept once, at its latest place.
    expect(lines.slice(-2)).toEqual(['Who chairs the safeguarding board?', 'How much extra money is being invested?']);
    expect(lines[0]).toBe('old question 102');
    expect((await stat(historyPath())).mode & 0o777).toBe(0o600);

    const second = session();
    second.type(`${UP}\r`);
    await eventually(() => second.answers().length === 1, 'the question from the last session');
    expect(second.answers()[0]!.question).toBe('How much extra money is being invested?');
    second.type(CTRL_D);
    await second.done;
  });

  it('clears the typed line on Ctrl-C, warns on an empty line and leaves on a second Ctrl-C; Ctrl-D and the end of input leave too', async () => {
    const repl = session();
    repl.type(`How old is${CTRL_C}`);
    await repl.ask('Who chairs the safeguarding board?');
    expect(repl.answers().map((a) => a.question)).toEqual(['Who chairs the safeguarding board?']);
    repl.type(CTRL_C);
    await eventually(() => repl.screen().includes('(To leave, press Ctrl-C again, Ctrl-D, or type :quit)'), 'the hint');
    repl.type(CTRL_C);
    expect((await repl.done).code).toBe(0);

    const ended = session();
    await ended.ask('Who chairs the safeguarding board?');
    ended.type(`How${CTRL_D}`); // not empty: Ctrl-D deletes, it does not leave
    await ended.ask('');
    expect(ended.errors()).toEqual([]);
    // A bare "How" right after a question is that question's follow-up.
    expect(ended.answers().map((a) => a.question)).toEqual(['Who chairs the safeguarding board?', 'How? (chairs the safeguarding board)']);
    ended.type(CTRL_D);
    expect((await ended.done).code).toBe(0);
  });

  it('leaves at the end of input', async () => {
    const keys = new PassThrough();
    const running = startCli(['ask'], env, { stdin: keys, tty: true, embedder });
    keys.end('Who chairs the safeguarding board?\r');
    const result = await running.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('safeguarding');
  });

  it('keeps the one-shot behaviour when stdin or stdout is not a terminal', async () => {
    for (const tty of ['stdin', 'stdout'] as const) {
      const keys = Object.assign(new PassThrough(), tty === 'stdin' ? { isTTY: true } : {});
      const stdout = Object.assign(new PassThrough(), tty === 'stdout' ? { isTTY: true } : {});
      const stderr = new PassThrough();
      const err: string[] = [];
      stderr.on('data', (c: Buffer) => err.push(c.toString()));
      keys.end('Who chairs the safeguarding board?\n');
      expect(await run(['ask'], { stdin: keys, stdout, stderr, env }, async () => embedder)).toBe(2);
      expect(err.join('')).toBe('error: The question is empty: type a question, e.g. "What did Ofsted find?"\n');
    }
  });

  it('re-indexes a document whose quotes went stale after the answer, and answers from the new index', async () => {
    const question = 'How many children were social workers working with?';
    const repl = session();
    await repl.ask(question);
    const [before] = repl.answers()[0]!.quotes;
    const file = join(corpusDir, before!.doc);
    await writeFile(file, `Updated this morning.\n\n${await readFile(file, 'utf8')}`);
    await repl.ask(question);
    await eventually(() => /changed 1/.test(repl.stderr()), 'the re-index report');
    expect(repl.stderr()).toContain(`${before!.doc} changed since it was indexed: its quotes were withheld. Re-indexing now.`);
    await repl.ask(question);
    const after = repl.answers()[2]!.quotes.find((q) => q.text === before!.text)!;
    expect(after.start).toBeGreaterThan(before!.start);
    expect((await readFile(file, 'utf8')).slice(after.start, after.end)).toBe(after.text);
    repl.type(CTRL_D);
    await repl.done;
  });

  it('re-reads by content a document edited behind the same size and modification time, so the next answer quotes the edit and nothing loops', async () => {
    const question = 'How many children were social workers working with?';
    // A whole second, which utimes sets exactly: the stamp must not move at all.
    const time = 1_700_000_000;
    for (const name of await readdir(corpusDir)) await utimes(join(corpusDir, name), time, time);
    const repl = session();
    await repl.ask(question);
    const [before] = repl.answers()[0]!.shown;
    expect(before!.text).toContain('4,529');
    const file = join(corpusDir, before!.doc);
    await writeFile(file, (await readFile(file, 'utf8')).replace('4,529', '9,999'));
    await utimes(file, time, time);
    await repl.ask(question);
    await eventually(() => /changed 1/.test(repl.stderr()), 'the re-index report');
    await repl.ask(question);
    const after = repl.answers()[2]!.shown.find((q) => q.start === before!.start)!;
    expect(after.text).toBe(before!.text.replace('4,529', '9,999'));
    expect((await readFile(file, 'utf8')).slice(after.start, after.end)).toBe(after.text);
    // Withheld once, re-read once: the third answer raised nothing more.
    expect(repl.stderr().match(/changed since it was indexed/g)).toHaveLength(1);
    repl.type(CTRL_D);
    await repl.done;
  });

  it('follows an index another process publishes while the prompt is open, and answers from it', async () => {
    const repl = session();
    const question = 'Who repainted the Belgrade Theatre foyer?';
    await repl.ask(question);
    expect(repl.answers()[0]!.shown.map((q) => q.doc)).not.toContain('foyer.txt');
    await writeFile(join(corpusDir, 'foyer.txt'), 'Volunteers repainted the Belgrade Theatre foyer in a single weekend.\n');
    expect((await cli(['index'], env, '', embedder)).code).toBe(0);
    await eventually(() => repl.stderr().includes('The index was updated: answering from the new one.'), 'the switch to the new index');
    await repl.ask(question);
    expect(repl.answers()[1]!.shown.map((q) => q.doc)).toContain('foyer.txt');
    repl.type(CTRL_D);
    await repl.done;
  });
});
