/**
 * `npm run bot`: loads the model and an up-to-date index once, connects to
 * Discord, swaps to a new index when `npm run index` publishes one, and
 * shuts down cleanly on SIGINT/SIGTERM.
 */
import 'dotenv/config';
import pino from 'pino';
import { loadConfig } from '../config/env.js';
import { fail, oneLine } from '../errors.js';
import { followIndex, openEmbedder, preloadIndex } from '../open.js';
import { createBot } from './bot.js';

async function main(): Promise<number> {
  const config = loadConfig();
  const logger = pino(
    { level: config.logLevel, redact: { paths: ['token', '*.token', 'config.discord.token'], censor: '[redacted]' } },
    process.stderr.isTTY ? pino.transport({ target: 'pino-pretty', options: { destination: 2 } }) : pino.destination(2),
  );
  if (!config.discord.token) throw fail('MISSING_TOKEN');
  const preloaded = preloadIndex(config);
  const embedder = await openEmbedder(config);
  // A quote that fails the verbatim check means a document changed since it was indexed: it is re-indexed
  // in the background, and the bot switches to the new index when it is published.
  const follower = await followIndex(config, embedder, { onMessage: (line) => logger.info(line) }, {
    preloaded,
    reindexInBackground: true,
    onReindex: (docs) => logger.warn({ docs }, 'withheld quotes from documents changed since they were indexed; re-indexing'),
    onReindexFailed: (error) => logger.error({ err: oneLine(error) }, 're-index failed'),
    onSwitched: (engine) => logger.info({ sentences: engine.index.passages.length }, 'switched to the new index'),
    onKept: (error) => logger.warn({ err: oneLine(error) }, 'kept the previous index'),
  });
  const bot = createBot({ config, engine: follower.engine, logger });
  const shutdown = async (signal: string) => {
    logger.info(`${signal}: finishing questions in flight, then exiting`);
    follower.stop();
    await bot.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    await bot.start();
  } catch (error) {
    logger.fatal(oneLine(error));
    await bot.client.destroy();
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`error: ${oneLine(error)}\n`);
    process.exit(1);
  },
);
