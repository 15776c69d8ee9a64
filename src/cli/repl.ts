/**
 * `npm run ask` with no question on a terminal: a prompt over a model and an
 * index loaded once, so each answer takes milliseconds. Streams and the
 * terminal flag are parameters so tests drive it with key sequences.
 * Questions are kept across sessions in a history file (up/down recall them).
 * A question that leans on the last one ("and his stepfather?") is read as
 * its follow-up, and the reading is shown; :new starts afresh.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fail, oneLine } from '../errors.js';
import type { Answer } from '../search/engine.js';
import type { Reading } from '../search/follow-up.js';
import { answerJson, renderAnswer } from './render.js';

/** Enough to find last week's questions, small enough to load at every start. */
export const HISTORY_LIMIT = 500;

/** The --top / :top rule: a whole number from 1 to 10. */
export function parseTop(name: string, value: string): number {
  const top = Number(value);
  if (!Number.isInteger(top) || top < 1 || top > 10) throw fail('INVALID_ARGUMENT', name, value, 'must be a whole number from 1 to 10');
  return top;
}

/**
 * Per user, not per project: history is state about the person asking (XDG
 * base directory spec), and a project folder may be shared or committed.
 * XDG_STATE_HOME moves it (tests point it at a scratch folder).
 */
export function historyFile(env: Record<string, string | undefined>): string {
  const state = env.XDG_STATE_HOME?.trim() || join(env.HOME?.trim() || homedir(), '.local', 'state');
  return join(state, 'quotebot', 'history');
}

/** Oldest first in the file (as shells keep it), newest first for readline. */
async function loadHistory(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line.trim() !== '').reverse().slice(0, HISTORY_LIMIT);
}

export interface ReplOptions {
  input: NodeJS.ReadableStream;
  /** Prompt, echo, answers and command replies. */
  output: NodeJS.WritableStream;
  /** Raw key handling (arrows, Ctrl-C, Ctrl-D) and colour; true on a real terminal. */
  terminal: boolean;
  /** Error lines, as the one-shot ask prints them (stderr). */
  say: (line: string) => void;
  historyFile: string;
  top: number;
  json: boolean;
  /** A question → its reading with the earlier question (search/follow-up.ts) and its answer, from the engine answering now. */
  ask: (question: string, earlier: string | undefined, top: number) => Promise<{ reading: Reading; answer: Answer }>;
  /** Runs after each answer: re-indexes documents whose quotes failed the verbatim check. */
  afterAnswer: () => Promise<void>;
}

const EXIT_HINT = '(To leave, press Ctrl-C again, Ctrl-D, or type :quit)';

export async function repl(options: ReplOptions): Promise<void> {
  const { output, say } = options;
  let { top, json } = options;
  const rl = createInterface({
    input: options.input,
    output,
    terminal: options.terminal,
    prompt: 'ask> ',
    history: await loadHistory(options.historyFile),
    historySize: HISTORY_LIMIT,
    removeHistoryDuplicates: true,
  });
  // Writes are chained so two quick questions cannot interleave; a failure is said once, not per question.
  let saving = Promise.resolve();
  let saveFailed = false;
  rl.on('history', (history: string[]) => {
    const text = `${[...history].reverse().join('\n')}\n`;
    saving = saving
      .then(() => mkdir(dirname(options.historyFile), { recursive: true }))
      .then(() => writeFile(options.historyFile, text, { mode: 0o600 }))
      .catch((error: unknown) => {
        if (!saveFailed) say(`warning: history not saved to ${options.historyFile}: ${oneLine(error)}`);
        saveFailed = true;
      });
  });

  let closed = false;
  rl.on('close', () => (closed = true));
  // Ctrl-C clears a typed line; on an empty line it warns, and a second one in a row leaves.
  let leaving = false;
  rl.on('SIGINT', () => {
    if (rl.line !== '') {
      leaving = false;
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
    } else if (leaving) {
      rl.close();
    } else {
      leaving = true;
      output.write(`\n${EXIT_HINT}\n`);
      rl.prompt();
    }
  });

  const help = () =>
    [
      'Type a question and press Enter. Commands:',
      `  :top N   how many quotes at most, 1-10 (now ${top})`,
      `  :json    JSON output on or off (now ${json ? 'on' : 'off'})`,
      '  :new     a fresh question: the next one is not read as a follow-up of the last',
      '  :help    this list',
      '  :quit    leave (so do Ctrl-D, and Ctrl-C twice on an empty line)',
      `Up and down recall earlier questions (kept in ${options.historyFile}); Ctrl-C clears the line.`,
    ].join('\n');

  // The question last answered: a short or pointing question after it is read as its follow-up (search/follow-up.ts).
  let earlier: string | undefined;
  const command = (line: string) => {
    const [name, ...rest] = line.split(/\s+/);
    const value = rest.join(' ');
    if (name === ':top') {
      top = parseTop(':top', value);
      output.write(`Showing at most ${top} quote${top === 1 ? '' : 's'}.\n`);
    } else if (name === ':json' && value === '') {
      json = !json;
      output.write(`JSON output ${json ? 'on' : 'off'}.\n`);
    } else if (name === ':new' && value === '') {
      earlier = undefined;
      output.write('The next question starts afresh.\n');
    } else if (name === ':help' && value === '') {
      output.write(`${help()}\n`);
    } else if (name === ':quit' && value === '') {
      rl.close();
    } else {
      throw fail('INVALID_ARGUMENT', 'command', line, 'type :help for the commands');
    }
  };

  // Input waits while a line is handled (prompt() resumes it), so keys typed meanwhile are echoed after the next prompt, not into an answer.
  rl.on('line', () => rl.pause());

  output.write('Ask about the articles; :help lists the commands, Ctrl-D leaves.\n');
  rl.prompt();
  for await (const raw of rl) {
    leaving = false;
    const line = raw.trim();
    try {
      if (line.startsWith(':')) {
        command(line);
      } else {
        const { reading, answer } = await options.ask(raw, earlier, top);
        if (reading.followed) output.write(`Read as: ${reading.question}\n`);
        // The asker's own words are what the next question may lean on, never this reading: one level, never nested.
        earlier = line;
        output.write(`${json ? answerJson(answer) : renderAnswer(answer, options.terminal)}\n`);
        await options.afterAnswer();
      }
    } catch (error) {
      say(`error: ${oneLine(error)}`);
    }
    if (!closed) rl.prompt();
  }
  await saving;
}
