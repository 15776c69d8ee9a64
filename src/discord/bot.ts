/**
 * The Discord front end: /ask and @mentions in guild channels and threads,
 * answered from whatever engine `engine()` returns at that moment (so the
 * index can be swapped underneath). Every question gets exactly one reply.
 * One handler per event and command (events/); admission (admission.ts) decides who is
 * answered and when; this file builds the client and wires them.
 */
import { Client, Events, GatewayIntentBits, Options, RESTEvents, type ClientOptions } from 'discord.js';
import type { Logger } from 'pino';
import type { Config } from '../config/env.js';
import { fail, oneLine } from '../errors.js';
import type { SearchEngine } from '../search/engine.js';
import { questionLog } from '../journal/question-log.js';
import { createAdmission } from './admission.js';
import { feedbackLog } from './feedback.js';
import { logHealth } from './health.js';
import { answerer } from './answer.js';
import { RETRY_DELAYS_MS, type RetryPolicy } from './deliver.js';
import { ask } from './events/ask.js';
import { button } from './events/button.js';
import type { BotContext } from './events/context.js';
import { findInArticles } from './events/find-in-articles.js';
import { mention } from './events/mention.js';
import { sources } from './events/sources.js';
import { interactionReplies } from './interaction-replies.js';
import { NO_MENTIONS } from './respond.js';
import { VoteLedger } from './votes.js';

export interface BotOptions {
  config: Config;
  engine: () => SearchEngine;
  logger: Logger;
  /** Injected for tests; defaults to the real clock. */
  now?: () => number;
  /** discord.js's own REST throttle; Discord's global limit is 50/s, a fake Discord has none. */
  requestsPerSecond?: number;
  /** The waits before each retry of a reply Discord failed (5xx); tests inject short ones. */
  retryDelaysMs?: readonly number[];
}

export interface Bot {
  client: Client;
  /** Logs in and resolves once the client is ready. */
  start(): Promise<void>;
  /** Stops taking questions, finishes those in flight, disconnects. */
  stop(): Promise<void>;
}

/** How long shutdown waits for replies in flight. */
const SHUTDOWN_GRACE_MS = 10_000;
/**
 * discord.js keeps every user and member it has seen, and 200 messages a channel: in a busy server for weeks
 * that grows with every asker. Bounded here (the oldest go first; the bot's own user is kept), and anything
 * evicted is fetched again when needed (a follow-up's earlier answer, say).
 */
const CACHES = Options.cacheWithLimits({
  ...Options.DefaultMakeCacheSettings,
  MessageManager: 50,
  UserManager: { maxSize: 200, keepOverLimit: (user) => user.id === user.client.user.id },
  GuildMemberManager: { maxSize: 200, keepOverLimit: (member) => member.id === member.client.user.id },
  PresenceManager: 0,
  ReactionManager: 0,
  ReactionUserManager: 0,
  VoiceStateManager: 0,
});

/**
 * @discordjs/rest keeps a queue per route and major parameter, and an interaction's webhook routes take
 * its token as the major parameter: every button click and /ask leaves a queue behind, swept only once
 * an hour by default. Swept every five minutes instead, so they hold minutes of clicks, not an hour's
 * (an inactive queue holds no rate-limit state that matters: the next response brings it back).
 */
const REST_HANDLER_SWEEP_MS = 5 * 60_000;

/** How often the question log and the votes are pruned by age, besides at start. */
const PRUNE_EVERY_MS = 86_400_000;

/** discord.js's own sharding options: 'auto' makes it fetch /gateway/bot (from the configured API base) and run every recommended shard. */
function shardOptions(shards: Config['discord']['shards']): Pick<ClientOptions, 'shards' | 'shardCount'> {
  if (!shards) return {};
  return shards.count === 'auto' ? { shards: 'auto' } : { shards: shards.ids, shardCount: shards.count };
}

