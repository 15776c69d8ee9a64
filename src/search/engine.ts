/**
 * Question → answer, as a pipeline of small stages:
 *   candidates (HNSW ∪ BM25) → signals (dense at three grains, lexical,
 *   answer type, speaker) → fusion → the reader reads the best few quotes
 *   (reading.ts) → decide (answered | related | refused)
 *   → quotes (selected, highlighted, checked verbatim against the live file).
 * The engine sees the index only through SearchIndex; files and the model
 * come in as parameters.
 */
import { classifyQuestion, withoutWords, type Asked } from './answer-type.js';
import { CANDIDATES, gatherCandidates } from './candidates.js';
import { ALIGNED_PASSAGES, alignment, type Alignment } from './align.js';
import { probability, type DecisionFeatures, type Verdict } from './decide.js';
import { featuresFor, termWeight } from './features.js';
import type { SearchIndex } from '../index-view.js';
import { rankAndQuote } from './rank.js';
import { scoreCandidates, type Signals } from './signals.js';
import { fuse, type Weights } from './fusion.js';
import { readingPool } from './reading.js';
import { TUNED, type Tuning } from './tuned.js';
import type { Embedder } from '../embed/embedder.js';
import type { WordStates } from '../embed/words.js';
import { fail } from '../errors.js';
import { queryTerms, termsOf } from '../lexical/terms.js';
import type { Quote } from '../quote/select.js';
import type { LiveCheck } from '../corpus/live.js';
import { keepVerbatim } from '../quote/verify.js';

export const MAX_QUESTION_LENGTH = 1000;
/** Quotes selected beyond those shown, so a quote dropped by the verbatim check can be replaced. */
const SPARE_QUOTES = 3;

export interface Answer {
  question: string;
  verdict: Verdict;
  /** True only for the verdict 'answered'. */
  answered: boolean;
  /** Quotes that answer (empty unless answered). */
  quotes: Quote[];
  /** For 'related': the closest passages, which do not answer. */
  related: Quote[];
  /** How the answer was reached, for the operator's question log (never shown to the asker). */
  trace?: AnswerTrace;
}

export interface AnswerTrace {
  /** The verdict's two probabilities (decide.ts) and the reader's best logit. */
  scores: { onTopic: number; answers: number; reader: number };
  timings: Timings;
  /** The index generation, the embedding model and the reader that answered. */
  generation: string;
  model: string;
  reader: string;
}

export interface Timings {
  embedMs: number;
  vectorMs: number;
  lexicalMs: number;
  /** Running the model over the closest passages for the soft alignment (align.ts). */
  alignMs: number;
  /** The reader over the pool of best quotes (reading.ts). */
  readMs: number;
  /** Signals, fusion, the verdict and quote selection. */
  fuseMs: number;
  /** Reading the live documents for the verbatim check. */
  verifyMs: number;
}

export interface Explained extends Answer {
  asked: Asked;
  features: DecisionFeatures;
  /** The candidates and their signals as gathered, the order rankAndQuote takes them in (src/evaluate/gold-runs.ts re-ranks them). */
  candidates: { item: number; signals: Signals }[];
  /** The reader's logits by position: the pool of the tuned weights, and of any `alsoRead` weights. */
  read: Map<number, number>;
  timings: Timings;
}

export interface EngineOptions {
  /** The documents as they are now, for the verbatim check. */
  live: LiveCheck;
  /** Called with the documents whose quotes failed the verbatim check: they need re-indexing. */
  onStale?: (docs: string[]) => void;
  tuning?: Tuning;
}

export interface ExplainOptions {
  /** Also read the pools these fusion weights would choose (the fit tries other weights on the same run). */
  alsoRead?: readonly Weights[];
  /** Read pools of this many quotes instead of the tuned number (the study of the pool's size reads the biggest it tries). */
  pool?: number;
}

export interface SearchEngine {
  readonly index: SearchIndex;
  ask(question: string, top?: number): Promise<Answer>;
  explain(question: string, top?: number, options?: ExplainOptions): Promise<Explained>;
}

/** Trims and checks a question; throws the catalog's one-line errors. */
export function validateQuestion(raw: string): string {
  const question = raw.trim();
  if (!question) throw fail('EMPTY_QUESTION');
  if (question.length > MAX_QUESTION_LENGTH) throw fail('QUESTION_TOO_LONG', question.length, MAX_QUESTION_LENGTH);
  return question;
}

