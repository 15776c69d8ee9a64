/**
 * Training pairs for the reader (issue 28) from SQuAD 2.0's human-written
 * questions, the way QNLI was made from SQuAD, plus the engine's own near
 * misses. Pure: the SQuAD JSON and each question's candidates in, labelled
 * pairs out; the randomness is the caller's seeded generator.
 *
 * - The articles become corpus files (title line, then one block per
 *   paragraph), so the engine indexes and ranks them as it does any corpus;
 *   every answer span is moved to its offset in that file.
 * - A candidate quote that holds an answer span answers (1). One that does
 *   not is a negative (0), unless it holds the answer's words elsewhere: a
 *   sentence that repeats the answer may well answer too, so it is left out.
 * - Negatives, hardest first: the engine's best-ranked wrong quotes; for an
 *   adversarial unanswerable question, the sentence holding its "plausible
 *   answer" (written to look like the answer); one other sentence of the
 *   answer's paragraph.
 * - Validation is by article: VALIDATION_ARTICLES never trains.
 */

/** Bump when the corpus layout, labels or negatives change: the model records which data it was trained on. */
export const PAIRS_VERSION = 1;

/**
 * The five articles held out for validation, written down before any training: the first five of
 * shuffle([...titles], seeded(28)) over the 40 titles in the file's order (scripts/lib/random.ts).
 */
export const VALIDATION_ARTICLES: readonly string[] = ['Ctenophora', 'Steam_engine', 'Prime_number', 'Harvard_University', 'Huguenot'];

export interface SquadSpan {
  text: string;
  answer_start: number;
}
export interface SquadJson {
  data: {
    title: string;
    paragraphs: {
      context: string;
      qas: { id: string; question: string; is_impossible?: boolean; answers: SquadSpan[]; plausible_answers?: SquadSpan[] }[];
    }[];
  }[];
}

/** A span of the article's corpus file. */
export interface Span {
  start: number;
  end: number;
  text: string;
}

export interface SquadQuestion {
  id: string;
  question: string;
  /** Empty for an unanswerable question. */
  answers: Span[];
  /** The adversarial question's plausible answer: a span that looks like the answer and is not one. */
  plausible: Span[];
  /** File offsets [start, end) of the paragraph the question was written on. */
  paragraph: [number, number];
}

export interface SquadArticle {
  /** The corpus file's name. */
  name: string;
  title: string;
  /** The corpus file's text. */
  text: string;
  questions: SquadQuestion[];
}

/** Title line, blank line, paragraphs one block each: the layout of tests/gold/squad2/corpus. */
export function squadArticles(json: SquadJson): SquadArticle[] {
  return json.data.map((article) => {
    const title = article.title.replace(/_/g, ' ');
    let text = `${title}\n\n`;
    const questions: SquadQuestion[] = [];
    article.paragraphs.forEach((paragraph, i) => {
      if (i > 0) text += '\n\n';
      const base = text.length;
      text += paragraph.context;
      const move = (spans: readonly SquadSpan[] = []): Span[] =>
        spans.map((s) => ({ start: base + s.answer_start, end: base + s.answer_start + s.text.length, text: s.text }));
      for (const qa of paragraph.qas) {
        questions.push({
          id: qa.id,
          question: qa.question,
          answers: qa.is_impossible ? [] : move(qa.answers),
          plausible: move(qa.plausible_answers),
          paragraph: [base, base + paragraph.context.length],
        });
      }
    });
    return { name: `${article.title.replace(/[^\p{L}\p{N}_().,-]/gu, '_')}.txt`, title, text: `${text}\n`, questions };
  });
}

/** A quote the reader may be shown: its file offsets and the text the reader reads (reader-text.ts). */
export interface Candidate {
  start: number;
  end: number;
  /** The quote alone, for the answer-words check. */
  quote: string;
  /** What the reader reads: title, context and quote. */
  input: string;
}

export type PairKind = 'answer' | 'engine' | 'plausible' | 'paragraph';

export interface Pair {
  question: string;
  input: string;
  label: 0 | 1;
  kind: PairKind;
}

/** How many of the engine's wrong quotes each question contributes, best-ranked first. */
export const ENGINE_NEGATIVES = { answerable: 3, unanswerable: 2 } as const;

const covers = (c: Pick<Candidate, 'start' | 'end'>, s: Span) => c.start <= s.start && s.end <= c.end;
/** Whether the quote holds one of the answers' words anywhere (a repeat of the answer, which may answer too). */
const mentions = (c: Candidate, answers: readonly Span[]) => answers.some((a) => a.text.trim().length > 0 && c.quote.includes(a.text.trim()));

/**
 * The labelled pairs of one question. `ranked`: the engine's quotes for it, best first. `sentences`: the
 * article's sentences as the reader would read them (each a candidate), from which the answer's own sentence,
 * the plausible answer's and the paragraph negative are found.
 */
export function questionPairs(q: SquadQuestion, ranked: readonly Candidate[], sentences: readonly Candidate[], next: () => number): Pair[] {
  const pairs: Pair[] = [];
  const used = new Set<string>();
  const add = (c: Candidate, label: 0 | 1, kind: PairKind) => {
    if (used.has(c.input)) return;
    used.add(c.input);
    pairs.push({ question: q.question, input: c.input, label, kind });
  };
  const answers = q.answers;
  const answering = (c: Candidate) => answers.some((a) => covers(c, a));
  // The answer's own sentence, whether or not the engine ranked it: the positive of every answerable question.
  const own = answers.length > 0 ? (ranked.find(answering) ?? sentences.find(answering)) : undefined;
  if (own) add(own, 1, 'answer');
  const wrong = (c: Candidate) => !answering(c) && !mentions(c, answers);
  for (const plausible of q.plausible) {
    const holder = sentences.find((c) => covers(c, plausible));
    if (holder && wrong(holder)) add(holder, 0, 'plausible');
  }
  const budget = answers.length > 0 ? ENGINE_NEGATIVES.answerable : ENGINE_NEGATIVES.unanswerable;
  ranked.filter(wrong).slice(0, budget).forEach((c) => add(c, 0, 'engine'));
  const [first, end] = q.paragraph;
  const others = sentences.filter((c) => c.start >= first && c.end <= end && wrong(c) && !used.has(c.input));
  if (others.length > 0) add(others[Math.floor(next() * others.length)]!, 0, 'paragraph');
  return pairs;
}
