/**
 * What a question asks for. The cues are English question syntax ("how
 * many", "when", a leading auxiliary for yes/no), not words of any corpus,
 * so the rules hold for any articles. Pure.
 *
 * Each value type names the kinds of tagged value (src/annotate) that can
 * answer it: a passage that holds none of them cannot answer "How old…" or
 * "How much did … cost", however well it matches the topic.
 */
import type { ValueKind } from '../annotate/tags.js';

export const ANSWER_TYPES = [
  'person', 'organisation', 'place', 'number', 'money', 'percent', 'date', 'duration', 'age',
  'reason', 'yesno', 'quotation', 'definition', 'other',
] as const;
export type AnswerType = (typeof ANSWER_TYPES)[number];

export interface Asked {
  type: AnswerType;
  /** For a quotation: the words naming the speaker ("George Duggins" in "What did George Duggins say about…"). */
  speaker?: string;
}

/** The tagged kinds that can answer each value type; types absent here need no particular value. */
export const ANSWERED_BY: Partial<Record<AnswerType, readonly ValueKind[]>> = {
  person: ['person', 'organisation', 'proper'],
  organisation: ['organisation', 'proper', 'person'],
  place: ['place', 'proper', 'organisation'],
  number: ['number', 'money', 'percent'],
  money: ['money'],
  percent: ['percent'],
  date: ['date'],
  duration: ['duration'],
  age: ['age'],
};

const AUXILIARY = /^(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|shall|may|might|must|isn't|aren't|wasn't|weren't|didn't|doesn't|hasn't|haven't)\b/;
const TIME_UNITS = '(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)';
/** Verbs and nouns of paying: "how much" about them asks for an amount of money, not a count. */
const MONEY_CUE = /\b(cost|costs|costing|spend|spends|spent|spending|pay|pays|paid|fund|funds|funding|funded|money|budget|invest|invested|investment|worth|price|salary|salaries|earn|earns|fine|fined|grant|cash|pounds?|dollars?|euros?)\b/;
const SPEECH = '(?:say|said|says|tell|told|think|thought|feel|felt|claim|claimed|argue|argued|warn|warned|promise|promised|vow|vowed|add|added|mean|admit|admitted|announce|announced)';
const SPEAKER_QUESTION = new RegExp(`^(?:what|how) (?:did|does|do|has|have|had) (.+?) (?:${SPEECH})\\b`);
const ACCORDING_TO = /^according to (.+?),/;
/** "Which <noun>" and "which <adjective> <noun>" ("which political party"): the noun says what is asked. */
const which = (nouns: string) => new RegExp(`^(?:which|what) (?:[\\p{L}'-]+ )?(?:${nouns})\\b`, 'u');
const PERSON_NOUN = which(
  'person|people|man|woman|official|minister|politician|councillor|leader|director|boss|officer|spokesman|spokeswoman|spokesperson|' +
    'chair|chairman|chairwoman|head|journalist|reporter|writer|author|blogger|judge|mayor|chief|inspector|doctor|teacher|member',
);
const ORGANISATION_NOUN = which(
  'organisation|organization|agency|agencies|body|bodies|department|council|company|group|party|authority|charity|union|team|board|' +
    'newspaper|paper|publication|trust|force|firm|service|club|university|college',
);
const PLACE_NOUN = which('city|town|village|country|county|place|area|region|street|road|prison|school|hospital|court|building|address|location|ward|constituency|district|suburb|neighbourhood|estate');
const DATE_NOUN = /^(?:which|what) (?:years?|dates?|days?|months?|time|week)\b|^since when\b|^by when\b|\b(?:date of birth|birthday)\b/;
/** "What is the name of…": a name is asked for. */
const NAME_ASKED = /^(?:what|which) (?:is|was|are|were) (?:the )?(?:full )?names? of\b|^name (?:the|a|an)\b|^what (?:is|was) (?:his|her|their) name\b/;
/** "What is <someone>'s salary / the cost of…": an amount of money asked without "how much". */
const MONEY_ASKED = /^(?:what|which) (?:is|was|are|were|will be)\b.*\b(?:salary|salaries|wage|wages|pay|cost|costs|budget|price|fee|fees|fine)\b/;
const RATE_ASKED = /^(?:what|which) (?:is|was|are|were)\b.*\b(?:rate|percentage|proportion|share)\b/;

function normalise(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}'%£$€ ,-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function classifyQuestion(question: string): Asked {
  const q = normalise(question);
  // "In what year…", "At which school…": the preposition does not change what is asked.
  const wh = q.replace(/^(?:in|on|at|from|to|during|into|for) (?=(?:what|which) )/, '');
  // "What did Mr Duggins say about…": the speaker's words, lower-cased like the rest.
  const speaker = SPEAKER_QUESTION.exec(q) ?? ACCORDING_TO.exec(q);
  if (/^(?:how old|what age|at what age|aged)\b/.test(q)) return { type: 'age' };
  if (/^how long\b/.test(q) || new RegExp(`^(?:for )?how many ${TIME_UNITS}\\b`).test(q)) return { type: 'duration' };
  if (/^(?:what|which) (?:percentage|percent|proportion|share|fraction)\b|\bwhat per ?cent\b|\bhow many per ?cent\b/.test(q)) return { type: 'percent' };
  if (/^(?:by )?how much\b/.test(q)) return { type: MONEY_CUE.test(q) ? 'money' : 'number' };
  if (MONEY_ASKED.test(q)) return { type: 'money' };
  if (RATE_ASKED.test(q)) return { type: 'percent' };
  if (/^(?:how many|what number|how big|how large|what size|what was the number|what is the number)\b/.test(q)) return { type: 'number' };
  if (/^when\b/.test(q) || DATE_NOUN.test(wh)) return { type: 'date' };
  if (/^where\b/.test(q) || PLACE_NOUN.test(wh)) return { type: 'place' };
  if (/^(?:who|whom|whose)\b/.test(q) || PERSON_NOUN.test(wh) || NAME_ASKED.test(q)) return { type: 'person' };
  if (ORGANISATION_NOUN.test(wh)) return { type: 'organisation' };
  if (/^(?:why|how come|for what reason)\b|^what (?:caused|causes|led to|is the reason|was the reason)\b/.test(q)) return { type: 'reason' };
  if (speaker && speaker[1] && !/^(?:it|they|this|that|the report|you|i|we)$/.test(speaker[1])) return { type: 'quotation', speaker: speaker[1] };
  if (/^how did .+ (?:react|respond)\b/.test(q)) return { type: 'quotation' };
  if (/^(?:what|who) (?:is|are|was|were) (?:a |an |the )?[\p{L}\p{N}' -]+$/u.test(q) && q.split(' ').length <= 5) return { type: 'definition' };
  if (/^(?:what does .+ mean|define|meaning of|definition of)\b/.test(q)) return { type: 'definition' };
  if (AUXILIARY.test(q)) return { type: 'yesno' };
  return { type: 'other' };
}

/** The question with the words of a phrase (matched case-insensitively) taken out: "What did Amy Weir say about X?" − "amy weir". */
export function withoutWords(question: string, phrase: string): string {
  const drop = new Set(phrase.toLowerCase().split(/\s+/));
  return question
    .split(/\s+/)
    .filter((word) => !drop.has(word.toLowerCase().replace(/[^\p{L}\p{N}'’-]+/gu, '').replace(/['’]s$/u, '')))
    .join(' ');
}
