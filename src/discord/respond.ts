/**
 * Every Discord reply is built here, pure, so the platform's limits and the
 * no-ping rule live in one place: embed description ≤ 4096, embed total
 * ≤ 6000, content ≤ 2000, allowed_mentions.parse empty. A quote is never cut:
 * fewer quotes are shown and the reply says how many more matched.
 */
import { escapeMarkdown } from 'discord.js';
import { citation } from '../quote/citation.js';
import { sourceLink } from '../quote/source-link.js';
import { pieces } from '../quote/pieces.js';
import type { Answer } from '../search/engine.js';
import { answerButtons, moreButtonId, type ActionRow } from './buttons.js';

export const LIMITS = { content: 2000, description: 4096, embedTotal: 6000, title: 256, footer: 2048 } as const;
export const NO_MENTIONS = { parse: [] as never[], repliedUser: false };
export const EMBED_COLOUR = 0x2b6cb0;

export interface ReplyPayload {
  content?: string;
  embeds?: { title: string; description: string; color: number; footer?: { text: string } }[];
  components?: ActionRow[];
  allowedMentions: typeof NO_MENTIONS;
}

export interface PageOptions {
  /** Quotes already shown on earlier pages (answer.quotes starts with them). */
  skip?: number;
  /** The engine returned as many quotes as asked for, so more may match (a More button, when the wording pages). */
  mayHaveMore?: boolean;
  wording?: Wording;
  /**
   * What the user typed, when the question answered is its reading with an earlier one
   * (search/follow-up.ts): the title shows what they typed, a "Read as" line the reading.
   */
  asked?: string;
}

const READ_AS = '*Read as:* ';

/** The "Read as" line above the quotes of a follow-up's reply ('' for a question read as typed). */
function readAsLine(answered: string, asked: string | undefined): string {
  return asked !== undefined && asked !== answered ? `${READ_AS}${truncate(echoText(answered), 500)}` : '';
}

/**
 * The question one of the bot's replies answered, as its asker typed it, from the reply itself (so nothing
 * is stored and a restart loses nothing): its title, never the "Read as" line below it, so a follow-up of a
 * follow-up leans on the asker's own words and a reading never nests another; the echo's escapes and
 * defused mentions undone.
 */
export function askedQuestion(embed: { title?: string | null } | undefined): string | undefined {
  return embed?.title?.replace(/\\(.)/g, '$1').replace(/\u200b/g, '').replace(/…$/, '').trim() || undefined;
}

/** How a reply frames what it shows: an answer to a question, or the passages that bear on a claim. */
export interface Wording {
  /** Above quotes that answer ('' for none). */
  answered: string;
  /** Above the closest passages when nothing answers. */
  related: string;
  answeredFooter: string;
  relatedFooter: string;
  /** When nothing is shown: followed by the documents the articles cover. */
  none: string;
  /** A More button for the next quotes (it asks the echoed text again as a question). */
  pages: boolean;
}


export const QUESTION_WORDING: Wording = {
  answered: '',
  related: '**Not answered directly.** The articles do not say this; these are the closest passages:',
  answeredFooter: 'Verbatim quotes from the articles',
  relatedFooter: 'Closest passages, not an answer',
  none: 'Sorry, that is not in the articles, so I have nothing to quote (`/sources` shows what I can answer). They cover:',
  pages: true,
};

/** A claim is never confirmed by a reply: the quotes bear on it, and may contradict it. */
export const CLAIM_WORDING: Wording = {
  answered: '**The articles say:** (read them against the claim: a quote may contradict it)',
  related: '**Closest passages.** Nothing in the articles speaks to this claim directly; these are the nearest:',
  answeredFooter: 'Verbatim quotes that bear on the claim, not a verdict on it',
  relatedFooter: 'Closest passages, not a verdict on the claim',
  none: 'Nothing in the articles on this. They cover:',
  pages: false,
};

/** Escapes markdown so the rendered text is the source text; also defuses masked links and headings. */
export function escapeText(text: string): string {
  return escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true });
}

/** Control and bidirectional-override characters: echoed, they hide or reorder what a reader sees. */
const INVISIBLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Text a user typed, shown back to the channel (the question as an embed
 * title): markdown escaped, invisible characters removed, a leading ">" kept
 * literal, and mentions defused with a zero-width space so no client renders
 * @everyone, @here, <@user>, <@&role> or <#channel> as a mention.
 */
