/** What every event handler is called with: the bot's shared parts, built once by createBot. */
import type { ButtonInteraction, ChatInputCommandInteraction, Client, MessageContextMenuCommandInteraction } from 'discord.js';
import { oneLine } from '../../errors.js';
import type { Logger } from 'pino';
import type { Config } from '../../config/env.js';
import type { SearchEngine } from '../../search/engine.js';
import { BUSY, SLOW_DOWN, type Admission } from '../admission.js';
import type { Answerer } from '../answer.js';
import type { AppendLog } from '../../journal/append-log.js';
import { unansweredRecord, type AnswerRecord, type FrontEnd, type QuestionLog } from '../../journal/question-log.js';
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
  /** What the operator keeps: the questions asked, and the votes on answers. */
  journal: { questions: QuestionLog; feedback: AppendLog };
}

/** A reply to send, and, for a question, what the log records of it. */
export interface Turn {
  payload: ReplyPayload;
  record?: AnswerRecord;
}

/** Where a question was asked, and how: what its log line says beside the answer. */
export interface Asked {
  frontEnd: FrontEnd;
  asked: string;
}

/** Records a question's line; a line that cannot be written costs the log a line, never the asker a reply. */
export function logQuestion(ctx: BotContext, where: { guildId: string | null; channelId: string | null }, frontEnd: FrontEnd, record: AnswerRecord, replyId: string | null): void {
  ctx.journal.questions
    .record({ frontEnd, ...where, ...record, replyId })
    .catch((error: unknown) => ctx.logger.error({ err: oneLine(error) }, 'question not logged'));
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
  ctx: BotContext,
  interaction: ChatInputCommandInteraction | MessageContextMenuCommandInteraction | ButtonInteraction,
  ephemeral: boolean,
  build: () => Promise<Turn>,
  asked?: Asked,
): Promise<void> {
  const { admission, replies } = ctx;
  const where = { guildId: interaction.guildId, channelId: interaction.channelId };
  const limited = !admission.withinLimits(interaction.user.id, interaction.channelId);
  const busy = admission.busy();
  if (limited || busy) {
    await replies.privately(interaction, busy ? BUSY : SLOW_DOWN);
    if (asked) logQuestion(ctx, where, asked.frontEnd, unansweredRecord(asked.asked, busy ? 'busy' : 'slowed'), null);
    return;
  }
  await admission.admit(async (gated) => {
    await replies.defer(interaction, ephemeral);
    await gated(async () => {
      const { payload, record } = await build();
      const replyId = await replies.edit(interaction, payload);
      // Logged inside the gate: shutdown waits for the reply, then flushes the line.
      if (asked && record) logQuestion(ctx, where, asked.frontEnd, record, replyId ?? null);
    });
  });
}
