/**
 * A message that mentions the bot in a guild channel or thread: its text
 * after the mention is the question. A reply to one of the bot's answers, or
 * a mention in a thread the bot answered the asker in, is a follow-up: read
 * with the question that answer was for (taken from the bot's own message,
 * so nothing is stored and a restart loses nothing).
 */
import { Events, type Message } from 'discord.js';
import { oneLine } from '../../errors.js';
import { BUSY, SLOW_DOWN } from '../admission.js';
import { deliver } from '../deliver.js';
import { askedQuestion, NO_MENTIONS, plainReply, type ReplyPayload } from '../respond.js';
import { unansweredRecord } from '../../journal/question-log.js';
import { logQuestion, type BotContext } from './context.js';

/** The question in a message that mentions the bot: only the bot's own mention is taken out ("what did <@someone> say" keeps its words). */
export function questionFromMention(content: string, botId: string): string {
  return content.replace(/<@!?(\d+)>/g, (mention, id: string) => (id === botId ? ' ' : mention)).trim();
}

/** Messages of a thread read back for the asker's last question there. */
const THREAD_MESSAGES = 20;

/**
 * The question a follow-up follows, as its asker typed it: the one the bot's
 * message it replies to answered; else, in a thread, the one the bot last answered for this asker
 * there. Undefined for a reply to anyone else's message, or when Discord
 * cannot give the messages back (deleted, no permission): the question is
 * then read on its own.
 */
async function earlierQuestion(message: Message<true>, botId: string): Promise<string | undefined> {
  if (message.reference?.messageId) {
    const referenced = await message.fetchReference();
    return referenced.author.id === botId ? askedQuestion(referenced.embeds[0]) : undefined;
  }
  if (!message.channel.isThread()) return undefined;
  const recent = await message.channel.messages.fetch({ limit: THREAD_MESSAGES, before: message.id });
  const mine = [...recent.values()].find((m) => m.author.id === botId && m.reference?.messageId !== undefined && recent.get(m.reference.messageId)?.author.id === message.author.id);
  return mine ? askedQuestion(mine.embeds[0]) : undefined;
}

export const mention = {
  event: Events.MessageCreate as const,
  async execute(ctx: BotContext, message: Message): Promise<void> {
    const { client, admission, logger, retry } = ctx;
    if (!admission.accepting || message.author.bot || !message.inGuild() || !client.user) return;
    if (!message.mentions.users.has(client.user.id)) return;
    if (!admission.allowedChannel(message.channelId, message.channel.isThread() ? message.channel.parentId : undefined)) return;
    const question = questionFromMention(message.content, client.user.id);
    logger.info({ channel: message.channelId, shard: message.guild.shardId, kind: 'mention' }, 'question');
    // One reply per message, so its id is the nonce: Discord returns the first reply to a repeated post instead of a second one.
    const reply = async (payload: ReplyPayload): Promise<string | undefined> => {
      let id: string | undefined;
      await deliver(async () => {
        id = (await message.reply({ ...payload, allowedMentions: NO_MENTIONS, nonce: message.id, enforceNonce: true })).id;
      }, retry);
      return id;
    };
    const where = { guildId: message.guildId, channelId: message.channelId };
    if (!admission.withinLimits(message.author.id, message.channelId)) {
      await reply(plainReply(SLOW_DOWN));
      if (question) logQuestion(ctx, where, 'mention', unansweredRecord(question, 'slowed'), null);
      return;
    }
    if (!question) {
      await reply(plainReply('Ask me a question after the mention, e.g. “@Quotebot what did Ofsted find?”'));
      return;
    }
    if (admission.busy()) {
      await reply(plainReply(BUSY));
      logQuestion(ctx, where, 'mention', unansweredRecord(question, 'busy'), null);
      return;
    }
    const earlier = await earlierQuestion(message, client.user.id).catch((error: unknown) => {
      logger.warn({ err: oneLine(error) }, 'could not read the message a follow-up follows; reading it alone');
      return undefined;
    });
    // The reply is sent inside the gate, so shutdown waits for it, not only for the answer; its line is logged there too.
    await admission.admit((gated) =>
      gated(async () => {
        const { payload, record } = await ctx.answer(question, 3, earlier ? { earlier } : {});
        logQuestion(ctx, where, earlier ? 'follow-up' : 'mention', record, (await reply(payload)) ?? null);
      }),
    );
  },
};
