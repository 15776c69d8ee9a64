/** A message that mentions the bot in a guild channel or thread: its text after the mention is the question. */
import { Events, type Message } from 'discord.js';
import { BUSY, SLOW_DOWN } from '../admission.js';
import { deliver } from '../deliver.js';
import { NO_MENTIONS, plainReply, type ReplyPayload } from '../respond.js';
import type { BotContext } from './context.js';

/** The question in a message that mentions the bot: only the bot's own mention is taken out ("what did <@someone> say" keeps its words). */
export function questionFromMention(content: string, botId: string): string {
  return content.replace(/<@!?(\d+)>/g, (mention, id: string) => (id === botId ? ' ' : mention)).trim();
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
    const reply = (payload: ReplyPayload) => deliver(() => message.reply({ ...payload, allowedMentions: NO_MENTIONS, nonce: message.id, enforceNonce: true }), retry);
    if (!admission.withinLimits(message.author.id, message.channelId)) {
      await reply(plainReply(SLOW_DOWN));
      return;
    }
    if (!question) {
      await reply(plainReply('Ask me a question after the mention, e.g. “@Quotebot what did Ofsted find?”'));
      return;
    }
    if (admission.busy()) {
      await reply(plainReply(BUSY));
      return;
    }
    // The reply is sent inside the gate, so shutdown waits for it, not only for the answer.
    await admission.admit((gated) => gated(async () => reply(await ctx.answer(question, 3))));
  },
};
