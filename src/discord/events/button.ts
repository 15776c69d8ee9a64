/**
 * A button under an answer: a vote (recorded once per user and message) or
 * More (the next page, to the one who asked for it); or a /sources page. Button ids are hostile
 * input: parseButtonId accepts only what the bot itself writes.
 */
import type { ButtonInteraction } from 'discord.js';
import { oneLine } from '../../errors.js';
import { SLOW_DOWN } from '../admission.js';
import { MAX_QUOTES, PAGE, parseButtonId, type ButtonAction } from '../buttons.js';
import type { FeedbackEntry } from '../feedback.js';
import { showSourcesPage } from './sources.js';
import { answerInTurn, turnedAway, type BotContext } from './context.js';

async function vote(ctx: BotContext, interaction: ButtonInteraction, verdict: Extract<ButtonAction, { kind: 'vote' }>['verdict']): Promise<void> {
  const { admission, replies, votes, logger } = ctx;
  const [messageId, userId] = [interaction.message.id, interaction.user.id];
  if (!votes.claim(messageId, userId)) {
    await replies.privately(interaction, 'You already voted on this answer; only your first vote counts.');
    return;
  }
  if (!admission.userAllowed(userId)) {
    votes.release(messageId, userId);
    await replies.privately(interaction, SLOW_DOWN);
    return;
  }
  const embed = interaction.message.embeds[0];
  const entry: FeedbackEntry = {
    at: new Date(ctx.now()).toISOString(),
    verdict,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    messageId,
    question: embed?.title ?? null,
    shown: embed?.description ?? interaction.message.content,
  };
  const written = await ctx.journal.feedback.append({ ...entry }).then(
    () => true,
    (error: unknown) => (logger.error({ err: oneLine(error) }, 'feedback not recorded'), false),
  );
  if (!written) {
    votes.release(messageId, userId);
    await replies.privately(interaction, 'Your vote could not be recorded; please try again later.');
    return;
  }
  logger.info({ verdict, message: messageId }, 'feedback');
  await replies.privately(interaction, 'Thanks, your vote was recorded.');
}

export const button = {
  async execute(ctx: BotContext, interaction: ButtonInteraction): Promise<void> {
    const { replies } = ctx;
    const action = parseButtonId(interaction.customId);
    // Unknown ids (an old or forged button) are still acknowledged, so the user sees why nothing happened.
    if (!action) {
      await replies.privately(interaction, 'This button is no longer valid. Ask the question again.');
      return;
    }
    // Votes and More pages obey the same channel list and rate limits as questions.
    if (await turnedAway(ctx, interaction)) return;
    if (action.kind === 'vote') return vote(ctx, interaction, action.verdict);
    if (action.kind === 'sources') return showSourcesPage(ctx, interaction, action.page);
    const top = Math.min(action.shown + PAGE, MAX_QUOTES);
    // The next page goes to the one who asked for it, not to the whole channel; a page is not a question, so it is not logged.
    await answerInTurn(ctx, interaction, true, async () => ({ payload: (await ctx.answer(action.question, top, { skip: action.shown })).payload }));
  },
};
