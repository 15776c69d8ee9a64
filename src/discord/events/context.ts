/** What every event handler is called with: the bot's shared parts, built once by createBot. */
import type { ButtonInteraction, ChatInputCommandInteraction, Client, MessageContextMenuCommandInteraction } from 'discord.js';
import type { Logger } from 'pino';
import type { Config } from '../../config/env.js';
import type { SearchEngine } from '../../search/engine.js';
import type { Admission } from '../admission.js';
import type { Answerer } from '../answer.js';
import type { RetryPolicy } from '../deliver.js';
import type { InteractionReplies } from '../interaction-replies.js';
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
