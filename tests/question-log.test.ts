/**
 * The question log in Discord (issue 29), through the real discord.js client
 * and a fake Discord: one line per question, joined to its votes by the
 * bot's reply id, and nothing about the asker.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callbackOf, description, editOf, fakeDiscordSuite } from './support/bot.js';
import { BOT_ID, CHANNEL_ID, GUILD_ID, replyTo } from './support/fake-discord.js';

const lines = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the question log in Discord', () => {
  const suite = fakeDiscordSuite();
  const asker = { id: '500000000000000077' };
  let test = 0;
  /** Each test's own log and votes. */
  const files = () => {
    test++;
    return { QUESTION_LOG_FILE: join(suite.paths.dir, `questions-${test}.jsonl`), FEEDBACK_FILE: join(suite.paths.dir, `feedback-${test}.jsonl`) };
  };

  it('records each question with where and how it was asked, what it was read as, and the reply a vote joins by; never the asker', async () => {
    const { QUESTION_LOG_FILE, FEEDBACK_FILE } = files();
    const bot = await suite.start({ QUESTION_LOG_FILE, FEEDBACK_FILE, RATE_LIMIT_USER_PER_MIN: '100' });
    const asked = suite.fake.mention(`<@${BOT_ID}> How many children were social workers in Coventry working with?`, asker);
    const first = await suite.fake.waitFor(replyTo(asked));
    const firstId = suite.fake.replyIdTo(asked)!;
    const followUp = suite.fake.mention(`<@${BOT_ID}> and in March 2013?`, asker, true, undefined, firstId);
    await suite.fake.waitFor(replyTo(followUp));
    const { token } = suite.fake.slash([{ name: 'question', type: 3, value: 'Who chairs the safeguarding board?' }], asker.id);
    await suite.fake.waitFor(editOf(token));
    // A More page and a vote are not questions.
    const more = (first.body?.components as { components: { custom_id: string }[] }[])[0]!.components.map((c) => c.custom_id).find((b) => b.startsWith('more:'))!;
    await suite.fake.waitFor(editOf(suite.fake.click(more, first, asker.id).token));
    await suite.fake.waitFor(callbackOf(suite.fake.click('vote:down', first, asker.id).id));
    await bot.stop();

    const logged = await lines(QUESTION_LOG_FILE);
    expect(logged.map((l) => [l.frontEnd, l.asked, l.outcome])).toEqual([
      ['mention', 'How many children were social workers in Coventry working with?', 'answered'],
      ['follow-up', 'and in March 2013?', 'answered'],
      ['ask', 'Who chairs the safeguarding board?', 'answered'],
    ]);
    expect(logged[1]!.readAs).toBe('How many children were in March 2013? (social workers in Coventry working with)');
    for (const line of logged) {
      expect(line).toMatchObject({ guildId: GUILD_ID, channelId: CHANNEL_ID });
      expect(typeof line.replyId).toBe('string');
      expect((line.quotes as unknown[]).length).toBeGreaterThan(0);
      expect(Object.keys(line.ms as object)).toEqual(expect.arrayContaining(['embed', 'read', 'verify', 'total']));
      expect(line).toMatchObject({ generation: suite.engine.index.generation, model: expect.any(String), reader: expect.any(String) });
      // Nothing about the asker: not their id, not their name, not the id of the message they asked in.
      const text = JSON.stringify(line);
      for (const secret of [asker.id, `user${asker.id.slice(-3)}`, asked, followUp]) expect(text).not.toContain(secret);
    }
    expect(logged[0]!.replyId).toBe(firstId);
    const [vote] = await lines(FEEDBACK_FILE);
    expect(vote).toMatchObject({ verdict: 'down', messageId: firstId });
  });

  it('records a question turned away as slowed down, with no reply to join', async () => {
    const { QUESTION_LOG_FILE, FEEDBACK_FILE } = files();
    const bot = await suite.start({ QUESTION_LOG_FILE, FEEDBACK_FILE, RATE_LIMIT_USER_PER_MIN: '1' });
    await suite.fake.waitFor(replyTo(suite.fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`, asker)));
    const second = suite.fake.mention(`<@${BOT_ID}> Who is Brian Walsh?`, asker);
    expect(description(await suite.fake.waitFor(replyTo(second)))).toMatch(/faster than I can/);
    await bot.stop();
    expect((await lines(QUESTION_LOG_FILE)).map((l) => [l.asked, l.outcome, l.replyId])).toEqual([
      ['Who chairs the safeguarding board?', 'answered', expect.any(String)],
      ['Who is Brian Walsh?', 'slowed', null],
    ]);
  });

  it('keeps no log with QUESTION_LOG_DAYS=0', async () => {
    const { QUESTION_LOG_FILE, FEEDBACK_FILE } = files();
    const bot = await suite.start({ QUESTION_LOG_FILE, FEEDBACK_FILE, QUESTION_LOG_DAYS: '0' });
    await suite.fake.waitFor(replyTo(suite.fake.mention(`<@${BOT_ID}> Who chairs the safeguarding board?`, asker)));
    await bot.stop();
    expect(await readFile(QUESTION_LOG_FILE, 'utf8').catch(() => 'none')).toBe('none');
  });
});
