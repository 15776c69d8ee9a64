/**
 * Bursts of questions while Discord fails under them: its REST API answering
 * a share of requests with 500 (some after acting) and 429, and its gateway
 * closing, dropping, or invalidating the bot's connection mid-burst. The real
 * discord.js client and the real model against the fake Discord; what is
 * counted is what Discord would show: the replies that landed per question.
 * Test names read "fault → outcome".
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { openEmbedder, openEngine } from '../../src/open.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { botConfig, callbackOf, editOf, isSend, startBotWith } from '../support/bot.js';
import { BOT_ID, FakeDiscord, replyTo, type Disruption, type Place, type RecordedRequest } from '../support/fake-discord.js';
import { scratch } from '../support/temp.js';

let fake: FakeDiscord;
let engine: SearchEngine;
let paths: Awaited<ReturnType<typeof scratch>>;
let logLines: string[];

/** Ten guilds of one channel each, all on the one shard: the burst spreads over ten channels. */
const PLACES: Place[] = Array.from({ length: 10 }, (_, i) => ({ guildId: String(200000000000001000n + BigInt(i)), channelId: String(300000000000001000n + BigInt(i)) }));
/** Question i comes from user i: the burst is from as many users as questions. */
const userOf = (i: number) => String(500000000000010000n + BigInt(i));
const questionText = (i: number) => `Question ${i}: what did the council say about caseloads?`;
/** The echoed question a reply carries as its embed title: an answer, not a "slow down" or "busy" line. */
const title = (r: RecordedRequest) => (r.body?.embeds as { title: string }[] | undefined)?.[0]?.title ?? '';

beforeAll(async () => {
  paths = await scratch();
  const embedder = await openEmbedder(loadConfig({}));
  engine = await openEngine(loadConfig({ CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir }), embedder);
});

/** A fresh fake Discord in the ten guilds and a bot on it; REST faults start once the bot is up. */
beforeEach(async () => {
  fake = new FakeDiscord();
  await fake.start();
  fake.guilds.push(...PLACES);
  logLines = [];
  // Limits far above the burst, so every question is answered rather than throttled.
  const config = botConfig(fake, paths, { RATE_LIMIT_USER_PER_MIN: '1000', RATE_LIMIT_CHANNEL_PER_MIN: '1000' });
  const bot = await startBotWith(config, () => engine, logLines);
  failRest();
  return async () => {
    await bot.stop();
    await fake.stop();
  };
});

/**
 * Fails every `nth` request that `match` picks, but no request target (a
 * message's post, an interaction's callback or edit) twice: each reply meets
 * each fault at most once, so the bot's three retries always outlast them and
 * a lost reply is the bot's doing, not the draw's.
 */
function everyNth(nth: number, match: (r: RecordedRequest) => boolean): (r: RecordedRequest) => boolean {
  let seen = 0;
  const hit = new Set<string>();
  return (r) => {
    const target = `${r.method} ${r.path} ${String(r.body?.nonce ?? '')}`;
    if (!match(r) || hit.has(target) || ++seen % nth !== 0) return false;
    hit.add(target);
    return true;
  };
}

/** Every 7th send fails with 500, every 11th post with 500 after Discord acted on it, every 5th send is rate limited (429). */
function failRest(): void {
  fake.fail(everyNth(7, isSend), 500, { times: Infinity });
  fake.fail(everyNth(11, (r) => r.method === 'POST'), 500, { times: Infinity, landed: true });
  fake.fail(everyNth(5, isSend), 429, { times: Infinity, retryAfter: 0.05 });
}

/** The statuses Discord answered to the bot's sends: each fault must really have been met. */
const sendStatuses = () => new Set(fake.requests.filter(isSend).map((r) => r.status));

interface Asked {
  id: string;
  place: Place;
  i: number;
}

let asked = 0;
/** `count` mentions from new users, round-robin over the ten channels, dispatched at once. */
function burst(count: number): Asked[] {
  return Array.from({ length: count }, () => {
    const i = asked++;
    const place = PLACES[i % PLACES.length]!;
    return { id: fake.mention(`<@${BOT_ID}> ${questionText(i)}`, { id: userOf(i) }, true, place), place, i };
  });
}

