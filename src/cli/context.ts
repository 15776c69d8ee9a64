/** What every CLI command is called with: the streams, the environment and the shared set-up, built once by run(). */
import type { Config } from '../config/env.js';
import type { Embedder } from '../embed/embedder.js';
import type { Hooks } from '../open.js';

export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Stops a command that runs until told (index --watch); without it, SIGINT or SIGTERM does. */
  signal?: AbortSignal;
}

/** Exit codes: 0 ok, 1 failure, 2 bad input from the user, 75 (EX_TEMPFAIL) another build holds the index with --no-wait. */
export const USAGE = 2;
export const INDEX_BUSY = 75;

export interface CliContext {
  io: Io;
  /** A line on stderr: every message, warning and progress bar goes there, stdout carries only answers. */
  say(line: string): void;
  /** The model for a configuration (tests inject their own). */
  embedderFor(config: Config): Promise<Embedder>;
  /** The progress bar and message hooks every build and engine reports through. */
  hooks(): Hooks;
  setExitCode(code: number): void;
}
