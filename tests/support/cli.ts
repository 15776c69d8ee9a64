/** Runs the real CLI in-process with captured streams. */
import { PassThrough, Readable } from 'node:stream';
import type { Embedder } from '../../src/embed/embedder.js';
import { run } from '../../src/cli/main.js';
import { openEmbedder } from '../../src/open.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Text fed to stdin, or a stream the test keeps writing to. */
  stdin?: string | Readable;
  /** Marks stdin and stdout as terminals, as an interactive shell would. */
  tty?: boolean;
  /** Stands in for the model (default: the real one). */
  embedder?: Embedder;
  signal?: AbortSignal;
}

export interface RunningCli {
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  done: Promise<CliResult>;
}

export function startCli(argv: string[], env: Record<string, string>, options: CliOptions = {}): RunningCli {
  const stdin = typeof options.stdin === 'string' || options.stdin === undefined ? Readable.from([options.stdin ?? '']) : options.stdin;
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty });
  const stderr = new PassThrough();
  if (options.tty) Object.assign(stdin, { isTTY: true });
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const { embedder } = options;
  const io = { stdin, stdout, stderr, env, ...(options.signal ? { signal: options.signal } : {}) };
  const done = run(argv, io, embedder ? async () => embedder : openEmbedder).then((code) => ({ code, stdout: out.join(''), stderr: err.join('') }));
  return { stdout: () => out.join(''), stderr: () => err.join(''), done };
}

export function cli(argv: string[], env: Record<string, string>, stdin = '', embedder?: Embedder): Promise<CliResult> {
  return startCli(argv, env, { stdin, ...(embedder ? { embedder } : {}) }).done;
}

/** Polls until `check` holds (a line printed, a file indexed), failing with `what` (a function: the output so far) after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string | (() => string), ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