/** Waits until each question's reply is through, then checks that exactly one landed and that it answers that question. */
async function expectOneAnswerEach(questions: Asked[]): Promise<void> {
  await Promise.all(questions.map((q) => fake.waitFor((r) => replyTo(q.id, q.place.channelId)(r) && r.status === 200, 120_000)));
  for (const q of questions) {
    const landed = fake.landed.filter(replyTo(q.id, q.place.channelId));
    expect(landed, `question ${q.i}`).toHaveLength(1);
    expect(title(landed[0]!)).toContain(`Question ${q.i}:`);
  }
}

/** How many mentions the bot took in, by its log: one line per question it saw. */
const mentionsTaken = () => logLines.filter((l) => l.includes('"kind":"mention"')).length;

describe('the bot under a burst of questions', () => {
  it('REST 500 on every 7th send (every 11th post after Discord acted), 429 on every 5th, during 100 questions from 100 users in 10 channels → every question gets exactly one reply', async () => {
    await expectOneAnswerEach(burst(100));
    expect(sendStatuses()).toEqual(new Set([200, 429, 500]));
  });

  it('gateway closed (1000, 4000), dropped (1006), op 7, op 9 (resumable false, true) mid-burst of 100, REST failing as above → every question that reached the bot gets exactly one reply (missed events replayed on RESUME), and new questions are answered after', async () => {
    // Discord lets a session resume after 1006, 4000, op 7 and op 9 true; after 1000 and op 9 false the bot identifies anew.
    const disruptions: [Disruption, 'resumes' | 'identifies'][] = [
      [{ close: 1000 }, 'identifies'],
      [{ close: 1006 }, 'resumes'],
      [{ close: 4000 }, 'resumes'],
      [{ op: 7 }, 'resumes'],
      [{ op: 9, resumable: false }, 'identifies'],
      [{ op: 9, resumable: true }, 'resumes'],
    ];
    const all: Asked[] = [];
    const lost: Asked[] = [];
    for (const [how, recovery] of disruptions) {
      all.push(...burst(8));
      const before = { identifies: fake.identifies, resumes: fake.resumes };
      fake.disrupt(how);
      // Sent while the bot is away: replayed on its RESUME, lost to a fresh IDENTIFY.
      const away = burst(8);
      all.push(...away);
      if (recovery === 'identifies') lost.push(...away);
      await expect.poll(() => fake[recovery], { timeout: 20_000 }).toBe(before[recovery] + 1);
      expect({ identifies: fake.identifies, resumes: fake.resumes }).toEqual({ ...before, [recovery]: before[recovery] + 1 });
    }
    const after = burst(4);
    all.push(...after);

    const reached = all.filter((q) => fake.reached.has(q.id));
    expect(all.filter((q) => !reached.includes(q)).map((q) => q.i)).toEqual(lost.map((q) => q.i));
    expect(after.every((q) => reached.includes(q))).toBe(true);
    await expectOneAnswerEach(reached);
    // Each question that reached the bot was taken in once (a replay repeats none), and one it never saw has no reply.
    expect(mentionsTaken()).toBe(reached.length);
    for (const q of lost) expect(fake.requests.filter(replyTo(q.id, q.place.channelId))).toHaveLength(0);
    expect(sendStatuses()).toEqual(new Set([200, 429, 500]));
  });

  it('REST failing as above during 50 /ask at once → each interaction is acknowledged once and answered by one edit', async () => {
    const asks = Array.from({ length: 50 }, () => {
      const i = asked++;
      return { i, ...fake.slash([{ name: 'question', type: 3, value: questionText(i) }], userOf(i)) };
    });
    await Promise.all(asks.map((a) => fake.waitFor((r) => editOf(a.token)(r) && r.status === 200, 120_000)));
    for (const a of asks) {
      expect(fake.landed.filter(callbackOf(a.id)), `ask ${a.i}`).toHaveLength(1);
      const edits = fake.landed.filter(editOf(a.token));
      expect(edits, `ask ${a.i}`).toHaveLength(1);
      expect(title(edits[0]!)).toContain(`Question ${a.i}:`);
    }
    // 204 acknowledgements; 400 is "already acknowledged" meeting the retry of a callback that had landed.
    expect(sendStatuses()).toEqual(new Set([200, 204, 400, 429, 500]));
  });
});
