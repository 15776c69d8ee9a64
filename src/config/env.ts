/**
 * The one place the environment is read and validated. Everything else gets
 * a typed Config. Empty strings count as unset (a blank line in .env must not
 * override a default), and secrets are wrapped so no log line or stack trace
 * can print them.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fail } from '../errors.js';

/** The folder holding package.json: src/config/ under tsx, dist/ when bundled, so found by walking up. */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const DEFAULT_MODEL = 'all-MiniLM-L6-v2';

function findRoot(dir: string): string {
  if (existsSync(join(dir, 'package.json'))) return dir;
  const parent = dirname(dir);
  if (parent === dir) throw new Error('package.json not found above the running module');
  return findRoot(parent);
}

/** A secret value that renders as [redacted] through every path Node prints objects by. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[redacted]';
  }
}

const optionalString = z.string().optional();
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const snowflakeList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^\d{15,21}$/, 'each entry must be a Discord channel id (digits)')));
/** 'auto' (Discord's recommendation, fetched at login) or how many shards the whole bot runs, across all its processes. */
const shardCount = z
  .string()
  .trim()
  .regex(/^(auto|[1-9]\d{0,4})$/, "must be 'auto' or a whole number of shards from 1 to 99999")
  .transform((v) => (v === 'auto' ? ('auto' as const) : Number(v)));
/** Shard ids and inclusive ranges ("0,1", "0-3", "0,2-3"), kept as ranges until checked against the count, so "0-99999" is never expanded. */
const shardRanges = z
  .string()
  .trim()
  .regex(/^\d{1,5}(-\d{1,5})?(\s*,\s*\d{1,5}(-\d{1,5})?)*$/, 'must be shard ids and ranges like 0,1 or 0-3 or 0,2-3')
  .transform((v) => v.split(',').map((part) => part.trim().split('-').map(Number) as [number] | [number, number]))
  .refine((ranges) => ranges.every(([from, to = from]) => from <= to), 'a range must go upwards, like 2-3');

const schema = z.object({
  CORPUS_DIR: z.string().default('corpus'),
  INDEX_DIR: z.string().default('index'),
  MODELS_DIR: z.string().default('models'),
  EMBED_MODEL: z.string().default(DEFAULT_MODEL),
  EMBED_PRECISION: z.enum(['int8', 'fp32']).default('int8'),
  EMBED_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DISCORD_TOKEN: optionalString,
  DISCORD_APP_ID: z.string().regex(/^\d{15,21}$/, 'must be the numeric application id').optional(),
  DISCORD_GUILD_ID: z.string().regex(/^\d{15,21}$/, 'must be a numeric server id').optional(),
  DISCORD_API_BASE: z.url().optional(),
  ALLOWED_CHANNEL_IDS: snowflakeList.optional(),
  RATE_LIMIT_USER_PER_MIN: positiveInt(5),
  RATE_LIMIT_CHANNEL_PER_MIN: positiveInt(30),
  MAX_CONCURRENT_QUESTIONS: positiveInt(4),
  MAX_QUEUED_QUESTIONS: positiveInt(200),
  FEEDBACK_FILE: z.string().default('feedback.jsonl'),
  FEEDBACK_MAX_BYTES: positiveInt(10_000_000),
  FEEDBACK_DAYS: z.coerce.number().int().min(0).max(36_500).default(30),
  QUESTION_LOG_FILE: z.string().default('questions.jsonl'),
  QUESTION_LOG_DAYS: z.coerce.number().int().min(0).max(36_500).default(30),
  QUESTION_LOG_MAX_BYTES: positiveInt(50_000_000),
  HEALTH_LOG_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  SHARD_COUNT: shardCount.optional(),
  SHARD_IDS: shardRanges.optional(),
}).superRefine(({ SHARD_COUNT: count, SHARD_IDS: ranges }, ctx) => {
  if (!ranges) return;
  const problem = (message: string) => ctx.addIssue({ code: 'custom', path: ['SHARD_IDS'], message });
  if (count === undefined) return problem('set SHARD_COUNT too: shard ids only mean something with the total number of shards');
  // Processes that split the shards must agree on the count; a recommendation fetched by each at its own start may differ.
  if (count === 'auto') return problem('SHARD_COUNT=auto cannot be combined with SHARD_IDS: set SHARD_COUNT to the number every process uses');
  const highest = Math.max(...ranges.map(([from, to = from]) => to));
  if (highest >= count) problem(`shard ${highest} does not exist with SHARD_COUNT=${count} (ids run from 0 to ${count - 1})`);
  // Only over values that parsed: a malformed variable has already been reported by its own rule.
}, { when: (payload) => payload.issues.length === 0 });