export function createSearchEngine(index: SearchIndex, embedder: Embedder, options: EngineOptions): SearchEngine {
  const { lexical, passages } = index;
  const tuning = options.tuning ?? TUNED;
  const features = featuresFor(index);

  const weight = termWeight(index);

  /**
   * The question's soft alignment with the ALIGNED_PASSAGES closest candidates by meaning, the best of
   * them. Chosen by cosine alone, so the figure does not move with the fusion weights a fit tries.
   */
  async function alignWithClosest(questionWords: WordStates, terms: readonly string[], scored: readonly { item: number; signals: Signals }[]): Promise<Alignment> {
    const asked = new Set(terms);
    const weightOf = (word: string) => {
      const [term] = termsOf(word);
      return term !== undefined && asked.has(term) ? weight(term) : undefined;
    };
    const closest = [...scored].sort((a, b) => b.signals.dense - a.signals.dense).slice(0, ALIGNED_PASSAGES);
    const best: Alignment = { mean: 0, weakest: 0 };
    for (const { item } of closest) {
      const { words } = await embedder.embedWords(passages.at(item)!.text);
      const { mean, weakest } = alignment(questionWords, words, weightOf);
      best.mean = Math.max(best.mean, mean);
      best.weakest = Math.max(best.weakest, weakest);
    }
    return best;
  }

  /** Up to `top` of the selected quotes that pass the verbatim check; stale documents are reported, their quotes never returned. */
  async function verified(selected: Quote[], top: number): Promise<Quote[]> {
    const { kept, stale } = await keepVerbatim(selected, options.live);
    if (stale.length > 0) options.onStale?.(stale);
    return kept.slice(0, top);
  }

  /** The reader's logits for the pools of every weighting, each quote read once, in one batch. */
  async function readPools(question: string, scored: readonly { item: number; signals: Signals }[], weightings: readonly Weights[], size: number): Promise<Map<number, number>> {
    const texts = new Map<number, string>();
    for (const weights of weightings) for (const { position, text } of readingPool(index, fuse(scored, weights), size)) texts.set(position, text);
    const logits = await embedder.read(question, [...texts.values()]);
    return new Map([...texts.keys()].map((position, i) => [position, logits[i]!]));
  }

  async function explain(rawQuestion: string, top = 3, explainOptions: ExplainOptions = {}): Promise<Explained> {
    const question = validateQuestion(rawQuestion);
    let mark = performance.now();
    const lap = () => {
      const now = performance.now();
      const ms = now - mark;
      mark = now;
      return ms;
    };
    const { vector: query, words: questionWords } = await embedder.embedWords(question);
    const embedMs = lap();
    const terms = queryTerms(question);
    const questionTerms = new Set(termsOf(question));
    const lexicalHits = lexical.search(terms, CANDIDATES);
    const lexicalMs = lap();
    const candidates = gatherCandidates(index, query, lexicalHits);
    const vectorMs = lap();
    const asked = classifyQuestion(question);
    // "What did <speaker> say about <topic>": that speaker's sentences are also matched on the topic alone (signals.ts).
    const topic = asked.speaker ? withoutWords(question, asked.speaker) : undefined;
    // Embedded on its own, not batched with the question: a batch would shift both int8 vectors.
    const topicQuery = topic ? (await embedder.embed([topic]))[0] : undefined;
    const signalContext = { index, query, lexicalHits, asked, questionTerms, ...(topicQuery ? { topicQuery } : {}) };
    const scored = scoreCandidates(signalContext, candidates);
    const alignment = await alignWithClosest(questionWords, terms, scored);
    const alignMs = lap();
    const read = await readPools(question, scored, [tuning.weights, ...(explainOptions.alsoRead ?? [])], explainOptions.pool ?? tuning.pool);
    const readMs = lap();
    const ranking = rankAndQuote({ index, candidates: scored, asked, terms, questionTerms, alignment, read }, tuning, top + SPARE_QUOTES, features);
    const { features: featuresOfBest } = ranking;
    let verdict = ranking.verdict;
    const fuseMs = lap();
    const shown = await verified(ranking.selected, top);
    // Every candidate quote failed the verbatim check: there is nothing honest to show.
    if (shown.length === 0) verdict = 'refused';
    const verifyMs = lap();
    const { onTopic, answers } = tuning.decision;
    const timings = { embedMs, vectorMs, lexicalMs, alignMs, readMs, fuseMs, verifyMs };
    return {
      question,
      verdict,
      answered: verdict === 'answered',
      quotes: verdict === 'answered' ? shown : [],
      related: verdict === 'related' ? shown : [],
      trace: {
        scores: { onTopic: probability(featuresOfBest, onTopic), answers: probability(featuresOfBest, answers), reader: featuresOfBest.readerBest },
        timings,
        generation: index.generation,
        model: embedder.id,
        reader: await embedder.readerId(),
      },
      asked,
      features: featuresOfBest,
      candidates: scored,
      read,
      timings,
    };
  }

  return {
    index,
    explain,
    async ask(question, top) {
      const { question: q, verdict, answered, quotes, related, trace } = await explain(question, top);
      return { question: q, verdict, answered, quotes, related, ...(trace ? { trace } : {}) };
    },
  };
}
