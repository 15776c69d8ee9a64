/**
 * The Discord front end: /ask and @mentions in guild channels and threads,
 * answered from whatever engine `engine()` returns at that moment (so the
 * index can be swapped underneath). Every question gets exactly one reply.
 */
import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  RESTEvents,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ClientOptions,
  type Message,
  type RepliableInteraction,
} from 'discord.js';
import type { Logger } from 'pino';
import type { Config } from '../config/env.js';
import { fail, oneLine, QuotebotError } from '../errors.js';
import { validateQuestion, type SearchEngine } from '../search/engine.js';
import { MAX_TOP } from './commands.js';
import { MAX_QUOTES, PAGE, parseButtonId } from './buttons.js';
import { alreadyAcknowledged, deliver, RETRY_DELAYS_MS, type RetryPolicy } from './deliver.js';
import { recordFeedback } from './feedback.js';
import { Gate } from './gate.js';
import { RateLimiter } from './rate-limit.js';
import { answerReply, NO_MENTIONS, plainReply, shownQuotes, type ReplyPayload } from './respond.js';
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

const BUSY = 'I have too many questions waiting right now. Please try again in a minute.';
/** How long shutdown waits for replies in flight. */
const SHUTDOWN_GRACE_MS = 10_000;
const SLOW_DOWN = 'You are asking faster than I can check quotes. Please wait a minute and ask again.';

/** The question in a message that mentions the bot: only the bot's own mention is taken out ("what did <@someone> say" keeps its words). */
/** Errors about the question itself; every other error's detail (file paths, model names) stays in the log. */
const USER_ERRORS = new Set<string>(['EMPTY_QUESTION', 'QUESTION_TOO_LONG', 'INVALID_ARGUMENT']);
export const UNAVAILABLE = 'The articles are temporarily unavailable; the operator has been told. Please try again later.';