export interface Config {
  corpusDir: string;
  indexDir: string;
  modelsDir: string;
  embedModel: string;
  precision: 'int8' | 'fp32';
  /** Worker threads for large embedding batches; undefined = one per core. */
  embedWorkers?: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** Where the questions asked are recorded (src/journal): 0 days turns it off. */
  questionLog: { file: string; days: number; maxBytes: number };
  discord: {
    token?: Secret;
    appId?: string;
    guildId?: string;
    apiBase?: string;
    allowedChannelIds: string[];
    userPerMinute: number;
    channelPerMinute: number;
    maxConcurrent: number;
    /** Questions that may wait for a free slot; past that the bot answers "busy". */
    maxQueued: number;
    /** Where 👍/👎 votes are appended, one JSON object per line. */
    feedbackFile: string;
    /** Size at which the feedback file is rotated to <file>.1. */
    feedbackMaxBytes: number;
    /** Votes older than this many days are pruned; 0 keeps them. */
    feedbackDays: number;
    /** How often the bot logs its health (memory, descriptors, event-loop delay); 0 never. */
    healthLogSeconds: number;
    /** Unset: discord.js's default, one shard. 'auto': every shard Discord recommends, in this process. */
    shards?: { count: 'auto' } | { count: number; ids: number[] };
  };
}

/** Validates an environment record (process.env by default); throws one line naming the bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const shown = name === 'DISCORD_TOKEN' ? '[redacted]' : JSON.stringify(present[name] ?? '');
    throw fail('INVALID_CONFIG', name, shown, issue.message);
  }
  const e = parsed.data;
  return {
    corpusDir: resolve(PROJECT_ROOT, e.CORPUS_DIR),
    indexDir: resolve(PROJECT_ROOT, e.INDEX_DIR),
    modelsDir: resolve(PROJECT_ROOT, e.MODELS_DIR),
    embedModel: e.EMBED_MODEL,
    precision: e.EMBED_PRECISION,
    ...(e.EMBED_WORKERS ? { embedWorkers: e.EMBED_WORKERS } : {}),
    logLevel: e.LOG_LEVEL,
    questionLog: { file: resolve(PROJECT_ROOT, e.QUESTION_LOG_FILE), days: e.QUESTION_LOG_DAYS, maxBytes: e.QUESTION_LOG_MAX_BYTES },
    discord: {
      ...(e.DISCORD_TOKEN ? { token: new Secret(e.DISCORD_TOKEN.trim()) } : {}),
      ...(e.DISCORD_APP_ID ? { appId: e.DISCORD_APP_ID } : {}),
      ...(e.DISCORD_GUILD_ID ? { guildId: e.DISCORD_GUILD_ID } : {}),
      ...(e.DISCORD_API_BASE ? { apiBase: e.DISCORD_API_BASE } : {}),
      allowedChannelIds: e.ALLOWED_CHANNEL_IDS ?? [],
      userPerMinute: e.RATE_LIMIT_USER_PER_MIN,
      channelPerMinute: e.RATE_LIMIT_CHANNEL_PER_MIN,
      maxConcurrent: e.MAX_CONCURRENT_QUESTIONS,
      maxQueued: e.MAX_QUEUED_QUESTIONS,
      feedbackFile: resolve(PROJECT_ROOT, e.FEEDBACK_FILE),
      feedbackMaxBytes: e.FEEDBACK_MAX_BYTES,
      feedbackDays: e.FEEDBACK_DAYS,
      healthLogSeconds: e.HEALTH_LOG_SECONDS,
      ...(e.SHARD_COUNT === undefined ? {} : { shards: e.SHARD_COUNT === 'auto' ? { count: 'auto' as const } : { count: e.SHARD_COUNT, ids: shardIds(e.SHARD_COUNT, e.SHARD_IDS) } }),
    },
  };
}

/** The shard ids a process runs, in order: the listed ids and ranges (already checked to lie below `count`), or all of them. */
function shardIds(count: number, ranges: ([number] | [number, number])[] | undefined): number[] {
  if (!ranges) return Array.from({ length: count }, (_, id) => id);
  const ids = new Set(ranges.flatMap(([from, to = from]) => Array.from({ length: to - from + 1 }, (_, k) => from + k)));
  return [...ids].sort((a, b) => a - b);
}
