/** The real bot started against a FakeDiscord, and matchers for what it sends: shared by the Discord suites. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/env.js';
import { createBot, type Bot } from '../../src/discord/bot.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { BOT_ID, TOKEN, type FakeDiscord, type RecordedRequest } from './fake-discord.js';

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
