/** What every event handler is called with: the bot's shared parts, built once by createBot. */
import type { ButtonInteraction, ChatInputCommandInteraction, Client, MessageContextMenuCommandInteraction } from 'discord.js';
import type { Logger } from 'pino';
import type { Config } from '../../config/env.js';
import type { SearchEngine } from '../../search/engine.js';
import { BUSY, SLOW_DOWN, type Admission } from '../admission.js';
import type { Answerer } from '../answer.js';
import type { RetryPolicy } from '../deliver.js';
import type { InteractionReplies } from '../interaction-replies.js';
import type { ReplyPayload } from '../respond.js';
import type { VoteLedger } from '../votes.js';

export interface BotContext {
  client: Client;
  discord: Config['discord'];
  logger: Logger;
  now: () => number;
  retry: RetryPolicy;
  admission: Admission;
  answer: Answerer;
  /** The engine over the current index (it can be swapped underneath). */
  engine: () => SearchEngine;
  replies: InteractionReplies;
  votes: VoteLedger;
}

/** Tells the user privately, and returns true, when the bot is stopping or the channel is not one it serves. */
export async function turnedAway({ admission, replies }: BotContext, interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction | ButtonInteraction): Promise<boolean> {
  if (admission.accepting && admission.allowedChannel(interaction.channelId, interaction.channel?.isThread() ? interaction.channel.parentId : undefined)) return false;
  const why = admission.accepting ? 'I only answer in the channels I was set up for.' : 'I am restarting; ask again in a moment.';
  await replies.privately(interaction, why);
  return true;
}

/**
 * The way every command's answer goes: past both rate limits and the line
 * (else a private "slow down" or "busy"), acknowledged at once (Discord drops
 * an interaction not answered within 3 seconds), then edited with what
 * `build` makes, inside the gate so shutdown waits for the reply.
 */
export async function answerInTurn(
  { admission, replies }: BotContext,
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction | ButtonInteraction,
  ephemeral: boolean,
  build: () => Promise<ReplyPayload>,
): Promise<void> {
  if (!admission.withinLimits(interaction.user.id, interaction.channelId) || admission.busy()) {
    await replies.privately(interaction, admission.busy() ? BUSY : SLOW_DOWN);
    return;
  }
  await admission.admit(async (gated) => {
    await replies.defer(interaction, ephemeral);
    await gated(async () => replies.edit(interaction, await build()));
  });
}
