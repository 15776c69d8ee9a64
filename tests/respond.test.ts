/** Discord reply building: limits, escaping, no pings — pure, no client needed. */
import { describe, expect, it } from 'vitest';
import { answerReply, LIMITS, notInArticles } from '../src/discord/respond.js';
import type { Answer } from '../src/search/engine.js';

const quote = (text: string, paragraph = 1) => ({ text, doc: 'a.txt', start: 0, end: text.length, score: 1, title: 'A title', date: '1 May 2014', paragraph });

function embedTotal(reply: ReturnType<typeof answerReply>): number {
  const e = reply.embeds?.[0];
  return e ? e.title.length + e.description.length + (e.footer?.text.length ?? 0) : 0;
}

describe('answerReply', () => {
  it('keeps every limit for many long quotes by showing fewer whole quotes, and says how many more matched', () => {
    const long = (n: number) => `${'Long sentence about the council budget and staffing. '.repeat(30)}End ${n}.`;
    const answer: Answer = { question: 'q'.repeat(900), answered: true, quotes: Array.from({ length: 10 }, (_, i) => quote(long(i), i + 1)) };
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
    const reply = answerReply({ question: 'q', answered: true, quotes: [quote('A *bold* claim_with_underscores @everyone <@&123> ~~x~~ `code`.')] }, []);
    const description = reply.embeds![0]!.description;
    expect(description).toContain('\\*bold\\*');
    expect(description).toContain('\\_with\\_underscores');
    expect(description).toContain('\\~\\~x\\~\\~');
    expect(reply.allowedMentions.parse).toEqual([]);
  });

  it('falls back to a short content message when a single quote cannot fit', () => {
    const reply = answerReply({ question: 'q', answered: true, quotes: [quote('x'.repeat(5000))] }, []);
    expect(reply.embeds).toBeUndefined();
    expect(reply.content!.length).toBeLessThanOrEqual(LIMITS.content);
    expect(reply.content).toMatch(/too long to show here \(5000 characters\): A title/);
  });
});

describe('notInArticles', () => {
  it('lists the covered titles within 2000 characters', () => {
    const reply = notInArticles(Array.from({ length: 200 }, (_, i) => `Article number ${i} about something`));
    expect(reply.content!.length).toBeLessThanOrEqual(LIMITS.content);
    expect(reply.content).toMatch(/^Sorry, that is not in the articles/);
    expect(reply.content).toMatch(/• …$/);
  });
});
