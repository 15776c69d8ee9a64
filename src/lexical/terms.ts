/**
 * Text → search terms, shared by the lexical index and the query: lowercase,
 * possessives dropped, function words dropped, Porter-stemmed. Dropping
 * function words is also what keeps BM25 fast on a large archive: "the"
 * would otherwise match every sentence.
 */
import { stemmer } from 'stemmer';

const STOPWORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by can ' +
    'could did do does doing down during each few for from further had has have having he her here hers herself him himself his ' +
    'how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves ' +
    'out over own same she should so some such than that the their theirs them themselves then there these they this those through ' +
    'to too under until up very was we were what when where which while who whom whose why will with would you your yours yourself ' +
    'yourselves also may might must shall us let tell say says said get got one'
  ).split(' '),
);

/**
 * Words that frame a request rather than name its topic, in any domain:
 * "does anyone know…", "is there anything…", "please…", "can you recommend /
 * give me…", "what does X mean", "what happened to…", "the things…". Kept
 * apart from STOPWORDS so documents still index them ("the meeting happened").
 * Measured, not tuned: without the list, 5-fold CV on dev and the earlier sets
 * (npm run fit) gives R@1 0.539 instead of 0.557 and refuses 92.9% of
 * off-topic questions instead of 96.4%.
 */
const QUESTION_ONLY = new Set(['anyone', 'anything', 'happen', 'happened', 'know', 'please', 'recommend', 'give', 'mean', 'thing', 'things']);

const TOKEN = /[\p{L}\p{N}]+(?:[.,][\p{N}]+)*/gu;

export function tokenize(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().replace(/['’]s\b/g, '').match(TOKEN) ?? []);
}

/**
 * Stems by token, remembered: an archive has a million tokens but tens of
 * thousands of distinct ones, and stemming is most of the cost of indexing
 * them. Bounded so a long-running bot's questions cannot grow it forever.
 */
const stems = new Map<string, string>();
const MAX_REMEMBERED_STEMS = 500_000;

function stem(token: string): string {
  let stemmed = stems.get(token);
  if (stemmed === undefined) {
    stemmed = /^\p{L}+$/u.test(token) ? stemmer(token) : token;
    if (stems.size >= MAX_REMEMBERED_STEMS) stems.clear();
    stems.set(token, stemmed);
  }
  return stemmed;
}

export function termsOf(text: string): string[] {
  return tokenize(text)
    .filter((t) => !STOPWORDS.has(t))
    .map(stem);
}

/** Query terms: like document terms, minus words that only shape a question. */
export function queryTerms(question: string): string[] {
  return [...new Set(tokenize(question).filter((t) => !STOPWORDS.has(t) && !QUESTION_ONLY.has(t)))].map(stem);
}
