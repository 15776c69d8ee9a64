/**
 * Replying to an interaction through deliver()'s retries: a private one-line
 * reply, the acknowledgement Discord needs within 3 seconds, and the edit of
 * the acknowledged reply. When a retry meets 40060 the lost attempt was
 * acknowledged, and discord.js is told so (editReply checks it).
 */
import { MessageFlags, type ButtonInteraction, type RepliableInteraction } from 'discord.js';
import { alreadyAcknowledged, deliver, type RetryPolicy } from './deliver.js';
import { plainReply, type ReplyPayload } from './respond.js';

export interface InteractionReplies {
  /** A one-line reply only the user sees. */
  privately(interaction: RepliableInteraction, text: string): Promise<void>;
  defer(interaction: RepliableInteraction, ephemeral: boolean): Promise<void>;
  /** Editing @original is idempotent: a repeated edit shows the same reply. Resolves to the reply's message id. */
  edit(interaction: RepliableInteraction, payload: ReplyPayload): Promise<string | undefined>;
  /** Replaces the message the clicked button is on (a page of /sources). */
  update(interaction: ButtonInteraction, payload: ReplyPayload): Promise<void>;
}

export function interactionReplies(retry: RetryPolicy): InteractionReplies {
  const acknowledge = async (interaction: RepliableInteraction, callback: () => Promise<unknown>, state: 'deferred' | 'replied') => {
    if ((await deliver(callback, retry, alreadyAcknowledged)) === 'landed') interaction[state] = true;
  };
  return {
    privately: (interaction, text) => acknowledge(interaction, () => interaction.reply({ ...plainReply(text), flags: MessageFlags.Ephemeral }), 'replied'),
    defer: (interaction, ephemeral) => acknowledge(interaction, () => interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {}), 'deferred'),
    edit: async (interaction, payload) => {
      let id: string | undefined;
      await deliver(async () => {
        id = (await interaction.editReply(payload)).id;
      }, retry);
      return id;
    },
    update: (interaction, payload) => acknowledge(interaction, () => interaction.update(payload), 'replied'),
  };
}
