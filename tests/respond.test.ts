/** Discord reply building: limits, escaping, no pings — pure, no client needed. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_QUOTES, moreButtonId, parseButtonId, sourcesButtonId } from '../src/discord/buttons.js';
import { answerReply, echoText, formatQuote, LIMITS, NO_MENTIONS, notInArticles } from '../src/discord/respond.js';
import { VoteLedger } from '../src/discord/votes.js';
import { questionFromMention } from '../src/discord/events/mention.js';
import type { Answer } from '../src/search/engine.js';

const quote = (text: string, paragraph = 1) => ({ text, doc: 'a.txt', start: 0, end: text.length, score: 1, title: 'A title', date: '1 May 2014', paragraph });

/** Discord's 6000 counts the text of all a message's embeds together. */
function embedTotal(reply: ReturnType<typeof answerReply>): number {
  return (reply.embeds ?? []).reduce((sum, e) => sum + e.title.length + e.description.length + (e.footer?.text.length ?? 0), 0);
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
  it('lets a person claim one vote per reply, gives a released one back, and forgets the oldest first once full', () => {
    const ledger = new VoteLedger(2);
    expect(ledger.claim('m1', 'u1')).toBe(true);
    expect(ledger.claim('m1', 'u1')).toBe(false);
    ledger.release('m1', 'u1');
    expect(ledger.claim('m1', 'u1')).toBe(true);
    expect(ledger.claim('m1', 'u2')).toBe(true);
    expect(ledger.claim('m2', 'u1')).toBe(true); // evicts m1:u1, the oldest
    expect(ledger.claim('m1', 'u2')).toBe(false);
    expect(ledger.claim('m1', 'u1')).toBe(true);
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

describe('properties', () => {
  /** Text made of what breaks replies: mention syntax, markdown, links, invisible and control characters, astral characters, and anything at all. */
  const hostile = fc
    .array(
      fc.oneof(
        fc.constantFrom('@everyone', '@here', '<@123456789012345678>', '<@!1>', '<@&2>', '<#3>', '<', '@', '#', '>', '*', '_', '`', '~', '|', '\\', '[x](https://e.com)', 'https://example.com/a', '\n', ' ', '\u0000', '\u202e', '\u2066', '\u200f', '😀', 'x'),
        fc.string({ unit: 'binary', maxLength: 8 }),
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(''));
  /** Quotes from a word to several thousand characters, so some replies must drop quotes to stay within the limits. */
  const quoteOf = fc.record({ text: fc.tuple(hostile, fc.integer({ min: 1, max: 60 })).map(([t, n]) => `${t}x`.repeat(n)), title: hostile, date: hostile, paragraph: fc.nat(999) }).chain((q) =>
    fc.array(fc.tuple(fc.nat(q.text.length), fc.nat(q.text.length)), { maxLength: 4 }).map((pairs) => ({
      ...q,
      doc: 'a.txt',
      start: 0,
      end: q.text.length,
      score: 1,
      highlight: pairs.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]).sort((a, b) => a[0] - b[0]),
    })),
  );
  const answers = fc.record({
    question: hostile.filter((q) => q.trim() !== '').map((q) => q.trim()),
    verdict: fc.constantFrom('answered' as const, 'related' as const, 'refused' as const),
    quotes: fc.array(quoteOf, { maxLength: 10 }),
    related: fc.array(quoteOf, { maxLength: 10 }),
  }).map((a): Answer => ({ ...a, answered: a.verdict === 'answered' }));
  /** What a live mention would need: Discord renders none of these once a zero-width space is inside. */
  const LIVE_MENTION = /@(everyone|here)|<[@#]/;

  it("keeps every reply within Discord's limits, every button its own, and pings no one", () => {
    fc.assert(
      fc.property(answers, fc.array(hostile, { maxLength: 30 }), fc.nat(MAX_QUOTES), fc.boolean(), (answer, titles, skip, mayHaveMore) => {
        const reply = answerReply(answer, titles, { skip, mayHaveMore });
        expect(reply.allowedMentions).toEqual(NO_MENTIONS);
        expect(reply.content !== undefined || (reply.embeds?.length ?? 0) > 0).toBe(true);
        expect(reply.content?.length ?? 0).toBeLessThanOrEqual(LIMITS.content);
        expect(reply.embeds?.length ?? 0).toBeLessThanOrEqual(10);
        for (const embed of reply.embeds ?? []) {
          expect(embed.title.length).toBeLessThanOrEqual(LIMITS.title);
          expect(embed.title).not.toMatch(LIVE_MENTION);
          expect(embed.description.length).toBeLessThanOrEqual(LIMITS.description);
          expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.footer);
        }
        expect(embedTotal(reply)).toBeLessThanOrEqual(LIMITS.embedTotal);
        const rows = reply.components ?? [];
        expect(rows.length).toBeLessThanOrEqual(5);
        for (const row of rows) {
          expect(row.components.length).toBeLessThanOrEqual(5);
          // Every button the bot sends is one it understands when clicked.
          for (const { custom_id } of row.components) expect(parseButtonId(custom_id)).toBeDefined();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('defuses every mention in echoed text and drops what would hide or reorder it', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const echoed = echoText(text);
        expect(echoed).not.toMatch(LIVE_MENTION);
        expect(echoed).not.toMatch(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u);
        expect(echoed).not.toMatch(/^\s*>/);
      }),
      { numRuns: 500 },
    );
  });

  /** Ids near the real ones (prefixes, counts with leading zeros or out of range, padding) and anything at all. */
  const clickedIds = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 120 }),
    fc
      .tuple(fc.constantFrom('more:', 'vote:', 'sources:', 'more', 'MORE:', ''), fc.constantFrom('', '0', '03', '3', '9', '10', '-1', '٣', 'up', 'down', 'up ', ' '), fc.constantFrom('', ':', '::'), hostile)
      .map((parts) => parts.join('')),
  );

  it('parses only ids it makes: anything else, however hostile, is undefined and never throws', () => {
    fc.assert(
      fc.property(clickedIds, (id) => {
        const action = parseButtonId(id);
        if (!action) return;
        // Parsed means it is exactly the id the bot would have made for this action.
        const made = action.kind === 'vote' ? `vote:${action.verdict}` : action.kind === 'sources' ? sourcesButtonId(action.page) : moreButtonId(action.question, action.shown);
        expect(made).toBe(id);
        if (action.kind === 'more') {
          expect(action.shown).toBeGreaterThanOrEqual(1);
          expect(action.question).toBe(action.question.trim());
          expect(action.question).not.toBe('');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parses back every More id it makes', () => {
    fc.assert(
      fc.property(hostile.map((q) => q.trim()).filter((q) => q !== ''), fc.integer({ min: 1, max: MAX_QUOTES - 1 }), (question, shown) => {
        const id = moreButtonId(question, shown);
        if (id) expect(parseButtonId(id)).toEqual({ kind: 'more', shown, question });
        else expect(`more:${shown}:${question}`.length).toBeGreaterThan(100);
      }),
    );
  });
});

describe('questionFromMention', () => {
  it('takes out only the bot\'s own mention', () => {
    expect(questionFromMention('<@42> what did <@77> say about <@!42> funding?', '42')).toBe('what did <@77> say about   funding?');
    expect(questionFromMention('<@!42>', '42')).toBe('');
  });
});
