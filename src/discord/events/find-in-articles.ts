/**
 * "Find in the articles", a message context-menu command (Apps on any
 * message): the message's text is looked up as a claim and answered
 * privately with the quotes that bear on it, never as if they confirmed it.
 * The same channel list, rate limits and line as questions.
 */
import type { MessageContextMenuCommandInteraction } from 'discord.js';
import { claimText } from '../claim.js';
import { FIND_IN_ARTICLES } from '../commands.js';
import { CLAIM_WORDING } from '../respond.js';
import { answerInTurn, turnedAway, type BotContext } from './context.js';

export const findInArticles = {
  command: FIND_IN_ARTICLES,
  async execute(ctx: BotContext, interaction: MessageContextMenuCommandInteraction): Promise<void> {
    const { replies, logger } = ctx;
    logger.info({ channel: interaction.channelId, shard: interaction.guild?.shardId, kind: 'claim' }, 'question');
    if (await turnedAway(ctx, interaction)) return;
    // Attachments and embeds are not read: only the words someone wrote.
    const claim = claimText(interaction.targetMessage.content);
    if (!claim) {
      await replies.privately(interaction, 'That message has no text to look up in the articles.');
      return;
    }
    await answerInTurn(ctx, interaction, true, () => ctx.answer(claim, 3, { wording: CLAIM_WORDING }), { frontEnd: 'find', asked: claim });
  },
};
