/**
 * The real discord.js Client against a fake Discord on 127.0.0.1, answering
 * from the real model and a scratch index. Assertions are on the REST bodies
 * the bot sends.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config/env.js';
import { UNAVAILABLE } from '../src/discord/answer.js';
import { createBot, type Bot } from '../src/discord/bot.js';
import { fail } from '../src/errors.js';
import type { Embedder } from '../src/embed/embedder.js';
import { engineOver, openEmbedder, openEngine, updateIndex } from '../src/open.js';
import type { SearchEngine } from '../src/search/engine.js';
import { loadIndex } from '../src/store/read/load.js';
import { watchGeneration } from '../src/store/read/watch.js';
import { botConfig, callbackOf, description, editOf, isSend, RETRY_DELAYS, startBotWith } from './support/bot.js';
import { BOT_ID, CHANNEL_ID, FakeDiscord, GUILD_ID, replyTo, shardOf, TOKEN, type Place, type RecordedRequest } from './support/fake-discord.js';
import { scratch } from './support/temp.js';

const EPHEMERAL = 64;
let fake: FakeDiscord;
let embedder: Embedder;
let engine: SearchEngine;
let paths: Awaited<ReturnType<typeof scratch>>;
let logLines: string[];
let feedbackFile: string;

function configFor(extra: Record<string, string> = {}): Config {
  return botConfig(fake, paths, { FEEDBACK_FILE: feedbackFile, ...extra });
}

/** A bot logging to `lines` (the test's log by default; a second process gets its own). */
async function startBot(extra: Record<string, string> = {}, lines = logLines): Promise<Bot> {
  return startBotWith(configFor(extra), () => engine, lines);
}

beforeAll(async () => {
  paths = await scratch();
  feedbackFile = join(paths.dir, 'feedback.jsonl');
  embedder = await openEmbedder(loadConfig({}));
  engine = await openEngine(loadConfig({ CORPUS_DIR: paths.corpusDir, INDEX_DIR: paths.indexDir }), embedder);
});

beforeEach(async () => {
  logLines = [];
  fake = new FakeDiscord();
  await fake.start();
  return async () => fake.stop();
});

