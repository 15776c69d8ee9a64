/**
 * A Discord message as a claim to look up ("Find in the articles"): its
 * words without Discord's mention and emoji tokens, cut to the question
 * limit at a sentence boundary. Pure; the message is hostile input.
 */
import { MAX_QUESTION_LENGTH } from '../search/engine.js';

/** <@id>, <@!id>, <@&id>, <#id>, custom emoji <:name:id> / <a:name:id>, timestamps <t:…>: markup, not words of the claim. */
const DISCORD_TOKENS = /<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:\d+(?::\w)?)>/g;

/** The claim in a message's text, or undefined when there is none (an image, an embed, only mentions). */
export function claimText(content: string, limit = MAX_QUESTION_LENGTH): string | undefined {
  const text = content.replace(DISCORD_TOKENS, ' ').replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(text)) return undefined;
  if (text.length <= limit) return text;
  const head = text.slice(0, limit);
  // The last sentence that ends within the limit; else the last whole word.
  const sentenceEnd = Math.max(...['. ', '! ', '? '].map((end) => head.lastIndexOf(end)));
  if (sentenceEnd > limit / 4) return head.slice(0, sentenceEnd + 1);
  const wordEnd = head.lastIndexOf(' ');
  return wordEnd > 0 ? head.slice(0, wordEnd) : head;
}
