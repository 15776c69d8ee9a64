/**
 * Follow-up questions: read with the question they follow (search/follow-up.ts),
 * and in Discord taken from the bot's own earlier answer — through the real
 * discord.js client and a fake Discord, with the real model.
 */
import { describe, expect, it } from 'vitest';
import { answeredQuestion, answerReply } from '../src/discord/respond.js';
import { readFollowUp, topicOf } from '../src/search/follow-up.js';
import { description, fakeDiscordSuite } from './support/bot.js';
import { BOT_ID, GUILD_ID, replyTo, THREAD_ID } from './support/fake-discord.js';

describe('reading a follow-up', () => {
  it('asks an ellipsis what the earlier question asked, of its new subject, with the earlier subject beside it', () => {
    expect(readFollowUp('and his stepfather?', "Who was Daniel's mother?")).toEqual({ question: "Who was his stepfather? (Daniel's mother)", followed: true });
    expect(readFollowUp('what about the safeguarding hub?', 'How often will the improvement board meet?').question).toBe(
      'How often will the safeguarding hub? (the improvement board meet)',
    );
  });

  it('keeps a follow-up\'s own ask, pointing its pronoun at the earlier subject', () => {
    expect(readFollowUp('when was that?', 'What did Ofsted find?')).toEqual({ question: 'When was that? (Ofsted find)', followed: true });
    expect(topicOf('How many children were social workers working with?')).toBe('social workers working with');
  });

  it('reads a question that stands on its own as it is, and any question without an earlier one', () => {
    expect(readFollowUp('How much money is being invested in children\'s services?', 'Who chairs the board?')).toEqual({
      question: 'How much money is being invested in children\'s services?',
      followed: false,
    });
    expect(readFollowUp('and his stepfather?', undefined)).toEqual({ question: 'and his stepfather?', followed: false });
  });

  it('finds the question a reply answered in the reply itself: its "Read as" line, else its title, unescaped', () => {
    const plain = answerReply({ question: 'Who was Daniel\'s *mother*, @everyone?', verdict: 'refused', answered: false, quotes: [], related: [] }, []);
    expect(answeredQuestion(plain.embeds![0])).toBe('Who was Daniel\'s *mother*, @everyone?');
    const followed = answerReply({ question: "Who was his stepfather? (Daniel's mother)", verdict: 'refused', answered: false, quotes: [], related: [] }, [], { asked: 'and his stepfather?' });
    expect(followed.embeds![0]!.title).toBe('and his stepfather?');
    expect(followed.embeds![0]!.description).toMatch(/^\*Read as:\* Who was his stepfather\? \(Daniel's mother\)\n\n/);
    expect(answeredQuestion(followed.embeds![0])).toBe("Who was his stepfather? (Daniel's mother)");
    expect(answeredQuestion(undefined)).toBeUndefined();
  });
});

describe('follow-ups in Discord', () => {
  const suite = fakeDiscordSuite();
  const asker = { id: '500000000000000031' };
  const start = () => suite.start({ RATE_LIMIT_USER_PER_MIN: '100' });
  /** Asks by mention (optionally as a reply to a message), and returns the bot's reply and its message id. */
  const ask = async (content: string, options: { replyTo?: string; place?: { guildId: string; channelId: string } } = {}) => {
    const id = suite.fake.mention(`<@${BOT_ID}> ${content}`, asker, true, options.place, options.replyTo);
    const reply = await suite.fake.waitFor(replyTo(id, options.place?.channelId));
    return { reply, botMessage: suite.fake.replyIdTo(id)! };
  };

  it('reads a reply to an answer with the question it answered, through a chain, and across a restart', async () => {
    let bot = await start();
    const first = await ask("Who was Daniel Pelka's mother?");
    const second = await ask('and his stepfather?', { replyTo: first.botMessage });
    expect(description(second.reply)).toMatch(/^\*Read as:\* Who was his stepfather\? \(Daniel Pelka's mother\)/);
    expect(description(second.reply)).toContain('Krezolek');
    expect((second.reply.body?.embeds as { title: string }[])[0]!.title).toBe('and his stepfather?');
    // Nothing is kept by the bot: a new process reads the chain from the messages themselves.
    await bot.stop();
    bot = await start();
    const third = await ask('what was his job before?', { replyTo: second.botMessage });
    expect(description(third.reply)).toMatch(/^\*Read as:\* /);
    expect(description(third.reply)).toContain('former soldier');
    expect(third.reply.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
    await bot.stop();
  });

  it('reads a reply to someone else\'s message on its own', async () => {
    const bot = await start();
    const other = suite.fake.mention('Who was Daniel Pelka\'s mother?', { id: '500000000000000099' }, false);
    const { reply } = await ask('and his stepfather?', { replyTo: other });
    expect(description(reply)).not.toMatch(/Read as/);
    await bot.stop();
  });

  it('reads a mention in a thread with the asker\'s last question there', async () => {
    const bot = await start();
    const thread = { guildId: GUILD_ID, channelId: THREAD_ID };
    await ask('How many children were social workers in Coventry working with?', { place: thread });
    const { reply } = await ask('and in March 2013?', { place: thread });
    expect(description(reply)).toMatch(/^\*Read as:\* .*\(social workers in Coventry working with\)/);
    expect(description(reply)).toContain('3,085');
    await bot.stop();
  });
});
