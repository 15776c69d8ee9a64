/**
 * "Find in the articles" (a message command): a message's text looked up as
 * a claim, answered privately with the quotes that bear on it — through the
 * real discord.js client and a fake Discord, with the real model.
 */
import { describe, expect, it } from 'vitest';
import { claimText } from '../src/discord/claim.js';
import { COMMANDS } from '../src/discord/commands.js';
import { answerReply, CLAIM_WORDING } from '../src/discord/respond.js';
import { callbackOf, description, editOf, fakeDiscordSuite } from './support/bot.js';
import { BOT_ID } from './support/fake-discord.js';

const EPHEMERAL = 64;

describe('claimText', () => {
  it('keeps the words, not Discord\'s mention, channel, role, emoji or timestamp tokens', () => {
    expect(claimText(`<@${BOT_ID}> Ofsted rated <#123> <@&456> services inadequate <:sad:789> <t:1700000000:R>`)).toBe('Ofsted rated services inadequate');
    expect(claimText(`<@${BOT_ID}>   <:sad:789>`)).toBeUndefined();
    expect(claimText('')).toBeUndefined();
  });

  it('cuts a long message to the limit at a sentence boundary, else at a word', () => {
    const long = `${'The council said caseloads rose. '.repeat(40)}And more.`;
    const cut = claimText(long, 100)!;
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut.endsWith('rose.')).toBe(true);
    expect(claimText('word '.repeat(50), 22)).toBe('word word word word');
  });
});

describe('the claim wording', () => {
  const quote = { text: 'Ofsted rated the services inadequate.', doc: 'a.txt', start: 0, end: 37, score: 1, paragraph: 1 };
  it('frames quotes as bearing on the claim, never as confirming it, with no More button', () => {
    const reply = answerReply({ question: 'The services were rated good', verdict: 'answered', answered: true, quotes: [quote], related: [] }, [], { mayHaveMore: true, wording: CLAIM_WORDING });
    expect(reply.embeds![0]!.description).toMatch(/^\*\*The articles say:\*\* \(read them against the claim: a quote may contradict it\)/);
    expect(reply.embeds![0]!.footer!.text).toBe('Verbatim quotes that bear on the claim, not a verdict on it');
    expect(reply.components!.flatMap((row) => row.components.map((c) => c.custom_id))).toEqual(['vote:up', 'vote:down']);
    const none = answerReply({ question: 'The moon is cheese', verdict: 'refused', answered: false, quotes: [], related: [] }, ['A title'], { wording: CLAIM_WORDING });
    expect(none.embeds![0]!.description).toMatch(/^Nothing in the articles on this\. They cover:\n• A title/);
  });

  it('is registered as a message command beside /ask', () => {
    expect(COMMANDS.map((c) => [c.name, c.type ?? 1])).toEqual([['ask', 1], ['sources', 1], ['Find in the articles', 3]]);
  });
});

describe('Find in the articles, through a fake Discord', () => {
  const suite = fakeDiscordSuite();

  it('answers a claim privately, deferred first, with the quotes that bear on it and no pings', async () => {
    const bot = await suite.start();
    const { id, token } = suite.fake.messageCommand('Coventry social workers were working with 4,529 children, @everyone');
    const edit = await suite.fake.waitFor(editOf(token));
    expect(suite.fake.requests.find(callbackOf(id))!.body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    expect(description(edit)).toMatch(/^\*\*The articles say:\*\*/);
    expect(description(edit)).toContain('working with 4,529 children');
    const embed = (edit.body?.embeds as { title: string }[])[0]!;
    expect(embed.title).toContain('@\u200beveryone');
    expect(edit.body?.allowed_mentions).toEqual({ parse: [], replied_user: false });
    await bot.stop();
  });

  it('looks up a long message with markdown and mentions, a bot\'s own message the same way, and says when a message has no text', async () => {
    const bot = await suite.start();
    const long = `<@${BOT_ID}> **Ofsted** said Coventry's children's services were _inadequate_. ${'Some more words about the weather today. '.repeat(40)}`;
    const longCall = suite.fake.messageCommand(long);
    const longEdit = await suite.fake.waitFor(editOf(longCall.token));
    expect(description(longEdit)).toMatch(/inadequate/);
    expect((longEdit.body?.embeds as { title: string }[])[0]!.title).not.toContain(`<@${BOT_ID}>`);
    const fromBot = suite.fake.messageCommand('Ofsted rated Coventry children\'s services inadequate.', { id: '700000000000000001', bot: true });
    expect(description(await suite.fake.waitFor(editOf(fromBot.token)))).toMatch(/inadequate/);
    const empty = suite.fake.messageCommand(`<@${BOT_ID}>`);
    const callback = await suite.fake.waitFor(callbackOf(empty.id));
    expect(callback.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect(String((callback.body?.data as { content: string }).content)).toMatch(/no text to look up/);
    await bot.stop();
  });

  it('counts against the same per-user rate limit as questions', async () => {
    const bot = await suite.start({ RATE_LIMIT_USER_PER_MIN: '2' });
    const calls = Array.from({ length: 3 }, () => suite.fake.messageCommand('Ofsted rated the services inadequate.', undefined, '500000000000000077'));
    const last = await suite.fake.waitFor(callbackOf(calls[2]!.id));
    expect(String((last.body?.data as { content: string }).content)).toMatch(/wait a minute/);
    for (const call of calls.slice(0, 2)) await suite.fake.waitFor(editOf(call.token));
    await bot.stop();
  });
});
