/**
 * Follow-up questions: read with the question they follow (search/follow-up.ts),
 * and in Discord taken from the bot's own earlier answer — through the real
 * discord.js client and a fake Discord, with the real model.
 */
import { describe, expect, it } from 'vitest';
import { askedQuestion, answerReply } from '../src/discord/respond.js';
import type { Answer } from '../src/search/engine.js';
import { clearlyBetter, leaning, readFollowUp, readInContext, readWith, topicOf, type Asker } from '../src/search/follow-up.js';
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

  it('decides from the question\'s own words: a continuation, no subject of its own, or an unnamed person follow', () => {
    for (const q of ['and his stepfather?', 'what about the board?', 'for how long?', 'how many in 2013?', 'the safeguarding board?', 'what did she say about the inspection?']) {
      expect([q, leaning(q)]).toEqual([q, 'follows']);
    }
    // A question with a subject of its own is read alone, however short: the word count decides nothing.
    for (const q of ['who is amy weir', 'what is the weather in coventry', 'what did ofsted say about leadership', 'who won the football last night']) {
      expect([q, leaning(q)]).toEqual([q, 'alone']);
    }
    // "it", "that", "there" point back as often as not, and one word may be a subject or not: the engine settles these.
    for (const q of ['when did it take place?', 'is it going to rain tomorrow', 'what was the result?', 'what is the lscb']) expect([q, leaning(q)]).toEqual([q, 'unsure']);
  });

  it('carries the earlier question as the asker typed it, so a reading never holds two earlier questions', () => {
    // The second question of a chain was itself a follow-up: its own words are carried, not its reading.
    expect(readWith('what was his job before?', 'and his stepfather?')).toBe('What was his job before? (his stepfather)');
    expect(readWith('and in March 2013?', 'and what about the referrals?')).toBe('In March 2013? (the referrals)');
  });

  it('reads a question that stands on its own as it is, and any question without an earlier one', () => {
    expect(readFollowUp('How much money is being invested in children\'s services?', 'Who chairs the board?')).toEqual({
      question: 'How much money is being invested in children\'s services?',
      followed: false,
    });
    expect(readFollowUp('and his stepfather?', undefined)).toEqual({ question: 'and his stepfather?', followed: false });
  });

  it('lets the earlier question win an unsure one only when that is clearly better', () => {
    const known = (t: string) => t !== 'cold';
    const verdict = (v: Answer['verdict']) => ({ verdict: v });
    expect(clearlyBetter('when did it take place?', verdict('related'), verdict('answered'), known)).toBe(true);
    // Answered alone: nothing to add. Refused alone: an off-topic question stays off-topic.
    expect(clearlyBetter('when did it take place?', verdict('answered'), verdict('answered'), known)).toBe(false);
    expect(clearlyBetter('is it going to rain', verdict('refused'), verdict('answered'), known)).toBe(false);
    expect(clearlyBetter('when did it take place?', verdict('related'), verdict('related'), known)).toBe(true);
    expect(clearlyBetter('when did it take place?', verdict('related'), verdict('refused'), known)).toBe(false);
    // A word of its own that no article uses: the question is about something else.
    expect(clearlyBetter('is it cold today?', verdict('related'), verdict('answered'), known)).toBe(false);
  });

  it('asks the engine once for a question it can place by its words, both ways for an unsure one', async () => {
    const asked: string[] = [];
    const engine: Asker = {
      index: { lexical: { documentFrequency: () => 1 } } as unknown as Asker['index'],
      ask: async (question) => {
        asked.push(question);
        // Answered only with the earlier question's subject beside it.
        const verdict = question.includes('(') ? 'answered' : 'related';
        return { question, verdict, answered: verdict === 'answered', quotes: [], related: [] };
      },
    };
    expect((await readInContext(engine, 'who is amy weir', 'How many children?')).reading.followed).toBe(false);
    expect(asked).toEqual(['who is amy weir']);
    asked.length = 0;
    const unsure = await readInContext(engine, 'when did it take place?', 'How long was the inspection?');
    expect(asked).toEqual(['when did it take place?', 'When did it take place? (the inspection)']);
    expect(unsure.reading).toEqual({ question: 'When did it take place? (the inspection)', followed: true });
    expect(unsure.answer.verdict).toBe('answered');
  });

  it('finds the question a reply answered in the reply itself: its title, what the asker typed, unescaped', () => {
    const plain = answerReply({ question: 'Who was Daniel\'s *mother*, @everyone?', verdict: 'refused', answered: false, quotes: [], related: [] }, []);
    expect(askedQuestion(plain.embeds![0])).toBe('Who was Daniel\'s *mother*, @everyone?');
    const followed = answerReply({ question: "Who was his stepfather? (Daniel's mother)", verdict: 'refused', answered: false, quotes: [], related: [] }, [], { asked: 'and his stepfather?' });
    expect(followed.embeds![0]!.title).toBe('and his stepfather?');
    expect(followed.embeds![0]!.description).toMatch(/^\*Read as:\* Who was his stepfather\? \(Daniel's mother\)\n\n/);
    expect(askedQuestion(followed.embeds![0])).toBe('and his stepfather?');
    expect(askedQuestion(undefined)).toBeUndefined();
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
    const third = await ask('how long were they jailed for?', { replyTo: second.botMessage });
    // One level: the third is read with the second as it was typed, never with the second's own reading.
    expect(description(third.reply)).toMatch(/^\*Read as:\* How long were they jailed for\? \(his stepfather\)\n/);
    expect(description(third.reply).replace(/\*\*/g, '')).toContain('minimum of 30 years');
    expect(third.reply.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
    await bot.stop();
  });

  it('reads a reply with a subject of its own alone, and an off-topic reply is not answered', async () => {
    const bot = await start();
    const first = await ask('How many children were social workers in Coventry working with?');
    const fresh = await ask('who is amy weir', { replyTo: first.botMessage });
    expect(description(fresh.reply)).not.toMatch(/Read as/);
    expect(description(fresh.reply).replace(/\*\*/g, '')).toContain('Amy Weir, chair of the Coventry Local Safeguarding Children Board');
    const offTopic = await ask('what is the weather in coventry', { replyTo: fresh.botMessage });
    expect(description(offTopic.reply)).not.toMatch(/Read as/);
    // Refused ("not in the articles") or the closest passages marked as not an answer, never quotes given as its answer.
    expect(description(offTopic.reply)).toMatch(/not answered directly|nothing in the articles|not in the articles/i);
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
