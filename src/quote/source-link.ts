/**
 * A link that opens a quote's document at the quote: the document's URL
 * (sidecar `url`, or an HTML page's canonical link) with a text fragment
 * (https://wicg.github.io/scroll-to-text-fragment/) that makes the browser
 * scroll to and highlight the quoted words. Only the words are matched, so
 * where the live page's text differs, the link still opens the page.
 */

/** Quotes longer than this many words are matched by their first and last words (textStart,textEnd). */
const WHOLE_WORDS = 10;
const EDGE_WORDS = 5;

/**
 * A fragment term, percent-encoded as the spec asks ("-", "&" and "," are its
 * syntax) and as a Markdown link needs (spaces and parentheses end it).
 */
function fragmentTerm(words: readonly string[]): string {
  return encodeURIComponent(words.join(' ')).replace(/[-!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The text directive for a quote: the whole quote, or its first and last words for a long one. */
export function textDirective(text: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length <= WHOLE_WORDS) return `text=${fragmentTerm(words)}`;
  return `text=${fragmentTerm(words.slice(0, EDGE_WORDS))},${fragmentTerm(words.slice(-EDGE_WORDS))}`;
}

/**
 * The document's URL with the quote's text fragment, or undefined when the
 * document has none or it is not an http(s) URL (a sidecar is hostile input:
 * no `javascript:`). Spaces and parentheses anywhere in it are percent-encoded,
 * so it can stand inside a Markdown link.
 */
export function sourceLink(url: string | undefined, text: string): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  // A fragment directive follows the page's own fragment, if it has one, after ":~:".
  const base = parsed.href.replace(/:~:.*$/, '');
  const joined = `${base}${base.includes('#') ? '' : '#'}:~:${textDirective(text)}`;
  return joined.replace(/[ ()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