export function createBot({ config, engine, logger, now = Date.now, requestsPerSecond = 50, retryDelaysMs = RETRY_DELAYS_MS }: BotOptions): Bot {
  const d = config.discord;
  const client = new Client({
    // No MessageContent intent: Discord still delivers the text of messages that mention the bot.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    allowedMentions: NO_MENTIONS,
    makeCache: CACHES,
    // No REST retries: replies are retried with backoff in deliver(), where a repeat is made safe.
    rest: { ...(d.apiBase ? { api: d.apiBase } : {}), globalRequestsPerSecond: requestsPerSecond, retries: 0, handlerSweepInterval: REST_HANDLER_SWEEP_MS },
    ...shardOptions(d.shards),
  });
  // discord.js waits out a 429 itself; the operator sees that it happened. The route has ids and tokens masked, the URL would not.
  client.rest.on(RESTEvents.RateLimited, ({ method, route, retryAfter, global, scope }) =>
    logger.debug({ method, route, retryAfterMs: retryAfter, global, scope }, 'rate limited by Discord'),
  );
  const retry: RetryPolicy = { delays: retryDelaysMs, onRetry: (why, delayMs) => logger.warn({ why, delayMs }, 'Discord failed a reply; retrying') };
  const admission = createAdmission(d, now);
  const ctx: BotContext = {
    client,
    discord: d,
    logger,
    now,
    retry,
    admission,
    answer: answerer(engine, logger),
    engine,
    replies: interactionReplies(retry),
    votes: new VoteLedger(),
    journal: { questions: questionLog({ ...config.questionLog, now }), feedback: feedbackLog(d, now) },
  };
  const prune = () =>
    Promise.all([ctx.journal.questions.prune(), ctx.journal.feedback.prune()]).catch((error: unknown) => logger.error({ err: oneLine(error) }, 'could not prune the question log or the votes'));
  let pruning: NodeJS.Timeout | undefined;
  let stopHealth = () => undefined as void;
  const failed = (what: string) => (error: unknown) => logger.error({ err: oneLine(error) }, `${what} reply failed`);

  client.on(mention.event, (message) => {
    mention.execute(ctx, message).catch(failed('mention'));
  });
  client.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isButton()) button.execute(ctx, interaction).catch(failed('button'));
    else if (interaction.isChatInputCommand() && interaction.commandName === ask.command) ask.execute(ctx, interaction).catch(failed('slash'));
    else if (interaction.isChatInputCommand() && interaction.commandName === sources.command) sources.execute(ctx, interaction).catch(failed('sources'));
    else if (interaction.isMessageContextMenuCommand() && interaction.commandName === findInArticles.command) findInArticles.execute(ctx, interaction).catch(failed('claim'));
  });

  return {
    client,
    async start() {
      const token = d.token;
      if (!token) throw fail('MISSING_TOKEN');
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      try {
        await client.login(token.reveal());
      } catch (error) {
        // Our own messages, never discord.js's error: nothing that could carry the token reaches a log.
        if ((error as { code?: unknown }).code === 'TokenInvalid') throw fail('TOKEN_REJECTED');
        throw fail('DISCORD_UNREACHABLE', d.apiBase ?? 'https://discord.com/api', networkCode(error));
      }
      await ready;
      logger.info(`ready as ${client.user?.tag ?? 'unknown'} in ${client.guilds.cache.size} servers`);
      await prune();
      pruning = setInterval(() => void prune(), PRUNE_EVERY_MS).unref();
      stopHealth = logHealth(logger, d.healthLogSeconds * 1000, () => engine().index.generation);
      // Resolved at login ('auto' becomes the recommended count): what this process really runs.
      const shards = [...client.ws.shards.keys()].sort((a, b) => a - b);
      logger.info({ shards, shardCount: client.options.shardCount }, `running shards ${shards.join(',')} of ${client.options.shardCount}`);
    },
    async stop() {
      admission.stopAccepting();
      // Replies in flight are sent before the connection closes, within a bound: a stuck request must not hold shutdown.
      const deadline = Date.now() + SHUTDOWN_GRACE_MS;
      while (admission.admitted > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      clearInterval(pruning);
      stopHealth();
      // The lines of the questions just answered, and any vote being written, reach the disk before the process goes.
      await Promise.all([ctx.journal.questions.flush(), ctx.journal.feedback.flush()]);
      await client.destroy();
    },
  };
}

/** A system error code (ECONNREFUSED, ENOTFOUND…) from a failed request, or a generic word: never free text. */
function networkCode(error: unknown): string {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  }
  return 'no answer';
}