export function questionFromMention(content: string, botId: string): string {
  return content.replace(/<@!?(\d+)>/g, (mention, id: string) => (id === botId ? ' ' : mention)).trim();
}

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
    // No REST retries: replies are retried with backoff in deliver(), where a repeat is made safe.
    rest: { ...(d.apiBase ? { api: d.apiBase } : {}), globalRequestsPerSecond: requestsPerSecond, retries: 0 },
    ...shardOptions(d.shards),
  });
  // discord.js waits out a 429 itself; the operator sees that it happened. The route has ids and tokens masked, the URL would not.
  client.rest.on(RESTEvents.RateLimited, ({ method, route, retryAfter, global, scope }) =>
    logger.debug({ method, route, retryAfterMs: retryAfter, global, scope }, 'rate limited by Discord'),
  );
  const retry: RetryPolicy = { delays: retryDelaysMs, onRetry: (why, delayMs) => logger.warn({ why, delayMs }, 'Discord failed a reply; retrying') };
  /** An interaction callback; when a retry meets 40060 the lost attempt was acknowledged, and discord.js is told so (editReply checks it). */
  const acknowledge = async (interaction: RepliableInteraction, callback: () => Promise<unknown>, state: 'deferred' | 'replied') => {
    if ((await deliver(callback, retry, alreadyAcknowledged)) === 'landed') interaction[state] = true;
  };
  /** A one-line reply only the user sees. */
  const privately = (interaction: RepliableInteraction, text: string) =>
    acknowledge(interaction, () => interaction.reply({ ...plainReply(text), flags: MessageFlags.Ephemeral }), 'replied');
  const defer = (interaction: RepliableInteraction, ephemeral: boolean) =>
    acknowledge(interaction, () => interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {}), 'deferred');
  /** Editing @original is idempotent: a repeated edit shows the same reply. */
  const edit = (interaction: RepliableInteraction, payload: ReplyPayload) => deliver(() => interaction.editReply(payload), retry);
  const perUser = new RateLimiter(d.userPerMinute, 60_000, now);
  const perChannel = new RateLimiter(d.channelPerMinute, 60_000, now);
  const gate = new Gate(d.maxConcurrent);
  /**
   * Questions taken in and not yet replied to, counted from the moment they
   * are accepted (before /ask's acknowledgement): past running plus queued
   * capacity a new one is told "busy" instead of growing the line.
   */
  let admitted = 0;
  const capacity = d.maxConcurrent + d.maxQueued;
  const admit = async (work: () => Promise<unknown>): Promise<void> => {
    admitted++;
    try {
      await work();
    } finally {
      admitted--;
    }
  };
  const busy = () => admitted >= capacity;
  const votes = new VoteLedger();
  let accepting = true;

  const allowedChannel = (channelId: string, parentId: string | null | undefined) =>
    d.allowedChannelIds.length === 0 || d.allowedChannelIds.includes(channelId) || (parentId ? d.allowedChannelIds.includes(parentId) : false);
  const withinLimits = (userId: string, channelId: string) => perUser.allow(userId) && perChannel.allow(channelId);

  /** Quotes `skip`+1 … `top` of the answer (a first reply skips none, a More page skips those shown). */
  const answer = async (question: string, top: number, skip = 0): Promise<ReplyPayload> => {
    try {
      const current = engine();
      const result = await current.ask(question, top);
      const shown = shownQuotes(result);
      logger.debug({ question, verdict: result.verdict, quotes: shown.length }, 'answered');
      const titles = current.index.covered.map((doc) => doc.meta.title ?? doc.name);
      return answerReply(result, titles, { skip, mayHaveMore: shown.length === top });
    } catch (error) {
      // The asker sees what they can fix; anything else (a damaged index, the model) is for the operator's log only.
      if (error instanceof QuotebotError && USER_ERRORS.has(error.code)) return plainReply(error.message);
      logger.error({ err: oneLine(error) }, 'question failed');
      return plainReply(UNAVAILABLE);
    }
  };

  async function onMessage(message: Message): Promise<void> {
    if (!accepting || message.author.bot || !message.inGuild() || !client.user) return;
    if (!message.mentions.users.has(client.user.id)) return;
    if (!allowedChannel(message.channelId, message.channel.isThread() ? message.channel.parentId : undefined)) return;
    const question = questionFromMention(message.content, client.user.id);
    logger.info({ channel: message.channelId, shard: message.guild.shardId, kind: 'mention' }, 'question');
    // One reply per message, so its id is the nonce: Discord returns the first reply to a repeated post instead of a second one.
    const reply = (payload: ReplyPayload) => deliver(() => message.reply({ ...payload, allowedMentions: NO_MENTIONS, nonce: message.id, enforceNonce: true }), retry);
    if (!withinLimits(message.author.id, message.channelId)) {
      await reply(plainReply(SLOW_DOWN));
      return;
    }
    if (!question) {
      await reply(plainReply('Ask me a question after the mention, e.g. “@Quotebot what did Ofsted find?”'));
      return;
    }
    if (busy()) {
      await reply(plainReply(BUSY));
      return;
    }
    // The reply is sent inside the gate, so shutdown waits for it, not only for the answer.
    await admit(() => gate.run(async () => reply(await answer(question, 3))));
  }

  /** The /ask options as sent, checked before anything is public: they are hostile input until then. */
  function askOptions(interaction: ChatInputCommandInteraction): { question: string; top: number; ephemeral: boolean } | { error: string } {
    const question = interaction.options.get('question')?.value;
    const top = interaction.options.get('top')?.value ?? 3;
    const visibility = interaction.options.get('public')?.value;
    if (typeof question !== 'string') return { error: fail('EMPTY_QUESTION').message };
    if (typeof top !== 'number' || !Number.isInteger(top) || top < 1 || top > MAX_TOP) {
      return { error: fail('INVALID_ARGUMENT', 'top', String(top), `must be a whole number from 1 to ${MAX_TOP}`).message };
    }
    try {
      return { question: validateQuestion(question), top, ephemeral: visibility === false };
    } catch (error) {
      return { error: oneLine(error) };
    }
  }

  async function onAsk(interaction: ChatInputCommandInteraction): Promise<void> {
    logger.info({ channel: interaction.channelId, shard: interaction.guild?.shardId, kind: 'slash' }, 'question');
    const options = askOptions(interaction);
    // Bad input is answered privately, before the public acknowledgement.
    if ('error' in options) {
      await privately(interaction, options.error);
      return;
    }
    const { question, top, ephemeral } = options;
    if (await turnedAway(interaction)) return;
    if (!withinLimits(interaction.user.id, interaction.channelId) || busy()) {
      await privately(interaction, busy() ? BUSY : SLOW_DOWN);
      return;
    }
    await admit(async () => {
      // Acknowledge first: Discord drops an interaction that is not answered within 3 seconds.
      await defer(interaction, ephemeral);
      await gate.run(async () => edit(interaction, await answer(question, top)));
    });
  }

  /** Tells the user privately, and returns true, when the bot is stopping or the channel is not one it serves. */
  async function turnedAway(interaction: ChatInputCommandInteraction | ButtonInteraction): Promise<boolean> {
    if (accepting && allowedChannel(interaction.channelId, interaction.channel?.isThread() ? interaction.channel.parentId : undefined)) return false;
    const why = accepting ? 'I only answer in the channels I was set up for.' : 'I am restarting; ask again in a moment.';
    await privately(interaction, why);
    return true;
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const action = parseButtonId(interaction.customId);
    // Unknown ids (an old or forged button) are still acknowledged, so the user sees why nothing happened.
    if (!action) {
      await privately(interaction, 'This button is no longer valid. Ask the question again.');
      return;
    }
    // Votes and More pages obey the same channel list and rate limits as questions.
    if (await turnedAway(interaction)) return;
    if (action.kind === 'vote') {
      const [messageId, userId] = [interaction.message.id, interaction.user.id];
      if (!votes.claim(messageId, userId)) {
        await privately(interaction, 'You already voted on this answer; only your first vote counts.');
        return;
      }
      if (!perUser.allow(userId)) {
        votes.release(messageId, userId);
        await privately(interaction, SLOW_DOWN);
        return;
      }
      const embed = interaction.message.embeds[0];
      const written = await recordFeedback(d.feedbackFile, {
        at: new Date(now()).toISOString(),
        verdict: action.verdict,
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        messageId,
        question: embed?.title ?? null,
        shown: embed?.description ?? interaction.message.content,
      }, d.feedbackMaxBytes).then(
        () => true,
        (error: unknown) => (logger.error({ err: oneLine(error) }, 'feedback not recorded'), false),
      );
      if (!written) {
        votes.release(messageId, userId);
        await privately(interaction, 'Your vote could not be recorded; please try again later.');
        return;
      }
      logger.info({ verdict: action.verdict, message: messageId }, 'feedback');
      await privately(interaction, 'Thanks, your vote was recorded.');
      return;
    }
    if (!withinLimits(interaction.user.id, interaction.channelId) || busy()) {
      await privately(interaction, busy() ? BUSY : SLOW_DOWN);
      return;
    }
    const top = Math.min(action.shown + PAGE, MAX_QUOTES);
    await admit(async () => {
      // The next page goes to the one who asked for it, not to the whole channel.
      await defer(interaction, true);
      await gate.run(async () => edit(interaction, await answer(action.question, top, action.shown)));
    });
  }

  client.on(Events.MessageCreate, (message) => {
    onMessage(message).catch((error: unknown) => logger.error({ err: oneLine(error) }, 'mention reply failed'));
  });
  client.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isButton()) {
      onButton(interaction).catch((error: unknown) => logger.error({ err: oneLine(error) }, 'button reply failed'));
    } else if (interaction.isChatInputCommand() && interaction.commandName === 'ask') {
      onAsk(interaction).catch((error: unknown) => logger.error({ err: oneLine(error) }, 'slash reply failed'));
    }
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
      // Resolved at login ('auto' becomes the recommended count): what this process really runs.
      const shards = [...client.ws.shards.keys()].sort((a, b) => a - b);
      logger.info({ shards, shardCount: client.options.shardCount }, `running shards ${shards.join(',')} of ${client.options.shardCount}`);
    },
    async stop() {
      accepting = false;
      // Replies in flight are sent before the connection closes, within a bound: a stuck request must not hold shutdown.
      const deadline = Date.now() + SHUTDOWN_GRACE_MS;
      while (admitted > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
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
