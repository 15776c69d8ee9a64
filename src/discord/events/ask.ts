/** The /ask slash command: options checked before anything is public, then a deferred reply edited with the answer. */
import type { ChatInputCommandInteraction } from 'discord.js';
import { fail, oneLine } from '../../errors.js';
import { validateQuestion } from '../../search/engine.js';
import { MAX_TOP } from '../commands.js';
import { answerInTurn, turnedAway, type BotContext } from './context.js';

/** The /ask options as sent: hostile input until checked. */
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

export const ask = {
  command: 'ask',
  async execute(ctx: BotContext, interaction: ChatInputCommandInteraction): Promise<void> {
    const { replies, logger } = ctx;
    logger.info({ channel: interaction.channelId, shard: interaction.guild?.shardId, kind: 'slash' }, 'question');
    const options = askOptions(interaction);
    // Bad input is answered privately, before the public acknowledgement.
    if ('error' in options) {
      await replies.privately(interaction, options.error);
      return;
    }
    const { question, top, ephemeral } = options;
    if (await turnedAway(ctx, interaction)) return;
    await answerInTurn(ctx, interaction, ephemeral, () => ctx.answer(question, top), { frontEnd: 'ask', asked: question });
  },
};
