/** The real bot started against a FakeDiscord, and matchers for what it sends: shared by the Discord suites. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { beforeAll, beforeEach } from 'vitest';
import { loadConfig, type Config } from '../../src/config/env.js';
import { createBot, type Bot } from '../../src/discord/bot.js';
import { openEmbedder, openEngine } from '../../src/open.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { BOT_ID, FakeDiscord, TOKEN, type RecordedRequest } from './fake-discord.js';
import { scratch } from './temp.js';

/** The configuration of a bot talking to `fake`, answering over the scratch corpus and index in `dirs`. */
export function botConfig(fake: FakeDiscord, dirs: { corpusDir: string; indexDir: string }, extra: Record<string, string> = {}): Config {
  return loadConfig({
    CORPUS_DIR: dirs.corpusDir,
    INDEX_DIR: dirs.indexDir,
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_BASE: fake.apiBase,
    LOG_LEVEL: 'debug',
    ...extra,
  });
}

/** The real waits (1 s, 2 s, 4 s) shrunk tenfold: a test of Discord failing stays fast and still sees the backoff grow. */
export const RETRY_DELAYS = [100, 200, 400];

/** A started bot answering from whatever `engine()` returns, logging each JSON line to `lines`. */
export async function startBotWith(config: Config, engine: () => SearchEngine, lines: string[]): Promise<Bot> {
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
  const bot = createBot({ config, engine, logger, requestsPerSecond: 1000, retryDelaysMs: RETRY_DELAYS });
  await bot.start();
  return bot;
}

export const isSend = (r: RecordedRequest) => r.method === 'POST' || r.method === 'PATCH';
/** The edit that puts an interaction's answer in place of its deferral. */
export const editOf = (token: string) => (r: RecordedRequest) => r.method === 'PATCH' && r.path === `/webhooks/${BOT_ID}/${token}/messages/@original`;
/** An interaction's acknowledgement (a deferral or a reply). */
export const callbackOf = (id: string) => (r: RecordedRequest) => r.method === 'POST' && r.path.startsWith(`/interactions/${id}/`);
/** A reply's text: its embed's description and its content. */
export const description = (r: RecordedRequest) => ((r.body?.embeds as { description: string }[] | undefined)?.[0]?.description ?? '') + String(r.body?.content ?? '');

export interface FakeDiscordSuite {
  /** The real model's engine over a scratch copy of the corpus, built once for the suite. */
  engine: SearchEngine;
  paths: Awaited<ReturnType<typeof scratch>>;
  /** A fresh fake Discord for each test, stopped after it. */
  fake: FakeDiscord;
  /** A bot over `engine` talking to `fake`, with these settings. */
  start(extra?: Record<string, string>, lines?: string[]): Promise<Bot>;
}

/** Registers a Discord suite's set-up (call it inside a describe) and hands back what its tests use, filled in before each test. */
export function fakeDiscordSuite(): FakeDiscordSuite {
  const suite = {
    start: (extra: Record<string, string> = {}, lines: string[] = []) => startBotWith(botConfig(suite.fake, suite.paths, extra), () => suite.engine, lines),
  } as FakeDiscordSuite;
  beforeAll(async () => {
    suite.paths = await scratch();
    suite.engine = await openEngine(loadConfig({ CORPUS_DIR: suite.paths.corpusDir, INDEX_DIR: suite.paths.indexDir }), await openEmbedder(loadConfig({})));
  });
  beforeEach(async () => {
    suite.fake = new FakeDiscord();
    await suite.fake.start();
    return async () => suite.fake.stop();
  });
  return suite;
}
