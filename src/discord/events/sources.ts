/** /sources: what the bot answers from, privately, paged with buttons (sources.ts builds the pages). */
import type { ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import { BUSY, SLOW_DOWN } from '../admission.js';
import { exampleQuestions, sourcesOf, sourcesReply } from '../sources.js';
import { turnedAway, type BotContext } from './context.js';

export const sources = {
  command: 'sources',
  async execute(ctx: BotContext, interaction: ChatInputCommandInteraction): Promise<void> {
    const { admission, replies } = ctx;
    if (await turnedAway(ctx, interaction)) return;
    if (!admission.withinLimits(interaction.user.id, interaction.channelId) || admission.busy()) {
      await replies.privately(interaction, admission.busy() ? BUSY : SLOW_DOWN);
      return;
    }
    await admission.admit(async (gated) => {
      await replies.defer(interaction, true);
      await gated(async () => {
        const engine = ctx.engine();
        return replies.edit(interaction, sourcesReply(sourcesOf(engine.index), 1, await exampleQuestions(engine)));
      });
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
