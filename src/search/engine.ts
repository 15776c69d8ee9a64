/**
 * Question → answer. Candidates come from two sides (HNSW nearest
 * sentences, BM25 matches); each is rescored exactly (cosine with the
 * sentence and with its neighbours, BM25), fused, and turned into quotes —
 * unless the abstention model says the corpus does not answer the question.
 */
import type { Embedder } from '../embed/embedder.js';
import { fail } from '../errors.js';
import { selectQuotes, type Quote } from '../quote/select.js';
import { vectorOf, type LoadedIndex } from '../store/load.js';
import { ASK_DELTA_FLOOR, idf, shouldAnswer, unmatchedWords, weightedCoverage, type AbstainFeatures } from './abstain.js';
import { fuse, type Signals } from './fusion.js';
import { queryTerms, termsOf } from './terms.js';

export const MAX_QUESTION_LENGTH = 1000;
const CANDIDATES = 40;
/** Weight of each adjacent sentence in the context cosine; tuned on the gold sets (see README). */
const NEIGHBOUR_WEIGHT = 0.3;

export interface Answer {
  question: string;
  answered: boolean;
  quotes: Quote[];
}

export interface Timings {
  embedMs: number;
  vectorMs: number;
  lexicalMs: number;
  /** Fusion, abstention and quote selection. */
  fuseMs: number;
  /** The ask check's second embedding; 0 when it did not run. */
  askMs: number;
}

export interface Explained extends Answer {
  features: AbstainFeatures;
  /**
   * Cosine of the question with the best passage minus that of the question without the words the
   * passage's document lacks; 0 when none is missing or the model already refused.
   */
  askDelta: number;
  /** Best-first candidates (before quote selection), for evaluation and debugging. */
  ranking: { position: number; score: number; signals: Signals }[];
  timings: Timings;
}

export interface SearchEngine {
  readonly index: LoadedIndex;
  ask(question: string, top?: number): Promise<Answer>;
  explain(question: string, top?: number): Promise<Explained>;
}

/** Trims and checks a question; throws the catalog's one-line errors. */
export function validateQuestion(raw: string): string {
  const question = raw.trim();
  if (!question) throw fail('EMPTY_QUESTION');
  if (question.length > MAX_QUESTION_LENGTH) throw fail('QUESTION_TOO_LONG', question.length, MAX_QUESTION_LENGTH);
  return question;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export function createSearchEngine(index: LoadedIndex, embedder: Embedder): SearchEngine {
  const { passages, lexical } = index;
  const row = (position: number) => vectorOf(index, passages[position]!.label);
  const sameParagraph = (a: number, b: number) =>
    passages[b] !== undefined && passages[a]!.doc === passages[b]!.doc && passages[a]!.paragraph === passages[b]!.paragraph;
  // Passages are in reading order, so each document is one run of positions: [first, end).
  const documentStart = new Map<number, number>();
  const documentEnd = new Map<number, number>();
  passages.forEach((p, i) => {
    if (!documentStart.has(p.doc)) documentStart.set(p.doc, i);
    documentEnd.set(p.doc, i + 1);
  });
  const documentSpan = (position: number): [number, number] => {
    const doc = passages[position]!.doc;
    return [documentStart.get(doc)!, documentEnd.get(doc)!];
  };
  const paragraphTerms = new Map<string, Set<string>>();
  const termsOfParagraph = (position: number): Set<string> => {
    const p = passages[position]!;
    const key = `${p.doc}:${p.paragraph}`;
    let terms = paragraphTerms.get(key);
    if (!terms) {
      terms = new Set();
      for (let i = position; i >= 0 && sameParagraph(position, i); i--) termsOf(passages[i]!.text).forEach((t) => terms!.add(t));
      for (let i = position + 1; sameParagraph(position, i); i++) termsOf(passages[i]!.text).forEach((t) => terms!.add(t));
      paragraphTerms.set(key, terms);
    }
    return terms;
  };

  async function explain(rawQuestion: string, top = 3): Promise<Explained> {
    const question = validateQuestion(rawQuestion);
    let mark = performance.now();
    const lap = () => {
      const now = performance.now();
      const ms = now - mark;
      mark = now;
      return ms;
    };
    const [query] = await embedder.embed([question]);
    const embedMs = lap();
    const k = Math.min(CANDIDATES, index.graph.getCurrentCount());
    const knn = k > 0 ? index.graph.searchKnn(Array.from(query!), k) : { neighbors: [] };
    const vectorMs = lap();
    const terms = queryTerms(question);
    const lexicalHits = lexical.search(terms);
    const lexicalTop = lexicalHits.top(CANDIDATES);
    const lexicalMs = lap();

    const candidates = new Set<number>(lexicalTop);
    for (const label of knn.neighbors) {
      const position = index.positionOf.get(label);
      if (position !== undefined) candidates.add(position);
    }
    const cosine = new Map<number, number>();
    const cos = (position: number) => {
      let value = cosine.get(position);
      if (value === undefined) cosine.set(position, (value = dot(query!, row(position))));
      return value;
    };
    const scored = [...candidates].map((position) => {
      // Neighbours across paragraph breaks too: news quotes often follow their speaker's paragraph.
      const neighbours = [position - 1, position + 1].filter((n) => passages[n]?.doc === passages[position]!.doc);
      const context =
        (cos(position) + NEIGHBOUR_WEIGHT * neighbours.reduce((s, n) => s + cos(n), 0)) / (1 + NEIGHBOUR_WEIGHT * neighbours.length);
      return { item: position, signals: { dense: cos(position), context, lexical: lexicalHits.scoreOf(position) } };
    });
    const ranked = fuse(scored);
    const best = ranked[0];
    const weight = (t: string) => idf(lexical.documentFrequency(t), lexical.passageCount);
    // Both the coverage feature and the ask check ask which question terms the best passage's document has.
    const bestSpan = best ? documentSpan(best.item) : undefined;
    const inBestDocument = (t: string) => bestSpan !== undefined && lexical.occursBetween(t, ...bestSpan);
    const features: AbstainFeatures = {
      topDense: Math.max(0, ...scored.map((s) => s.signals.dense)),
      topContext: Math.max(0, ...scored.map((s) => s.signals.context)),
      documentCoverage: best ? weightedCoverage(terms, weight, inBestDocument) : 0,
      passageCoverage: best ? weightedCoverage(terms, weight, (t) => termsOfParagraph(best.item).has(t)) : 0,
    };
    let answered = best !== undefined && shouldAnswer(features);
    const rankMs = lap();
    let askDelta = 0;
    if (answered) {
      const { kept, missing } = unmatchedWords(question, inBestDocument);
      if (missing.length > 0 && kept !== '') {
        // Embedded on its own, not batched with the question: a batch would shift both int8 vectors.
        const [without] = await embedder.embed([kept]);
        askDelta = cos(best!.item) - dot(without!, row(best!.item));
        answered = askDelta >= ASK_DELTA_FLOOR;
      }
    }
    const askMs = lap();
    const quotes = answered
      ? selectQuotes({ sentences: passages, documents: index.documents, ranked: ranked.map((r) => ({ position: r.item, score: r.score })), top })
      : [];
    const fuseMs = rankMs + lap();
    return {
      question,
      answered,
      quotes,
      features,
      askDelta,
      ranking: ranked.map((r) => ({ position: r.item, score: r.score, signals: r.signals })),
      timings: { embedMs, vectorMs, lexicalMs, fuseMs, askMs },
    };
  }

  return {
    index,
    explain,
    async ask(question, top) {
      const { answered, quotes, question: q } = await explain(question, top);
      return { question: q, answered, quotes };
    },
  };
}
