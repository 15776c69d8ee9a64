/** Discord reply building: limits, escaping, no pings — pure, no client needed. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordFeedback } from '../src/discord/feedback.js';
import { scratch } from './support/temp.js';
import { MAX_QUOTES, moreButtonId, parseButtonId } from '../src/discord/buttons.js';
import { answerReply, echoText, formatQuote, LIMITS, notInArticles } from '../src/discord/respond.js';
import { VoteLedger } from '../src/discord/votes.js';
import { questionFromMention } from '../src/discord/bot.js';
import type { Answer } from '../src/search/engine.js';

const quote = (text: string, paragraph = 1) => ({ text, doc: 'a.txt', start: 0, end: text.length, score: 1, title: 'A title', date: '1 May 2014', paragraph });

function embedTotal(reply: ReturnType<typeof answerReply>): number {
  const e = reply.embeds?.[0];
  return e ? e.title.length + e.description.length + (e.footer?.text.length ?? 0) : 0;
}

describe('answerReply', () => {
  it('keeps every limit for many long quotes by showing fewer whole quotes, and says how many more matched', () => {
    const long = (n: number) => `${'Long sentence about the council budget and staffing. '.repeat(30)}End ${n}.`;
    const answer: Answer = { question: 'q'.repeat(900), verdict: 'answered', answered: true, related: [], quotes: Array.from({ length: 10 }, (_, i) => quote(long(i), i + 1)) };
    const reply = answerReply(answer, []);
    const embed = reply.embeds![0]!;
    expect(embed.description.length).toBeLessThanOrEqual(LIMITS.description);
    expect(embedTotal(reply)).toBeLessThanOrEqual(LIMITS.embedTotal);
    expect(embed.title.length).toBeLessThanOrEqual(LIMITS.title);
    const shown = embed.description.match(/^— /gm)!.length;
    expect(shown).toBeLessThan(10);
    for (let i = 0; i < shown; i++) expect(embed.description).toContain(`End ${i}.`);
    expect(embed.footer!.text).toContain(`${10 - shown} more matched`);
  });

  it('escapes markdown so the rendered quote is the source text, and never allows pings', () => {
    const reply = answerReply({ question: 'q', verdict: 'answered', answered: true, related: [], quotes: [quote('A *bold* claim_with_underscores @everyone <@&123> ~~x~~ `code`.')] }, []);
    const description = reply.embeds![0]!.description;
    expect(description).toContain('\\*bold\\*');
    expect(description).toContain('\\_with\\_underscores');
    expect(description).toContain('\\~\\~x\\~\\~');
    expect(reply.allowedMentions.parse).toEqual([]);
  });

  it('falls back to a short content message when a single quote cannot fit', () => {
    const reply = answerReply({ question: 'q', verdict: 'answered', answered: true, related: [], quotes: [quote('x'.repeat(5000))] }, []);
    expect(reply.embeds).toBeUndefined();
    expect(reply.content!.length).toBeLessThanOrEqual(LIMITS.content);
    expect(reply.content).toMatch(/too long to show here \(5000 characters\): A title/);
  });
});

describe('the verdicts', () => {
  it('shows related passages under a heading that says they do not answer, never as an answer', () => {
    const answer: Answer = { question: 'How old is the councillor?', verdict: 'related', answered: false, quotes: [], related: [quote('Coun Smith spoke.')] };
    const reply = answerReply(answer, ['A title']);
    expect(reply.embeds![0]!.description).toMatch(/^\*\*Not answered directly\.\*\*.*\n\n> Coun Smith spoke\./s);
    expect(reply.embeds![0]!.footer!.text).toMatch(/^Closest passages, not an answer/);
    expect(reply.components).toBeDefined();
  });

  it('says "not in the articles" for a refusal, under the question, so a vote on it records what was asked', () => {
    const reply = answerReply({ question: 'Will it rain @everyone?', verdict: 'refused', answered: false, quotes: [], related: [] }, ['A title']);
    expect(reply.embeds![0]!.title).toBe('Will it rain @\u200beveryone?');
    expect(reply.embeds![0]!.description).toMatch(/^Sorry, that is not in the articles/);
    expect(reply.components![0]!.components.map((c) => c.custom_id)).toEqual(['vote:up', 'vote:down']);
  });

  it('bolds highlighted values, escaping what is inside and around them', () => {
    const marked = { ...quote('It cost £5_6m *today*.'), start: 10, end: 32, highlight: [[18, 23]] as [number, number][] };
    expect(formatQuote(marked).split('\n')[0]).toBe('> It cost **£5\\_6m** \\*today\\*.');
  });
});

describe('notInArticles', () => {
  it('lists the covered titles within 2000 characters', () => {
    const text = notInArticles('q', Array.from({ length: 200 }, (_, i) => `Article number ${i} about something`)).embeds![0]!.description;
    expect(text.length).toBeLessThanOrEqual(LIMITS.content);
    expect(text).toMatch(/^Sorry, that is not in the articles/);
    expect(text).toMatch(/• …$/);
  });
});

describe('answer buttons', () => {
  const ids = (reply: ReturnType<typeof answerReply>) => reply.components?.flatMap((row) => row.components.map((c) => c.custom_id)) ?? [];

  it('offers More quotes carrying the question and how many were shown, and the two votes', () => {
    const answer: Answer = { question: 'Who chairs the board?', verdict: 'answered', answered: true, related: [], quotes: [quote('One.'), quote('Two.', 2), quote('Three.', 3)] };
    const reply = answerReply(answer, [], { mayHaveMore: true });
    expect(ids(reply)).toEqual(['more:3:Who chairs the board?', 'vote:up', 'vote:down']);
    expect(parseButtonId(ids(reply)[0]!)).toEqual({ kind: 'more', shown: 3, question: 'Who chairs the board?' });
    // Every id fits Discord's 100-character custom_id.
    for (const id of ids(reply)) expect(id.length).toBeLessThanOrEqual(100);
  });

  it('has no More button when nothing more can match, or the question is too long to carry', () => {
    const few: Answer = { question: 'q', verdict: 'answered', answered: true, related: [], quotes: [quote('Only one.')] };
    expect(ids(answerReply(few, [], { mayHaveMore: false }))).toEqual(['vote:up', 'vote:down']);
    const long: Answer = { question: 'w'.repeat(120), verdict: 'answered', answered: true, related: [], quotes: [quote('One.')] };
    expect(ids(answerReply(long, [], { mayHaveMore: true }))).toEqual(['vote:up', 'vote:down']);
  });

  it('continues from where the last page stopped, including quotes that did not fit before', () => {
    const long = (n: number) => `${'Long sentence about the council budget and staffing. '.repeat(30)}End ${n}.`;
    const answer: Answer = { question: 'budget?', verdict: 'answered', answered: true, related: [], quotes: Array.from({ length: 6 }, (_, i) => quote(long(i), i + 1)) };
    const first = answerReply(answer, []);
    const shown = first.embeds![0]!.description.match(/^— /gm)!.length;
    expect(ids(first)[0]).toBe(`more:${shown}:budget?`);
    const next = answerReply(answer, [], { skip: shown });
    expect(next.embeds![0]!.description).toContain(`End ${shown}.`);
    expect(next.embeds![0]!.description).not.toContain(`End ${shown - 1}.`);
    expect(answerReply(answer, [], { skip: 6 }).content).toBe('No further quotes match this question.');
  });

  it('stops paging at the quote cap and ignores ids that are not its own', () => {
    expect(moreButtonId('q', MAX_QUOTES)).toBeUndefined();
    for (const id of ['more:0:q', 'more:10:q', 'more:x:q', 'vote:maybe', 'other']) expect(parseButtonId(id)).toBeUndefined();
  });
});

describe('VoteLedger', () => {
  it('counts a person once per reply, and forgets the oldest votes first once full', () => {
    const ledger = new VoteLedger(2);
    ledger.count('m1', 'u1');
    expect(ledger.voted('m1', 'u1')).toBe(true);
    expect(ledger.voted('m1', 'u2')).toBe(false);
    ledger.count('m1', 'u2');
    ledger.count('m2', 'u1'); // evicts m1:u1, the oldest
    expect(ledger.voted('m1', 'u2')).toBe(true);
    expect(ledger.voted('m1', 'u1')).toBe(false);
  });
});

describe('echoText', () => {
  it('defuses mentions, a leading block quote and invisible characters in the echoed question', () => {
    const echoed = echoText('> @everyone @here <@123> <@&456> <#789> what\u0000 did\u202e Ofsted find?');
    expect(echoed).not.toMatch(/@everyone|@here|<@\d|<@&|<#/);
    expect(echoed.startsWith('\\>')).toBe(true);
    expect(echoed).not.toMatch(/[\u0000\u202e]/);
    expect(echoed).toContain('Ofsted find?');
  });

  it('is used for the embed title', () => {
    const reply = answerReply({ question: '@everyone who?', verdict: 'answered', answered: true, related: [], quotes: [quote('Amy Weir.')] }, []);
    expect(reply.embeds![0]!.title).toBe('@\u200beveryone who?');
  });
});

describe('questionFromMention', () => {
  it('takes out only the bot\'s own mention', () => {
    expect(questionFromMention('<@42> what did <@77> say about <@!42> funding?', '42')).toBe('what did <@77> say about   funding?');
    expect(questionFromMention('<@!42>', '42')).toBe('');
  });
});

describe('recordFeedback', () => {
  it('rotates the file to <file>.1 once it reaches its cap, keeping at most two', async () => {
    const { dir } = await scratch(false);
    const file = join(dir, 'feedback.jsonl');
    const entry = { at: '2026-11-29T00:00:00.000Z', verdict: 'up' as const, guildId: null, channelId: 'c', messageId: 'm', question: 'q', shown: 's' };
    const line = `${JSON.stringify(entry)}\n`.length;
    for (let i = 0; i < 7; i++) await recordFeedback(file, entry, line * 3);
    expect((await readFile(file, 'utf8')).length).toBe(line);
    expect((await readFile(`${file}.1`, 'utf8')).length).toBe(line * 3);
    expect(await readFile(`${file}.2`, 'utf8').catch(() => 'none')).toBe('none');
  });
});
