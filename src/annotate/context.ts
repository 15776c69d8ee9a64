/**
 * Who is speaking, and whom a sentence is about, resolved from the sentences
 * before it. News attribution spans sentences: "Mr Duggins said: “…" is
 * followed by paragraphs that open with a quotation mark and name no one;
 * "He added…"; "the boy" is the child the story is about. Questions name
 * the speaker or the subject; the quoted sentence does not. The resolved
 * names are searched (BM25) but never quoted. Pure.
 *
 * The rules are the standard low-resource ones: attribution is a speech
 * verb with the nearest name; an unattributed sentence in the same
 * paragraph, or a paragraph that opens a quotation, keeps the last speaker;
 * a pronoun or a person noun with no name of its own refers to the most
 * recent sentence's first-named person (its grammatical subject, mostly).
 */
import { loadTags, type StoredTags, type Tag } from './tags.js';

export interface ContextInput {
  text: string;
  start: number;
  paragraph: number;
  tags: StoredTags;
}

/** Reporting verbs of English news prose. */
const SPEECH_VERB =
  /\b(?:said|says|say|added|adds|told|tells|warned|warns|vowed|vows|stated|states|explained|insisted|argued|claimed|concluded|concluding|admitted|announced|commented|noted|replied|responded|urged|praised|acknowledged|promised|believes|suggested|revealed|confirmed|described|stressed|maintained|according to)\b/i;
const PRONOUN = /\b(?:he|she|him|his|her|hers)\b/i;
/** Nouns that denote a person without naming one. */
const PERSON_NOUN = /\b(?:the|this|that)\s+(?:[\p{L}-]+\s+)?(?:boy|girl|child|toddler|baby|youngster|son|daughter|victim|pupil|man|woman|[\p{L}]+-year-old)\b/iu;
const OPENS_QUOTE = /^[“"‘']/;

const NAME_KINDS = ['person', 'organisation', 'proper'] as const;

/** A name as written, without a possessive ending. */
function nameText(text: string, tag: Tag, offset: number): string {
  return text.slice(tag.start - offset, tag.end - offset).replace(/['’]s$/u, '').trim();
}

/** The fullest earlier form of a name: "Mr Duggins" → "George Duggins" once that was seen. */
function fuller(name: string, seen: readonly string[]): string {
  const last = name.split(/\s+/).at(-1)!.toLowerCase();
  const longer = seen.filter((s) => s.split(/\s+/).at(-1)!.toLowerCase() === last && s.length > name.length);
  return longer.sort((a, b) => b.length - a.length)[0] ?? name;
}

export function resolveContext(sentences: readonly ContextInput[]): string[] {
  const seen: string[] = [];
  let lastSubject: string | undefined;
  let lastSpeaker: string | undefined;
  return sentences.map((s, i) => {
    const tags = loadTags(s.tags, s.start).filter((t) => (NAME_KINDS as readonly string[]).includes(t.kind));
    const names = tags.map((t) => ({ kind: t.kind, at: t.start - s.start, name: fuller(nameText(s.text, t, s.start), seen) }));
    const people = names.filter((n) => n.kind === 'person');
    const previous = sentences[i - 1];
    const continues = previous !== undefined && (previous.paragraph === s.paragraph || OPENS_QUOTE.test(s.text));

    let speaker: string | undefined;
    const verb = SPEECH_VERB.exec(s.text);
    if (verb) {
      // The name nearest the verb, people first: "Mr Duggins said", "said Amy Weir, chair of…".
      const byDistance = (a: { at: number }, b: { at: number }) => Math.abs(a.at - verb.index) - Math.abs(b.at - verb.index);
      const nearest = [...people].sort(byDistance)[0] ?? [...names].sort(byDistance)[0];
      if (nearest) speaker = nearest.name;
      else if (PRONOUN.test(s.text.slice(0, verb.index))) speaker = lastSubject;
    }
    speaker ??= continues ? lastSpeaker : undefined;

    const subject = people.length === 0 && (PRONOUN.test(s.text) || PERSON_NOUN.test(s.text)) ? lastSubject : undefined;
    for (const n of names) if (!seen.includes(n.name)) seen.push(n.name);
    if (people.length > 0) lastSubject = people[0]!.name;
    lastSpeaker = speaker;
    return [...new Set([speaker, subject].filter((n): n is string => n !== undefined && !s.text.includes(n)))].join('; ');
  });
}
