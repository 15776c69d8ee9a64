/** /sources: what the bot answers from, privately, paged with buttons (sources.ts builds the pages). */
import type { ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import { SLOW_DOWN } from '../admission.js';
import { exampleQuestions, sourcesOf, sourcesReply } from '../sources.js';
import { answerInTurn, turnedAway, type BotContext } from './context.js';

export const sources = {
  command: 'sources',
  async execute(ctx: BotContext, interaction: ChatInputCommandInteraction): Promise<void> {
    if (await turnedAway(ctx, interaction)) return;
    await answerInTurn(ctx, interaction, true, async () => {
      const engine = ctx.engine();
      return { payload: sourcesReply(sourcesOf(engine.index), 1, await exampleQuestions(engine)) };
    });
  },
};

/** A Previous / Next click: the page asked for, in place (a page past the end shows the last). */
export async function showSourcesPage(ctx: BotContext, interaction: ButtonInteraction, page: number): Promise<void> {
  if (!ctx.admission.userAllowed(interaction.user.id)) {
    await ctx.replies.privately(interaction, SLOW_DOWN);
    return;
  }
  const engine = ctx.engine();
  await ctx.replies.update(interaction, sourcesReply(sourcesOf(engine.index), page, await exampleQuestions(engine)));
}
