/**
 * "What can I ask?": the /sources reply — the documents the index answers
 * from (title, publisher, date, how many passages), a page at a time, and a
 * few example questions made from the documents' own headlines, each one
 * checked to come back answered before it is shown. Pure but for the
 * examples' check, which asks the engine.
 */
import { readableDate } from '../quote/dates.js';
import type { SearchEngine } from '../search/engine.js';
import type { SearchIndex } from '../index-view.js';
import { sourcesButtons } from './buttons.js';
import { EMBED_COLOUR, echoText, escapeText, LIMITS, NO_MENTIONS, truncate, type ReplyPayload } from './respond.js';

export const SOURCES_PER_PAGE = 10;
/** Example questions shown, and headlines tried for them. */
const EXAMPLES = 3;
const HEADLINES_TRIED = 8;

export interface Source {
  name: string;
  title: string;
  publisher?: string;
  date?: string;
  passages: number;
}

const counted = new WeakMap<SearchIndex, Source[]>();

/** The documents the index answers from, in corpus order, with their passage counts: walked once per index, a document at a time. */
export function sourcesOf(index: SearchIndex): Source[] {
  let sources = counted.get(index);
  if (sources) return sources;
  const passages = new Map<number, number>();
  for (let position = 0; position < index.passages.length; ) {
    const [first, end] = index.documentSpan(position);
    const doc = index.passages.at(first)!.doc;
    passages.set(doc, (passages.get(doc) ?? 0) + (end - first));
    position = end;
  }
  const docNumber = new Map(index.documents.map((d, i) => [d.name, i]));
  sources = index.covered.map(({ name, meta }) => ({
    name,
    title: meta.title ?? name,
    ...(meta.publisher ? { publisher: meta.publisher } : {}),
    ...(meta.date ? { date: readableDate(meta.date) } : {}),
    passages: passages.get(docNumber.get(name)!) ?? 0,
  }));
  counted.set(index, sources);
  return sources;
}

/** A headline as a question: the site's name after " - " or " | " dropped. */
export function headlineQuestion(title: string): string {
  const headline = title.replace(/\s+[-|–]\s+[^-|–]*$/, '').trim();
  return `What do the articles say about ${headline.charAt(0).toLowerCase()}${headline.slice(1)}?`;
}

const checked = new WeakMap<SearchIndex, Promise<string[]>>();

/** Up to EXAMPLES questions from the headlines that the engine answers; worked out once per index. */
export function exampleQuestions(engine: SearchEngine): Promise<string[]> {
  let examples = checked.get(engine.index);
  if (!examples) {
    examples = (async () => {
      const answered: string[] = [];
      for (const source of sourcesOf(engine.index).slice(0, HEADLINES_TRIED)) {
        if (answered.length === EXAMPLES || source.title === source.name) continue;
        const question = headlineQuestion(source.title);
        if ((await engine.ask(question, 1)).verdict === 'answered') answered.push(question);
      }
      return answered;
    })();
    checked.set(engine.index, examples);
  }
  return examples;
}

/** Pages of the list, 1-based; a page past the end shows the last. */
export function sourcesReply(sources: readonly Source[], page: number, examples: readonly string[]): ReplyPayload {
  const pages = Math.max(1, Math.ceil(sources.length / SOURCES_PER_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const lines = sources.slice((current - 1) * SOURCES_PER_PAGE, current * SOURCES_PER_PAGE).map((s) => {
    const about = [s.publisher, s.date].filter(Boolean).map((v) => escapeText(v!)).join(', ');
    return `• **${escapeText(s.title)}**${about ? ` — ${about}` : ''} · ${s.passages} passage${s.passages === 1 ? '' : 's'}`;
  });
  const tryThese = examples.length > 0 ? ['', '**Try asking:**', ...examples.map((q) => `• ${echoText(q)}`)] : [];
  const description = truncate([...lines, ...tryThese].join('\n'), LIMITS.description);
  const components = sourcesButtons(current, pages);
  return {
    embeds: [{ title: 'What I answer from', description, color: EMBED_COLOUR, footer: { text: `Page ${current} of ${pages} · ${sources.length} document${sources.length === 1 ? '' : 's'} · answers are verbatim quotes from these` } }],
    ...(components.length > 0 ? { components } : {}),
    allowedMentions: NO_MENTIONS,
  };
}