describe('answers', () => {
  let bot: Bot;
  beforeEach(async () => {
    bot = await startBot();
    return async () => bot.stop();
  });

  it('logs ready and answers a mention with quotes and citations, pinging no one', async () => {
    expect(logLines.join('')).toMatch(/ready as Quotebot(#0)? in 1 servers/);
    const id = fake.mention(`<@${BOT_ID}> How many children were social workers working with?`);
    const reply = await fake.waitFor(replyTo(id));
    expect(description(reply)).toContain('**4,529** children');
    expect(description(reply)).toMatch(/— Daniel Pelka: Council children's service not improving quickly enough, Saturday, 22 March 2014, ¶12/);
    expect(reply.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('defers /ask before editing in the answer, and honours top and public', async () => {
    const { id, token } = fake.slash([
      { name: 'question', type: 3, value: 'What rating did Ofsted give the children services?' },
      { name: 'top', type: 4, value: 2 },
      { name: 'public', type: 5, value: false },
    ]);
    const edit = await fake.waitFor(editOf(token));
    const callback = fake.requests.find(callbackOf(id))!;
    expect(fake.requests.indexOf(callback)).toBeLessThan(fake.requests.indexOf(edit));
    expect(callback.body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    expect(description(edit)).toMatch(/inadequate/);
    expect(description(edit).match(/^— /gm)).toHaveLength(2);
    expect(edit.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('answers bad /ask input privately, before any public acknowledgement', async () => {
    const cases: [{ name: string; type: number; value: string | number | boolean }[], RegExp][] = [
      [[{ name: 'question', type: 3, value: '   ' }], /The question is empty/],
      [[{ name: 'question', type: 3, value: 'q'.repeat(2000) }], /2000 characters long; the limit is 1000/],
      [[{ name: 'question', type: 3, value: 42 }], /The question is empty/],
      [[{ name: 'question', type: 3, value: 'Who chairs the safeguarding board?' }, { name: 'top', type: 4, value: 0 }], /Invalid top "0"/],
      [[{ name: 'question', type: 3, value: 'Who chairs the safeguarding board?' }, { name: 'top', type: 4, value: 99 }], /Invalid top "99"/],
    ];
    for (const [options, message] of cases) {
      const { id } = fake.slash(options);
      const callback = await fake.waitFor(callbackOf(id));
      expect(callback.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
      expect(String((callback.body?.data as { content: string }).content)).toMatch(message);
    }
    expect(logLines.join('')).not.toMatch(/question failed/);
  });

  it('tells the channel only that the articles are unavailable when the index is damaged, and logs the detail', async () => {
    const real = engine;
    engine = { ...real, ask: () => Promise.reject(fail('INDEX_CORRUPT', '/srv/quotebot/index/gen-1/hnsw.bin', 'truncated')) };
    try {
      const reply = await fake.waitFor(replyTo(fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`)));
      expect(String(reply.body?.content)).toBe(UNAVAILABLE);
      expect(logLines.join('')).toContain('/srv/quotebot/index/gen-1/hnsw.bin');
    } finally {
      engine = real;
    }
  });

  it('acknowledges a button it does not know, privately', async () => {
    const reply = await fake.waitFor(replyTo(fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`)));
    const { id } = fake.click('forged:button', reply);
    const callback = await fake.waitFor(callbackOf(id));
    expect(callback.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect(String((callback.body?.data as { content: string }).content)).toMatch(/no longer valid/);
  });

  it('answers the very first question after start without losing the interaction', async () => {
    const { token } = fake.slash([{ name: 'question', type: 3, value: 'Who chairs the safeguarding board?' }]);
    expect(description(await fake.waitFor(editOf(token)))).toMatch(/Amy Weir/);
  });

  it('pages on with More quotes from the state in its custom_id alone, privately to the one who clicked', async () => {
    const id = fake.mention(`<@${BOT_ID}> What did Ofsted say about Coventry children's services?`);
    const first = await fake.waitFor(replyTo(id));
    const buttons = (first.body?.components as { components: { custom_id: string }[] }[])[0]!.components.map((c) => c.custom_id);
    const more = buttons.find((b) => b.startsWith('more:'))!;
    expect(more).toBe("more:3:What did Ofsted say about Coventry children's services?");
    expect(first.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });

    // A bot restarted in between still answers the click: nothing was kept in memory.
    await bot.stop();
    bot = await startBot();
    const { id: clickId, token } = fake.click(more, first);
    const page = await fake.waitFor(editOf(token));
    expect(fake.requests.find(callbackOf(clickId))!.body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    const firstQuotes = description(first).split('\n\n');
    const nextQuotes = description(page).split('\n\n');
    expect(nextQuotes.length).toBeGreaterThan(0);
    for (const quote of nextQuotes) expect(firstQuotes).not.toContain(quote);
    expect(page.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('records a 👍/👎 vote as one JSON line with the reply it was about, and thanks the voter privately', async () => {
    const id = fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`);
    const reply = await fake.waitFor(replyTo(id));
    const { id: upId } = fake.click('vote:up', reply, '500000000000000003');
    const { id: downId } = fake.click('vote:down', reply, '500000000000000004');
    const thanks = await fake.waitFor(callbackOf(downId));
    await fake.waitFor(callbackOf(upId));
    expect(thanks.body).toMatchObject({ type: 4, data: { content: 'Thanks, your vote was recorded.', flags: EPHEMERAL } });
    const lines = (await readFile(feedbackFile, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.verdict).sort()).toEqual(['down', 'up']);
    expect(lines[0]).toMatchObject({ channelId: CHANNEL_ID, question: 'Who chairs the safeguarding board?' });
    expect(String(lines[0]!.shown)).toMatch(/Amy Weir/);
    expect(Object.keys(lines[0]!)).not.toContain('user');
  });

  it('counts a vote only once it is written: a failed write says so and the retry is recorded', async () => {
    await bot.stop();
    const blocked = join(paths.dir, 'blocked');
    await writeFile(blocked, 'a file where the feedback folder should be');
    bot = await startBot({ FEEDBACK_FILE: join(blocked, 'feedback.jsonl') });
    const reply = await fake.waitFor(replyTo(fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`)));
    const failed = await fake.waitFor(callbackOf(fake.click('vote:up', reply, '500000000000000008').id));
    expect(String((failed.body?.data as { content: string }).content)).toMatch(/could not be recorded/);
    await rm(blocked);
    const retried = await fake.waitFor(callbackOf(fake.click('vote:up', reply, '500000000000000008').id));
    expect(String((retried.body?.data as { content: string }).content)).toBe('Thanks, your vote was recorded.');
    expect((await readFile(join(blocked, 'feedback.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('counts one vote per person per reply: repeat clicks are answered privately and not written', async () => {
    const votes = async () => (await readFile(feedbackFile, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { verdict: string }).verdict);
    const before = (await votes()).length;
    const id = fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`);
    const reply = await fake.waitFor(replyTo(id));
    const voter = '500000000000000005';
    const { id: firstId } = fake.click('vote:up', reply, voter);
    await fake.waitFor(callbackOf(firstId));
    const clicks = [fake.click('vote:up', reply, voter), fake.click('vote:down', reply, voter)];
    const answers = await Promise.all(clicks.map(({ id: clickId }) => fake.waitFor(callbackOf(clickId))));
    for (const answer of answers) expect(answer.body).toMatchObject({ type: 4, data: { content: expect.stringMatching(/already voted/), flags: EPHEMERAL } });
    // Another reply is another vote, even from the same person.
    const other = await fake.waitFor(replyTo(fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`)));
    await fake.waitFor(callbackOf(fake.click('vote:down', other, voter).id));
    expect((await votes()).slice(before)).toEqual(['up', 'down']);
  });

  it('counts two clicks of one person that arrive together as one vote: the second is told it already voted', async () => {
    const votes = async () => (await readFile(feedbackFile, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean).length;
    const before = await votes();
    const reply = await fake.waitFor(replyTo(fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`)));
    const voter = '500000000000000009';
    const clicks = [fake.click('vote:up', reply, voter), fake.click('vote:down', reply, voter)];
    const answers = await Promise.all(clicks.map(({ id: clickId }) => fake.waitFor(callbackOf(clickId))));
    const said = answers.map((a) => String((a.body?.data as { content: string }).content)).sort();
    expect(said).toEqual(['Thanks, your vote was recorded.', expect.stringMatching(/already voted/)]);
    expect((await votes()) - before).toBe(1);
  });

  it('refuses an off-topic question politely, lists what the articles cover, and a vote on the refusal keeps the question', async () => {
    const id = fake.mention(`<@${BOT_ID}> How do I bake sourdough bread?`);
    const reply = await fake.waitFor(replyTo(id));
    expect(description(reply)).toMatch(/not in the articles/);
    expect(description(reply)).toContain('Council warns child protection groups after Ofsted mauling');
    await fake.waitFor(callbackOf(fake.click('vote:down', reply, '500000000000000006').id));
    const vote = JSON.parse((await readFile(feedbackFile, 'utf8')).trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(vote).toMatchObject({ verdict: 'down', question: 'How do I bake sourdough bread?', shown: expect.stringMatching(/not in the articles/) });
  });

  it('answers a named person\'s missing attribute with the closest passages under a plain heading, votes and More kept', async () => {
    const id = fake.mention(`<@${BOT_ID}> How old is George Duggins?`);
    const reply = await fake.waitFor(replyTo(id));
    const embed = (reply.body?.embeds as { description: string; footer: { text: string } }[])[0]!;
    expect(embed.description).toMatch(/^\*\*Not answered directly\.\*\* The articles do not say this/);
    expect(embed.description).toContain('Duggins');
    expect(embed.footer.text).toMatch(/^Closest passages, not an answer/);
    const buttons = (reply.body?.components as { components: { custom_id: string }[] }[])[0]!.components.map((c) => c.custom_id);
    expect(buttons).toEqual(expect.arrayContaining(['vote:up', 'vote:down']));
    expect(reply.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('bolds the value that answers inside the quote, leaving the quote text as it is', async () => {
    const id = fake.mention(`<@${BOT_ID}> How much extra money is being invested in children's services?`);
    const text = description(await fake.waitFor(replyTo(id)));
    expect(text).toMatch(/\*\*£5\.6 ?m(illion)?\*\*/);
  });

  it('ignores bots, itself, and messages that do not mention it', async () => {
    fake.mention(`<@${BOT_ID}> What did Ofsted find?`, { id: '700000000000000001', bot: true });
    fake.mention(`<@${BOT_ID}> What did Ofsted find?`, { id: BOT_ID, bot: true });
    fake.mention('What did Ofsted find?', { id: '500000000000000003' }, false);
    const control = fake.mention(`<@${BOT_ID}> What did Ofsted find?`);
    await fake.waitFor(replyTo(control));
    expect(fake.sends().filter(isSend)).toHaveLength(1);
  });

  it('never pings: @everyone in a question and a role mention in a quote both go out with parse []', async () => {
    const id = fake.mention(`<@${BOT_ID}> @everyone <@&123456789012345678> who chairs the safeguarding board?`);
    const reply = await fake.waitFor(replyTo(id));
    expect(reply.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
    for (const send of fake.sends()) expect((send.body?.allowed_mentions as { parse: unknown[] }).parse).toEqual([]);
  });

  it('survives a gateway reconnect (op 7) and answers the next question', async () => {
    fake.requestReconnect();
    await expect.poll(() => fake.resumes + fake.identifies, { timeout: 10_000 }).toBeGreaterThan(1);
    const id = fake.mention(`<@${BOT_ID}> How much extra money is being invested?`);
    expect(description(await fake.waitFor(replyTo(id)))).toMatch(/£5\.6/);
  });
});

describe('limits and load', () => {
  it('refuses the sixth question in a minute from one user, ephemerally', async () => {
    const bot = await startBot({ RATE_LIMIT_USER_PER_MIN: '5' });
    const asks = Array.from({ length: 6 }, () => fake.slash([{ name: 'question', type: 3, value: 'What did Ofsted find?' }], '500000000000000042'));
    const last = await fake.waitFor(callbackOf(asks[5]!.id));
    expect(last.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect(String((last.body?.data as { content: string }).content)).toMatch(/wait a minute/);
    for (const ask of asks.slice(0, 5)) await fake.waitFor(editOf(ask.token));
    await bot.stop();
  });

  it('gives each of 100 concurrent questions exactly one reply', async () => {
    const bot = await startBot({ RATE_LIMIT_CHANNEL_PER_MIN: '1000', MAX_CONCURRENT_QUESTIONS: '2' });
    const asks = Array.from({ length: 100 }, (_, i) =>
      fake.slash([{ name: 'question', type: 3, value: `Question ${i}: what did the council say about caseloads?` }], `5000000000000${String(i).padStart(5, '0')}`),
    );
    await Promise.all(asks.map((a) => fake.waitFor(editOf(a.token), 60_000)));
    for (const ask of asks) {
      expect(fake.requests.filter(editOf(ask.token))).toHaveLength(1);
      expect(fake.requests.filter(callbackOf(ask.id))).toHaveLength(1);
    }
    await bot.stop();
  });
});

describe('bounded queue and shutdown', () => {
  it('answers "busy" privately past the queue cap, and every /ask still gets exactly one response', async () => {
    const bot = await startBot({ RATE_LIMIT_CHANNEL_PER_MIN: '1000', MAX_CONCURRENT_QUESTIONS: '1', MAX_QUEUED_QUESTIONS: '2' });
    const asks = Array.from({ length: 12 }, (_, i) =>
      fake.slash([{ name: 'question', type: 3, value: `Question ${i}: what did the council say about caseloads?` }], `5100000000000${String(i).padStart(5, '0')}`),
    );
    await Promise.all(asks.map((a) => fake.waitFor(callbackOf(a.id), 60_000)));
    const busy = asks.filter((a) => {
      const callback = fake.requests.find(callbackOf(a.id))!;
      return callback.body?.type === 4 && /too many questions waiting/.test(String((callback.body.data as { content: string }).content));
    });
    expect(busy.length).toBeGreaterThan(0);
    const served = asks.filter((a) => !busy.includes(a));
    await Promise.all(served.map((a) => fake.waitFor(editOf(a.token), 60_000)));
    for (const a of asks) expect(fake.requests.filter(callbackOf(a.id))).toHaveLength(1);
    await bot.stop();
  });

  it('sends the reply to a question already taken in before shutdown completes', async () => {
    const bot = await startBot();
    const id = fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`);
    while (!logLines.join('').includes('"kind":"mention"')) await new Promise((resolve) => setTimeout(resolve, 5));
    await bot.stop();
    expect(fake.requests.some(replyTo(id))).toBe(true);
  });
});

describe('Discord failing', () => {
  let bot: Bot;
  beforeEach(async () => {
    bot = await startBot();
    return async () => bot.stop();
  });
  const channelPost = (r: RecordedRequest) => r.method === 'POST' && r.path === `/channels/${CHANNEL_ID}/messages`;
  /** The reply to a mention once it is through, after any failed attempts. */
  const answered = (id: string) => fake.waitFor((r) => replyTo(id)(r) && r.status === 200);

  it('retries a reply that meets a 500 after growing waits, and it lands exactly once', async () => {
    fake.fail(channelPost, 500, { times: 2 });
    const id = fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`);
    expect(description(await answered(id))).toMatch(/Amy Weir/);
    const attempts = fake.requests.filter(replyTo(id));
    expect(attempts.map((r) => r.status)).toEqual([500, 500, 200]);
    // Backoff, not three tries within milliseconds (a timer may fire a millisecond early).
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(RETRY_DELAYS[0]! - 2);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(RETRY_DELAYS[1]! - 2);
    expect(fake.landed.filter(replyTo(id))).toHaveLength(1);
    expect(logLines.join('')).toMatch(/"why":"HTTP 500".*Discord failed a reply; retrying/);
  });

  it('posts one reply when a 500 came after Discord created it: the retry repeats the nonce Discord enforces', async () => {
    fake.fail(channelPost, 500, { landed: true });
    const id = fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`);
    await answered(id);
    const attempts = fake.requests.filter(replyTo(id));
    expect(attempts.map((r) => r.status)).toEqual([500, 200]);
    for (const attempt of attempts) expect(attempt.body).toMatchObject({ nonce: id, enforce_nonce: true });
    expect(fake.landed.filter(replyTo(id))).toHaveLength(1);
  });

  it("takes 'already acknowledged' on a retried /ask deferral as done, and edits the answer in once", async () => {
    fake.fail((r) => r.path.endsWith('/callback'), 500, { landed: true });
    const { id, token } = fake.slash([{ name: 'question', type: 3, value: 'Who chairs the safeguarding board?' }]);
    expect(description(await fake.waitFor(editOf(token), 5_000))).toMatch(/Amy Weir/);
    expect(fake.requests.filter(callbackOf(id)).map((r) => r.status)).toEqual([500, 400]);
    expect(fake.landed.filter(callbackOf(id))).toHaveLength(1);
    expect(fake.requests.filter(editOf(token))).toHaveLength(1);
  });

  it('waits out a 429 as Discord asks, lands one reply, and logs the limit at debug by route, never a token', async () => {
    fake.fail((r) => r.method === 'PATCH' && r.path.startsWith('/webhooks/'), 429, { retryAfter: 0.2 });
    const { token } = fake.slash([{ name: 'question', type: 3, value: 'Who chairs the safeguarding board?' }]);
    await fake.waitFor((r) => editOf(token)(r) && r.status === 200);
    expect(fake.requests.filter(editOf(token)).map((r) => r.status)).toEqual([429, 200]);
    expect(fake.landed.filter(editOf(token))).toHaveLength(1);
    const limited = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'rate limited by Discord');
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ level: 20, method: 'PATCH', route: '/webhooks/:id/:token/messages/%40original', global: false });
    expect(limited[0]!.retryAfterMs).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain(TOKEN);
    expect(logLines.join('')).not.toContain(token);
  });
});

describe('sharding', () => {
  /** A guild that Discord's rule puts on shard 1 of 2, while the usual one is on shard 0. */
  const FAR: Place = { guildId: '200000000004194305', channelId: '300000000000000002' };
  const HERE: Place = { guildId: GUILD_ID, channelId: CHANNEL_ID };

  beforeEach(() => {
    expect([shardOf(HERE.guildId, 2), shardOf(FAR.guildId, 2)]).toEqual([0, 1]);
    fake.guilds.push(FAR);
  });

  /** Asks the same question in both guilds at once; returns each mention's id once every reply is in. */
  async function askBoth(): Promise<string[]> {
    const ids = [HERE, FAR].map((place) => fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`, undefined, true, place));
    const replies = await Promise.all([HERE, FAR].map((place, i) => fake.waitFor(replyTo(ids[i]!, place.channelId))));
    for (const reply of replies) expect(description(reply)).toMatch(/Amy Weir/);
    return ids;
  }
  /** The channels and shards of the questions one process logged. */
  const questionsIn = (lines: string[]) =>
    lines.map((l) => JSON.parse(l) as { msg: string; channel: string; shard: number }).filter((l) => l.msg === 'question').map(({ channel, shard }) => ({ channel, shard }));

  it("with SHARD_COUNT=auto runs every shard /gateway/bot recommends, each identifying as [id, count], and answers each guild once", async () => {
    fake.shardCount = 2;
    const bot = await startBot({ SHARD_COUNT: 'auto' });
    try {
      expect(fake.requests.some((r) => r.path === '/gateway/bot')).toBe(true);
      expect([...fake.identified].sort((a, b) => a[0] - b[0])).toEqual([[0, 2], [1, 2]]);
      expect(logLines.join('')).toMatch(/ready as Quotebot(#0)? in 2 servers/);
      expect(logLines.join('')).toContain('running shards 0,1 of 2');
      const ids = await askBoth();
      expect(fake.landed.filter(replyTo(ids[0]!, HERE.channelId))).toHaveLength(1);
      expect(fake.landed.filter(replyTo(ids[1]!, FAR.channelId))).toHaveLength(1);
      expect(questionsIn(logLines)).toEqual(expect.arrayContaining([{ channel: HERE.channelId, shard: 0 }, { channel: FAR.channelId, shard: 1 }]));
      expect(questionsIn(logLines)).toHaveLength(2);
    } finally {
      await bot.stop();
    }
  });

  it('splits the shards between two processes (SHARD_IDS=0, SHARD_IDS=1): each identifies only its own and answers only its guild', async () => {
    const logs: string[][] = [[], []];
    const bots = [await startBot({ SHARD_COUNT: '2', SHARD_IDS: '0' }, logs[0]), await startBot({ SHARD_COUNT: '2', SHARD_IDS: '1' }, logs[1])];
    try {
      expect(fake.identified).toEqual([[0, 2], [1, 2]]);
      expect(bots.map((b) => [...b.client.guilds.cache.keys()])).toEqual([[HERE.guildId], [FAR.guildId]]);
      expect(logs[0]!.join('')).toContain('running shards 0 of 2');
      expect(logs[1]!.join('')).toContain('running shards 1 of 2');
      const ids = await askBoth();
      expect(fake.landed.filter(replyTo(ids[0]!, HERE.channelId))).toHaveLength(1);
      expect(fake.landed.filter(replyTo(ids[1]!, FAR.channelId))).toHaveLength(1);
      expect(questionsIn(logs[0]!)).toEqual([{ channel: HERE.channelId, shard: 0 }]);
      expect(questionsIn(logs[1]!)).toEqual([{ channel: FAR.channelId, shard: 1 }]);
    } finally {
      await Promise.all(bots.map((b) => b.stop()));
    }
  });
});

describe('index swap', () => {
  it('answers from a rebuilt index without a restart', async () => {
    const swapped = new Promise<void>((resolve) => {
      const stop = watchGeneration(
        paths.indexDir,
        async () => {
          engine = engineOver(configFor(), await loadIndex(paths.indexDir, embedder), embedder);
          stop();
          resolve();
        },
        50,
      );
    });
    const bot = await startBot();
    await writeFile(join(paths.corpusDir, 'zoo.txt'), 'Coventry Zoo welcomed a baby giraffe named Poppy on Tuesday morning, keepers said.\n');
    await updateIndex(configFor(), embedder, {});
    await swapped;
    const id = fake.mention(`<@${BOT_ID}> What was the baby giraffe at the zoo called?`);
    expect(description(await fake.waitFor(replyTo(id)))).toMatch(/giraffe named Poppy/);
    await bot.stop();
  });
});

describe('tokens', () => {
  it('exits with one clear line when the token is rejected, and never logs it', async () => {
    fake.rejectToken = true;
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk: Buffer, _e, done) => (logLines.push(chunk.toString()), done()) }));
    const bot = createBot({ config: configFor(), engine: () => engine, logger });
    const error = await bot.start().then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/^Discord rejected DISCORD_TOKEN: reset the token/);
    expect(`${error?.stack}\n${logLines.join('')}`).not.toContain(TOKEN);
    await bot.client.destroy();
  });

  it('says Discord is unreachable, not that the token is wrong, when nothing answers', async () => {
    const closed = new FakeDiscord();
    await closed.start();
    const apiBase = closed.apiBase;
    await closed.stop();
    const bot = createBot({ config: configFor({ DISCORD_API_BASE: apiBase }), engine: () => engine, logger: pino({ level: 'silent' }) });
    const error = await bot.start().then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toBe(`Could not reach Discord at ${apiBase} (ECONNREFUSED): check the network, or DISCORD_API_BASE if you set it.`);
    expect(error?.stack).not.toContain(TOKEN);
    await bot.client.destroy();
  });

  it('refuses to start without a token', async () => {
    const logger = pino({ level: 'silent' });
    const bot = createBot({ config: configFor({ DISCORD_TOKEN: '' }), engine: () => engine, logger });
    await expect(bot.start()).rejects.toThrow(/DISCORD_TOKEN is not set/);
  });
});

