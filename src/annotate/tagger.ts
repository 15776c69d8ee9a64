/**
 * Typed values in a sentence, found by wink-nlp's English model: its named
 * entities (DATE, TIME, DURATION, CARDINAL, MONEY, PERCENT) and its
 * proper-noun runs (PROPN), which compromise's lexicon of given names,
 * titles and places sorts into people, places and other names.
 *
 * Why wink-nlp: on this project's articles it found every person and
 * organisation mention as a proper-noun run and most dates and durations,
 * at ~16,000 sentences/s; compromise found names a little more precisely
 * but ran at ~650–880 sentences/s, which would add 70–95 s to a build of
 * the 61.6 k-sentence archive (measured: docs/retrieval.md). compromise is
 * kept only for its lexicon, a dictionary lookup.
 *
 * Offsets are rebuilt from the model's own tokens and the white space it
 * records before each, so they are exact slices of the sentence.
 */
import type { Tag, ValueKind } from './tags.js';

interface Token {
  value: string;
  start: number;
  end: number;
  pos: string;
}

/**
 * Tags of one sentence at document offset `offset`. `lowercase` holds the
 * words the document also writes in lower case: a capitalised one of them
 * opening a sentence ("Children's services…", "Inspectors added…") is a
 * common word, not a name.
 */
export type Tagger = (sentence: string, offset: number, lowercase?: ReadonlySet<string>) => Tag[];

/** The words a text writes in lower case somewhere. */
export function lowercaseWords(text: string): Set<string> {
  return new Set(text.match(/(?<![\p{L}\p{N}])\p{Ll}[\p{Ll}\p{N}]*/gu) ?? []);
}

const ENTITY_KIND: Record<string, ValueKind> = {
  DATE: 'date',
  TIME: 'date',
  DURATION: 'duration',
  CARDINAL: 'number',
  MONEY: 'money',
  PERCENT: 'percent',
};
const CURRENCY = /^[£$€¥]$/;
/** Written right after a sum: "£5.6m", "$3bn". */
const MAGNITUDE = /^(?:m|bn|k|million|billion|thousand|mn|tn|trillion)$/i;
const AGE_AFTER = /^[-\s]*years?[-\s]*olds?\b/i;
/** British council titles compromise's lexicon lacks; the rest of the titles come from it. */
const LOCAL_TITLES = new Set(['coun', 'cllr', 'councillor']);
const PERSON_TAGS = new Set(['Person', 'MaleName', 'FemaleName', 'FirstName', 'LastName']);
const PLACE_TAGS = new Set(['Place', 'City', 'Region', 'Country']);

let shared: Promise<Tagger> | undefined;

/**
 * The process's one tagger. Loading wink's model a second time is not only
 * slow: wink-eng-lite-web-model's NER loader re-stringifies its own cached
 * model on every call, so the string grows with each load and the 21st load
 * in one process throws "Invalid string length" — a bot that re-indexes
 * all day would have stopped updating. Loaded once, that cannot happen.
 */
export function createTagger(): Promise<Tagger> {
  shared ??= loadTagger();
  shared.catch(() => (shared = undefined));
  return shared;
}

