/**
 * Who gets an answer, and when: the channels the bot serves, the per-user and
 * per-channel rate limits, and a bounded line. Questions taken in and not yet
 * replied to are counted from the moment they are accepted (before /ask's
 * acknowledgement); past running plus queued capacity a new one is told
 * "busy" instead of growing the line. Stopping turns everything away.
 */
import type { Config } from '../config/env.js';
import { Gate } from './gate.js';
import { RateLimiter } from './rate-limit.js';

export const BUSY = 'I have too many questions waiting right now. Please try again in a minute.';
export const SLOW_DOWN = 'You are asking faster than I can check quotes. Please wait a minute and ask again.';

export interface Admission {
  /** False once the bot is stopping. */
  readonly accepting: boolean;
  /** Questions admitted and not yet replied to. */
  readonly admitted: number;
  stopAccepting(): void;
  allowedChannel(channelId: string, parentId: string | null | undefined): boolean;
  /** Counts against both limits; false when either is used up. */
  withinLimits(userId: string, channelId: string): boolean;
  /** Counts against the user's limit only (a vote is not a question in a channel's line). */
  userAllowed(userId: string): boolean;
  busy(): boolean;
  /** Runs `work` as one admitted question; its reply is sent inside `gated` so shutdown waits for it. */
  admit(work: (gated: <T>(task: () => Promise<T>) => Promise<T>) => Promise<unknown>): Promise<void>;
}

export function createAdmission(d: Config['discord'], now: () => number): Admission {
  const perUser = new RateLimiter(d.userPerMinute, 60_000, now);
  const perChannel = new RateLimiter(d.channelPerMinute, 60_000, now);
  const gate = new Gate(d.maxConcurrent);
  const capacity = d.maxConcurrent + d.maxQueued;
  let admitted = 0;
  let accepting = true;
  return {
    get accepting() {
      return accepting;
    },
    get admitted() {
      return admitted;
    },
    stopAccepting: () => {
      accepting = false;
    },
    allowedChannel: (channelId, parentId) =>
      d.allowedChannelIds.length === 0 || d.allowedChannelIds.includes(channelId) || (parentId ? d.allowedChannelIds.includes(parentId) : false),
    withinLimits: (userId, channelId) => perUser.allow(userId) && perChannel.allow(channelId),
    userAllowed: (userId) => perUser.allow(userId),
    busy: () => admitted >= capacity,
    async admit(work) {
      admitted++;
      try {
        await work((task) => gate.run(task));
      } finally {
        admitted--;
      }
    },
  };
}