export function echoText(text: string): string {
  return escapeText(text.replace(INVISIBLE, ''))
    // No word boundary: "@everyonex" starts with a mention too.
    .replace(/@(everyone|here)/g, '@\u200b$1')
    .replace(/<([@#])/g, '<\u200b$1')
    .replace(/^(\s*)>/, '$1\\>');
}

/** URLs in angle brackets: Discord shows no preview card for them. */
function suppressPreviews(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s<>]+/g, (url) => `<${url}>`);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The question as an embed title: every reply that carries votes has one, so a vote records what was asked. */
const questionTitle = (question: string) => truncate(echoText(question), LIMITS.title);

/** Quotes the reply shows: the answer, or for "related" the closest passages. */
export function shownQuotes(answer: Answer): Answer['quotes'] {
  return answer.verdict === 'related' ? answer.related : answer.verdict === 'answered' ? answer.quotes : [];
}


/** The citation, linked to the quote in its document when the document has a URL (the link text's brackets escaped). */
function citedSource(quote: Answer['quotes'][number]): string {
  const cited = escapeText(citation(quote));
  const link = sourceLink(quote.url, quote.text);
  return link ? `[${cited.replace(/[[\]]/g, '\\$&')}](${link})` : suppressPreviews(cited);
}

/** The quote, markdown escaped, its answering values in bold: emphasis goes around slices, the text is unchanged. */
export function formatQuote(quote: Answer['quotes'][number]): string {
  const body = pieces(quote)
    .map((p) => (p.marked && p.text.trim() ? `**${escapeText(p.text)}**` : escapeText(p.text)))
    .join('')
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  return `${body}\n— ${citedSource(quote)}`;
}

export function answerReply(answer: Answer, coveredTitles: readonly string[], { skip = 0, mayHaveMore = false, wording = QUESTION_WORDING, asked }: PageOptions = {}): ReplyPayload {
  const all = shownQuotes(answer);
  const readAs = readAsLine(answer.question, asked);
  if (all.length === 0) return notInArticles(answer.question, coveredTitles, wording, asked);
  const quotes = all.slice(skip);
  const intro = [readAs, answer.verdict === 'related' ? wording.related : wording.answered].filter(Boolean).join('\n\n');
  if (quotes.length === 0) return plainReply('No further quotes match this question.');
  const title = questionTitle(asked ?? answer.question);
  const blocks: string[] = [];
  let description = intro;
  for (const quote of quotes) {
    const block = formatQuote(quote);
    const next = description ? `${description}\n\n${block}` : block;
    // Room for the footer is kept so the embed total stays under 6000 too.
    if (next.length > LIMITS.description || title.length + next.length + 120 > LIMITS.embedTotal) break;
    blocks.push(block);
    description = next;
  }
  const more = quotes.length - blocks.length;
  if (blocks.length === 0) {
    const first = quotes[0]!;
    return {
      content: truncate(`The best matching passage is too long to show here (${first.text.length} characters): ${escapeText(citation(first))}.`, LIMITS.content),
      allowedMentions: NO_MENTIONS,
    };
  }
  const kind = answer.verdict === 'related' ? wording.relatedFooter : wording.answeredFooter;
  const footer = `${kind}${more > 0 ? ` · ${more} more matched but did not fit` : ''}`;
  const moreId = wording.pages && (more > 0 || mayHaveMore) ? moreButtonId(answer.question, skip + blocks.length) : undefined;
  return {
    embeds: [{ title, description, color: EMBED_COLOUR, footer: { text: footer } }],
    components: answerButtons(moreId),
    allowedMentions: NO_MENTIONS,
  };
}

export function notInArticles(question: string, coveredTitles: readonly string[], wording = QUESTION_WORDING, asked?: string): ReplyPayload {
  const readAs = readAsLine(question, asked);
  let description = readAs ? `${readAs}\n\n${wording.none}` : wording.none;
  for (const title of coveredTitles) {
    const line = `\n• ${escapeText(title)}`;
    // A message's length, not the embed's 4096: a refusal stays short.
    if (description.length + line.length > LIMITS.content - 20) {
      description += '\n• …';
      break;
    }
    description += line;
  }
  // Votes on a refusal too: a thumbs-down there points at a question the articles did answer, and it is recorded with the question.
  return {
    embeds: [{ title: questionTitle(asked ?? question), description, color: EMBED_COLOUR }],
    components: answerButtons(undefined),
    allowedMentions: NO_MENTIONS,
  };
}

export function plainReply(text: string): ReplyPayload {
  return { content: truncate(escapeText(text), LIMITS.content), allowedMentions: NO_MENTIONS };
}