async function loadTagger(): Promise<Tagger> {
  const [{ default: winkNLP }, { default: model }, { default: nlp }] = await Promise.all([
    import('wink-nlp'),
    import('wink-eng-lite-web-model'),
    import('compromise'),
  ]);
  const wink = winkNLP(model, ['pos', 'ner']);
  const its = wink.its;
  const lexicon = (nlp.model() as { one: { lexicon: Record<string, string | string[]> } }).one.lexicon;
  const tagsOf = (word: string): string[] => [lexicon[word.toLowerCase().replace(/[.'’]s?$/u, '')] ?? []].flat();
  const isTitle = (word: string) => LOCAL_TITLES.has(word.toLowerCase().replace(/\.$/, '')) || tagsOf(word).includes('Honorific');

  /** A proper-noun run's kind: a title or a given name makes a person, a lone known place a place. */
  const nameKind = (words: readonly string[]): ValueKind => {
    if (isTitle(words[0]!) || tagsOf(words[0]!).some((t) => PERSON_TAGS.has(t))) return 'person';
    if (words.length === 1 && tagsOf(words[0]!).some((t) => PLACE_TAGS.has(t))) return 'place';
    return 'proper';
  };

  return (sentence, offset, lowercase = new Set()) => {
    const doc = wink.readDoc(sentence);
    const all = doc.tokens();
    const values = all.out(its.value) as string[];
    const spaces = all.out(its.precedingSpaces) as string[];
    const pos = all.out(its.pos) as string[];
    const tokens: Token[] = [];
    let at = 0;
    values.forEach((value, i) => {
      at += spaces[i]!.length;
      tokens.push({ value, start: at, end: at + value.length, pos: pos[i]! });
      at += value.length;
    });
    // The model's tokens must tile the sentence; if they ever do not, no offset is trusted.
    if (tokens.some((t) => sentence.slice(t.start, t.end) !== t.value)) return [];

    const tags: Tag[] = [];
    const add = (kind: ValueKind, first: number, last: number) =>
      tags.push({ kind, start: offset + tokens[first]!.start, end: offset + tokens[last]!.end });
    const entities = doc.entities();
    const spans = entities.out(its.span) as unknown as [number, number][];
    const types = entities.out(its.type) as string[];
    spans.forEach(([first, last], k) => {
      let kind = ENTITY_KIND[types[k]!];
      if (!kind) return;
      const next = tokens[last + 1];
      // "£5.6 million" is a cardinal after a currency sign, "£5.6m" one more token after it.
      if (kind === 'number' && first > 0 && CURRENCY.test(tokens[first - 1]!.value)) {
        kind = 'money';
        first--;
        if (next && next.start === tokens[last]!.end && MAGNITUDE.test(next.value)) last++;
      }
      // "four-year-old", "40 years old": an age, not a count and a duration.
      const rest = sentence.slice(tokens[last]!.end);
      const age = kind === 'number' ? AGE_AFTER.exec(rest) : null;
      if (age) {
        const end = tokens[last]!.end + age[0].length;
        while (tokens[last + 1] && tokens[last + 1]!.end <= end) last++;
        kind = 'age';
      }
      // "three-week": a cardinal joined by a hyphen to the duration that follows.
      if (kind === 'number' && next?.value === '-' && types[k + 1] === 'DURATION' && spans[k + 1]![0] === last + 2) return;
      const previous = spans[k - 1];
      if (kind === 'duration' && previous && types[k - 1] === 'CARDINAL' && tokens[first - 1]?.value === '-' && previous[1] === first - 2) first = previous[0];
      add(kind, first, last);
    });
    const found = tags.slice();
    const inValue = (t: Token) => found.some((v) => offset + t.start < v.end && offset + t.end > v.start);
    const opensSentence = (i: number) => tokens.slice(0, i).every((t) => t.pos === 'PUNCT');
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i]!.pos !== 'PROPN' || inValue(tokens[i]!)) continue;
      let j = i;
      while (tokens[j + 1]?.pos === 'PROPN' && !inValue(tokens[j + 1]!)) j++;
      const words = tokens.slice(i, j + 1).map((t) => t.value);
      const common = i === j && opensSentence(i) && lowercase.has(words[0]!.toLowerCase());
      if (!common) add(nameKind(words), i, j);
      i = j;
    }
    // "four-year-old" is an age; the duration inside it is not a second value.
    const ages = tags.filter((t) => t.kind === 'age');
    return tags
      .filter((t) => t.kind === 'age' || !ages.some((a) => t.start >= a.start && t.end <= a.end))
      .sort((a, b) => a.start - b.start);
  };
}
